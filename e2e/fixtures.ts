import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Browser, type Page } from "@playwright/test";
import i18next, { type TFunction } from "i18next";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Language = "sv" | "en";

/** Runs axe (WCAG 2.1 A and AA) on the page as it is now and fails on any violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * axe runs as a script in the page, which a page with JavaScript off cannot do: scan the same document (scripts
 * removed, styles loaded from the same origin) in a scratch page of a script-enabled context instead.
 */
async function expectAccessibleWithoutScripts(page: Page, browser: Browser): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
  const context = await browser.newContext({ javaScriptEnabled: true, locale: "sv-SE" });
  try {
    const scratch = await context.newPage();
    await scratch.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    await scratch.goto(url);
    await expectAccessible(scratch);
  } finally {
    await context.close();
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
    await use(async () => {
      await page.waitForLoadState("load");
      if (javaScriptEnabled) await expectAccessible(page);
      else await expectAccessibleWithoutScripts(page, browser);
      (page as Page & { __scanned?: Set<string> }).__scanned?.add(documentKey(page.url()));
    });
  },
  visit: async ({ page, scan }, use) => {
    await use(async (path: string) => {
      const response = await page.goto(path);
      expect(response, `no response for ${path}`).not.toBeNull();
      await scan();
    });
  },
});

function documentKey(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}

export { expect };
