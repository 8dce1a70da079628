import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test, translate } from "./fixtures";
import { loginAs } from "./record-helpers";

// The browser downloads the texts of the namespaces the first page's routes name (handle.i18n) and the others when a
// client-side navigation reaches a page that needs them, before that page shows (app/i18n/route-texts.ts).

/**
 * The namespaces whose chunk of texts this document has loaded (from the browser's cache or not), e.g. "booking" for
 * /build/_shared/booking-AB12CD.js.
 */
async function textsLoaded(page: Page): Promise<string[]> {
  const urls = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
  const names = urls.map((url) => /\/build\/_shared\/([a-z-]+)-[A-Z0-9]+\.js$/.exec(new URL(url).pathname)?.[1]);
  return [...new Set(names.filter((n): n is string => !!n && n !== "chunk"))].sort();
}

/** Every document request for a path: a client-side navigation makes none. */
function documentRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) paths.push(new URL(request.url()).pathname);
  });
  return paths;
}

const localesDir = path.resolve(import.meta.dirname, "../app/locales/sv");

/** Every key of the portal's texts with a dot in it ("nav.backToList"), without plural or context suffixes. */
const keys: string[] = (() => {
  const out = new Set<string>();
  const walk = (value: unknown, at: string): void => {
    if (typeof value === "string") out.add(at.replace(/_(one|other|for|for_one|for_other)$/, ""));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
  };
  for (const file of readdirSync(localesDir).filter((f) => f.endsWith(".json"))) walk(JSON.parse(readFileSync(path.join(localesDir, file), "utf8")), "");
  return [...out].filter((k) => k.includes("."));
})();

/** No text on the page is an untranslated key: "booking:list.title", "nav.backToList", "header.logout". */
async function expectNoKeys(page: Page): Promise<void> {
  const text = await page.locator("body").innerText();
  expect(text).not.toMatch(/\b[a-z][a-zA-Z-]*:[a-z][a-zA-Z]*\.[a-zA-Z]/);
  expect(keys.filter((key) => text.includes(key))).toEqual([]);
}

/**
 * Watches the document from its first byte for a key on screen even for a moment (a page rendered before its texts
 * came would show one until they did): every text added or changed is checked, and what matched is kept for
 * `keysSeen`.
 */
async function watchForKeys(page: Page): Promise<void> {
  await page.addInitScript((allKeys) => {
    const seen: string[] = [];
    (window as unknown as { __keysSeen: string[] }).__keysSeen = seen;
    const check = (text: string | null) => {
      if (!text) return;
      if (/\b[a-z][a-zA-Z-]*:[a-z][a-zA-Z]*\.[a-zA-Z]/.test(text)) seen.push(text.slice(0, 80));
      for (const key of allKeys) if (text.includes(key)) seen.push(key);
    };
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === "characterData") check(m.target.textContent);
        for (const node of m.addedNodes) check(node.textContent);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, keys);
}

const keysSeen = (page: Page) => page.evaluate(() => (window as unknown as { __keysSeen?: string[] }).__keysSeen ?? []);

test.describe("texts with JavaScript on", () => {
  test.use({ javaScriptEnabled: true });

  test("a record page loads only its own texts, and a navigation to appointments loads booking's before it shows", async ({ page, scan, t, lng }) => {
    test.setTimeout(120_000);
    await loginAs(page, { t, scan, key: "guardian" });
    await watchForKeys(page);
    const documents = documentRequests(page);

    // A first visit: the document of a record page, its texts those of its routes: root's (common and identity, in one
    // chunk: app/locales/sv/shell.ts), the record's and the overview's.
    await page.goto("/record");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("overview:title"));
    expect(await textsLoaded(page)).toEqual(["overview", "record", "shell"]);
    await expectNoKeys(page);
    await scan();

    // A client-side navigation to the appointments: the booking texts come, and the page shows only once they are here.
    documents.length = 0;
    await page.getByRole("link", { name: t("overview:allAppointments") }).click();
    await expect(page).toHaveURL(/\/appointments$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("booking:list.title"));
    await expect(page.getByRole("link", { name: t("booking:nav.book") }).first()).toBeVisible();
    expect(await textsLoaded(page), "booking's texts, loaded on the navigation").toEqual(["booking", "overview", "record", "shell"]);
    expect(documents, "a client-side navigation").toEqual([]);
    await expectNoKeys(page);
    expect(await keysSeen(page), "keys on screen at any moment since the record page").toEqual([]);
    await scan();

    // And on to a page of the site's own (the accessibility statement, from the footer).
    await page.getByRole("contentinfo").getByRole("link", { name: t("footer.accessibility") }).click();
    await expect(page).toHaveURL(/\/accessibility$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("accessibility:title"));
    expect(documents, "a client-side navigation").toEqual([]);
    await expectNoKeys(page);
    expect(await keysSeen(page), "keys on screen at any moment since the record page").toEqual([]);
    await scan();

    // The language switch: the other language's texts, the page's and the shell's, then a navigation in it.
    const other = lng === "sv" ? "en" : "sv";
    const otherT = await translate(other);
    await page.goto("/appointments");
    await page.getByRole("button", { name: t("language.switchTo") }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", other);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(otherT("booking:list.title"));
    await expect(page.getByRole("button", { name: otherT("identity:header.logout") })).toBeVisible();
    await expectNoKeys(page);
    await scan();
    await page.getByRole("contentinfo").getByRole("link", { name: otherT("footer.accessibility") }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(otherT("accessibility:title"));
    await expectNoKeys(page);
    expect(await keysSeen(page), "keys on screen at any moment since the language switch").toEqual([]);
    await scan();
  });
});
