import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import i18next, { type TFunction } from "i18next";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Language = "sv" | "en";

/**
 * Runs axe (WCAG 2.1 A and AA) on the page as it is now and fails on any violation. The portal's pages have no frames:
 * axe runs in the page itself (its "legacy mode"), without the blank page it would otherwise open to gather the
 * results of cross-origin frames, which took half of each scan's time. Only violations are reported, so that axe skips
 * recording the details of every check that passed.
 */
export async function expectAccessible(page: Page): Promise<void> {
  expect(page.frames(), `frames on ${page.url()}: axe's legacy mode would leave them out`).toHaveLength(1);
  // options() replaces every option set before it: it comes before withTags.
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ["violations"] })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .setLegacyMode(true)
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * axe runs as a script in the page, which a page with JavaScript off cannot do: scan the same document (scripts
 * removed, styles loaded from the same origin) at the same size in `scratch`, a page of a script-enabled context.
 */
async function expectAccessibleWithoutScripts(page: Page, scratch: Page): Promise<void> {
  const url = page.url();
  const html = withoutScripts(await page.content());
  const viewport = page.viewportSize();
  if (viewport) await scratch.setViewportSize(viewport);
  await scratch.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  try {
    await scratch.goto(url);
    await expectAccessible(scratch);
  } finally {
    await scratch.unroute(url);
  }
}

interface Fixtures {
  /** The language of this project (sv or en): the browser's Accept-Language. */
  lng: Language;
  /** Translates with the portal's own locale files, in the project's language. */
  t: TFunction;
  /** Go to a path and scan it. */
  visit: (path: string) => Promise<void>;
  /** Scan the page as it is now (after a click, a form post). */
  scan: () => Promise<void>;
}

const localesDir = path.resolve(import.meta.dirname, "../app/locales");

/** Every namespace file of app/locales, read as the portal bundles them. */
function resources() {
  const out: Record<string, Record<string, unknown>> = {};
  for (const lng of ["sv", "en"]) {
    out[lng] = Object.fromEntries(
      readdirSync(path.join(localesDir, lng))
        .filter((f) => f.endsWith(".json"))
        .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(localesDir, lng, f), "utf8"))]),
    );
  }
  return out;
}

const translators = new Map<Language, TFunction>();
/** The portal's translations in a given language (for a journey that switches language). */
export async function translate(lng: Language): Promise<TFunction> {
  let t = translators.get(lng);
  if (!t) {
    const instance = i18next.createInstance();
    await instance.init({ resources: resources() as never, lng, fallbackLng: false, defaultNS: "common", interpolation: { escapeValue: false } });
    t = instance.t;
    translators.set(lng, t);
  }
  return t;
}

/**
 * Every page a journey visits gets an axe scan: each document the page navigates to is recorded, and a journey that
 * ends with a visited page it never scanned fails.
 */
export const test = base.extend<Fixtures>({
  lng: async ({ locale }, use) => {
    await use(locale?.startsWith("en") ? "en" : "sv");
  },
  t: async ({ lng }, use) => {
    await use(await translate(lng));
  },
  page: async ({ page, baseURL }, use) => {
    const visited = new Set<string>();
    const scanned = new Set<string>();
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) visited.add(documentKey(frame.url()));
    });
    (page as Page & { __scanned?: Set<string> }).__scanned = scanned;
    // Any error the page's own code reports or throws fails the journey, and so does any file of the portal's that the
    // browser failed to load (a stylesheet, a script, the icon it asks for on every page). A page or a page's data the
    // journey asked for on purpose (a 403, a 404) is left to the journey's own checks.
    const errors: string[] = [];
    const pages = new Set<string>();
    page.on("request", (request) => {
      if (request.isNavigationRequest()) pages.add(request.url());
    });
    const askedFor = (url: string) => pages.has(url) || new URL(url).pathname.endsWith(".data");
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      if (!message.text().startsWith("Failed to load resource")) return void errors.push(`${message.text()} (${page.url()})`);
      const failed = message.location().url;
      if (failed && new URL(failed).origin === new URL(baseURL!).origin && !askedFor(failed)) errors.push(`${message.text()}: ${failed} (${page.url()})`);
    });
    page.on("pageerror", (error) => errors.push(`${error.message} (${page.url()})`));
    await use(page);
    expect(errors, "errors in the browser's console").toEqual([]);
    const missing = [...visited].filter((u) => !scanned.has(u) && !u.startsWith("about:") && !u.includes("/healthz"));
    expect(missing, "pages visited without an axe scan").toEqual([]);
  },
  scan: async ({ page, browser, javaScriptEnabled }, use) => {
    // One scratch page per journey for the documents shown with JavaScript off, made when the first is scanned.
    let scratch: Page | undefined;
    await use(async () => {
      // The page the journey is on once it has settled: a click may have started a client-side navigation (or a
      // form's submission) that is still under way. A navigation to another page while one is scanned scans that too.
      for (;;) {
        await settled(page, javaScriptEnabled);
        const key = documentKey(page.url());
        const document = await sameDocumentKey(page, javaScriptEnabled);
        const pathname = new URL(key).pathname;
        // Scanned, whatever the scan finds (a violation fails the journey on its own).
        (page as Page & { __scanned?: Set<string> }).__scanned?.add(key);
        if (scannedDocuments.has(document)) await base.step(`axe scan of ${pathname}: the same document as scanned before`, async () => {}, { box: true });
        else {
          await base.step(`axe scan of ${pathname}`, async () => {
            if (javaScriptEnabled) await expectAccessible(page);
            else {
              scratch ??= await (await browser.newContext({ javaScriptEnabled: true })).newPage();
              await expectAccessibleWithoutScripts(page, scratch);
            }
          }, { box: true });
          scannedDocuments.add(document);
        }
        await settled(page, javaScriptEnabled);
        if (documentKey(page.url()) === key) break;
      }
    });
    await scratch?.context().close();
  },
  visit: async ({ page, scan }, use) => {
    await use(async (path: string) => {
      const response = await page.goto(path);
      expect(response, `no response for ${path}`).not.toBeNull();
      await scan();
    });
  },
});

/**
 * The journeys CI runs a second time against the embedded database (`--grep @pglite`): one whole path through each
 * area (log in, read, book, write and be answered), with JavaScript on. The rest of the suite runs on PostgreSQL only,
 * and the domains' integration tests run on both.
 */
export const onEmbeddedDatabaseToo = (javaScriptEnabled: boolean) => ({ tag: javaScriptEnabled ? ["@pglite"] : [] });

/** Waits for the document to load and, with JavaScript on, for the portal's router to finish any navigation. */
async function settled(page: Page, javaScriptEnabled: boolean): Promise<void> {
  await page.waitForLoadState("load");
  if (!javaScriptEnabled) return;
  await page.waitForFunction(() => {
    const router = (window as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } }).__remixRouter;
    return !router || (router.state.navigation.state === "idle" && router.state.revalidation === "idle");
  });
}

/**
 * The documents this worker has scanned and found without violations. axe's answer depends on the document, its
 * styles and the viewport only, so a document identical to one scanned before (a journey's login pages, a page scanned
 * again with nothing changed) is not scanned twice. Identical means the same markup once what differs on every
 * response without changing the page is set aside: scripts (their effect is in the markup), CSP nonces and hidden
 * fields' values (form tokens).
 */
const scannedDocuments = new Set<string>();

const withoutScripts = (html: string) => html.replace(/<script\b[\s\S]*?<\/script>/gi, "");

async function sameDocumentKey(page: Page, javaScriptEnabled: boolean): Promise<string> {
  const markup = withoutScripts(await page.content())
    .replace(/\snonce="[^"]*"/g, "")
    .replace(/(<input\b[^>]*\btype="hidden"[^>]*\bvalue=")[^"]*"/g, '$1"');
  const viewport = page.viewportSize();
  return createHash("sha256")
    .update(`${javaScriptEnabled}|${viewport?.width}x${viewport?.height}|${markup}`)
    .digest("base64");
}

function documentKey(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}

export { expect };
