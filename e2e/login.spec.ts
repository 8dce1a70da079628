import type { Locator, Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { castEntry, type CastKey } from "../app/feed/demo/cast";
import { formatNumber } from "../app/i18n/format";
import { expect, onEmbeddedDatabaseToo, test } from "./fixtures";
import { castPatientId, castPersonnummer, expectNoDeadLinks } from "./record-helpers";

/**
 * Login through the development identity provider, acting for a child, the access log, sessions and logout, as the
 * demo cast meets them. Every page on the way, the identity provider's included, gets an axe scan. The sv and en
 * projects run each journey in both languages.
 */

function castName(key: CastKey): string {
  const c = castEntry(key);
  return `${c.given} ${c.family}`;
}

/** The provider's button for a cast member: name and personnummer (which follows the day the data was generated). */
async function castButton(page: Page, t: TFunction, key: CastKey) {
  const pnr = await castPersonnummer(page, key);
  const label = t("dev-idp:devIdp.loginAs", { name: castName(key) });
  return page.getByRole("button", { name: new RegExp(`^${label} ${pnr.slice(0, 8)}-${pnr.slice(8)}`) });
}

/** From the portal's login page, through the identity provider's list of people, to the new-entries question. */
async function loginThroughProvider(page: Page, t: TFunction, scan: () => Promise<void>, key: CastKey) {
  await page.getByRole("link", { name: t("account:login.action") }).click();
  const person = await castButton(page, t, key);
  await person.waitFor();
  await expect(page.locator("html")).toHaveAttribute("lang", /^(sv|en)$/);
  await scan();
  await person.click();
}

async function answerNewEntries(page: Page, t: TFunction, scan: () => Promise<void>, hideRecent = false) {
  await expect(page).toHaveURL(/\/login\/new-entries/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("account:newEntries.title"));
  await scan();
  await page.getByLabel(hideRecent ? t("account:newEntries.hideRecent") : t("account:newEntries.showAll")).check();
  await page.getByRole("button", { name: t("account:newEntries.save") }).click();
  // The choice is saved once the portal has sent the browser on; a test that navigates before that races the POST.
  await page.waitForURL((url) => url.pathname !== "/login/new-entries");
}

/** A guardian's reasons name the child, who may be "ditt barn": each must still begin as a sentence does. */
async function expectSentencesCapitalised(items: Locator) {
  for (const text of await items.allTextContents()) expect(text.trim(), text).toMatch(/^\p{Lu}/u);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`login and acting for a child, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a guardian logs in, switches to a young child, sees whose data is shown and the access log grow, logs out", onEmbeddedDatabaseToo(javaScriptEnabled), async ({
      page,
      visit,
      scan,
      t,
      lng,
    }) => {
      // A long journey, and with JavaScript off every axe scan copies the page into a fresh context.
      test.setTimeout(150_000);
      await visit("/");
      await page.getByRole("link", { name: t("home:loginAction") }).click();
      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("account:login.title"));
      await expect(page.getByText(t("account:login.devNotice"))).toBeVisible();
      await scan();

      await loginThroughProvider(page, t, scan, "guardian");
      await expect(page.locator("html")).toHaveAttribute("lang", lng);
      await answerNewEntries(page, t, scan);
      // Logged in from the start page, the person lands on their own start: the overview of their record.
      await expect(page).toHaveURL(/\/record$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("overview:title"));
      await scan();
      await expectNoDeadLinks(page);

      const header = page.getByRole("banner");
      await expect(header.getByText(t("identity:header.loggedInAs", { name: castName("guardian") }))).toBeVisible();
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));

      // The switch offers the children under 13 only: Elsa (5) and Oskar (13 in a few weeks), not Maja, Alva or Wilma.
      const select = header.getByLabel(t("identity:header.switchLabel"));
      const offered = await select.locator("option").allTextContents();
      expect(offered).toHaveLength(3);
      expect(offered.some((o) => o.startsWith(castName("child5")))).toBe(true);
      expect(offered.some((o) => o.startsWith(castName("child12")))).toBe(true);
      expect(offered.some((o) => o.startsWith(castName("child13")))).toBe(false);

      await select.selectOption({ label: castName("child5") });
      await header.getByRole("button", { name: t("identity:header.switchAction") }).click();
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingFor", { name: castName("child5") }));
      // Every heading and count names the child, not "you".
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("overview:title", { context: "for", name: castName("child5") }));
      for (const card of [t("overview:appointments"), t("overview:messages")]) {
        await expect(page.locator("section", { has: page.getByRole("heading", { name: card }) })).toContainText(castName("child5"));
      }
      await scan();
      await expectNoDeadLinks(page);
      await visit("/record/notes");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(
        t("identity:subject.titleFor", { title: t("record:section.notes.title"), name: castName("child5") }),
      );

      // Every read is logged, newest first, the look at the log itself included (the log may run to many pages).
      await visit("/record/allergies");
      await visit("/access-log");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(
        t("identity:subject.titleFor", { title: t("account:accessLog.title"), name: castName("child5") }),
      );
      const rows = page.locator("table tbody tr");
      await expect(rows.first()).toContainText(t("account:accessLog.portalGuardianYou"));
      await expect(rows.first()).toContainText(t("account:accessLog.sections.access_log"));
      await expect(rows.nth(1)).toContainText(t("account:accessLog.sections.allergies"));

      // The period filter: an invalid date is named next to its field; a period in the future shows nothing.
      await visit("/access-log?from=2099-01-01");
      await expect(page.getByText(t("account:accessLog.empty"))).toBeVisible();
      await visit("/access-log?from=2026-13-45");
      await expect(page.locator("#from-error")).toHaveText(t("common:filterErrors.date"));
      await expect(page.locator("#from")).toHaveValue("2026-13-45");
      await expect(page.locator("#from")).toHaveAttribute("aria-invalid", "true");
      // A page past the end: the last page, and a word that it is.
      await visit("/access-log?page=999");
      const current = page.getByRole("navigation", { name: t("account:accessLog.pagination") }).locator('[aria-current="page"]');
      const last = (await current.count()) === 0 ? 1 : Number((await current.textContent())!.replace(/\D/g, ""));
      await expect(page.locator("#page-error")).toHaveText(t("common:filterErrors.pastEnd", { count: last, page: formatNumber(999, lng), last: formatNumber(last, lng) }));
      expect(await rows.count()).toBeGreaterThanOrEqual(1);

      // Children the guardian cannot act for are explained.
      await visit("/acting-for");
      await expect(page.getByText(t("account:actingFor.reasons.age_13", { name: castName("child13") }))).toBeVisible();
      await expectSentencesCapitalised(page.locator("#unavailable-title + ul li"));
      await page.getByRole("button", { name: t("account:actingFor.choose", { name: `${castName("guardian")} (${t("identity:header.you")})` }) }).click();
      // The switch lands on the person's start, for the subject now on screen.
      await expect(page).toHaveURL(/\/record$/);
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("overview:title"));
      await scan();

      await visit("/access-log");
      await header.getByRole("button", { name: t("identity:header.logout") }).click();
      await expect(page).toHaveURL(/\/logout$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("account:logout.title"));
      await expect(page.getByTestId("subject")).toHaveCount(0);
      await scan();

      // Back: nothing personal, the login page instead.
      await page.goBack();
      await expect(page).toHaveURL(/\/login\?returnTo=%2Faccess-log$/);
      await expect(page.getByText(castName("guardian"))).toHaveCount(0);
      await expect(page.locator("table")).toHaveCount(0);
      await scan();
    });
  });
}

test.describe("who gets in", () => {
  for (const [key, reason] of [
    ["deceased", "deceased"],
    ["child5", "under_13"],
    // The same words for a child with protected identity: nothing in them may promise a guardian's help.
    ["protectedChild", "under_13"],
  ] as const) {
    test(`${castEntry(key).role}: refused with the reason (${reason})`, async ({ page, visit, scan, t }) => {
      await visit("/login");
      await loginThroughProvider(page, t, scan, key);
      await expect(page).toHaveURL(new RegExp(`/login/refused\\?reason=${reason}$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("account:refused.title"));
      await expect(page.getByTestId("refusal-reason")).toHaveText(t(`account:refused.reasons.${reason}`));
      await expect(page.getByTestId("subject")).toHaveCount(0);
      await scan();
    });
  }

  test("a guardian is told, in whole sentences, why she cannot act for her child with protected identity", async ({ page, visit, scan, t }) => {
    await visit("/login");
    await loginThroughProvider(page, t, scan, "protectedGuardian");
    await answerNewEntries(page, t, scan);
    await scan();
    await visit("/acting-for");
    await expect(page.getByText(t("account:actingFor.reasons.protected", { name: t("identity:header.yourChild") }))).toBeVisible();
    await expectSentencesCapitalised(page.locator("#unavailable-title + ul li"));
  });

  test("someone unknown to the read model is refused; a malformed number is caught at the provider", async ({ page, visit, scan, t }) => {
    await visit("/login");
    await page.getByRole("link", { name: t("account:login.action") }).click();
    const field = page.getByRole("textbox", { name: t("dev-idp:devIdp.personnummer") });
    await field.waitFor();
    await scan();
    await field.fill("19850402-0000");
    await page.getByRole("button", { name: t("dev-idp:devIdp.login"), exact: true }).click();
    await expect(page.locator("#personnummer-error")).toHaveText(t("dev-idp:devIdp.invalid"));
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await scan();
    await field.fill("19121212-1212");
    await page.getByRole("button", { name: t("dev-idp:devIdp.login"), exact: true }).click();
    await expect(page).toHaveURL(/\/login\/refused\?reason=unknown_person$/);
    await scan();
  });

  test("cancelling at the provider returns to the login page with a message", async ({ page, visit, scan, t }) => {
    await visit("/login");
    await page.getByRole("link", { name: t("account:login.action") }).click();
    await page.getByRole("button", { name: t("dev-idp:devIdp.cancel") }).waitFor();
    await scan();
    await page.getByRole("button", { name: t("dev-idp:devIdp.cancel") }).click();
    await expect(page).toHaveURL(/\/login\?error=cancelled$/);
    await expect(page.getByRole("alert")).toHaveText(t("account:login.errors.cancelled"));
    await scan();
  });

  test("a 14-year-old logs in but has no record; a 16-year-old reads theirs", async ({ page, visit, scan, t }) => {
    await visit("/login?returnTo=%2Faccess-log");
    await loginThroughProvider(page, t, scan, "teen14");
    // No record online: no question about hiding its newest entries, and no link to who has read it.
    await expect(page).toHaveURL(/\/access-log$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("errors.notFoundTitle"));
    await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));
    await scan();
    await visit("/");
    await expect(page).toHaveURL(/\/record$/);
    await expect(page.getByRole("banner").getByRole("link", { name: t("identity:header.accessLog") })).toHaveCount(0);
    await expectNoDeadLinks(page);
    await page.getByRole("banner").getByRole("button", { name: t("identity:header.logout") }).click();
    await scan();

    await visit("/login?returnTo=%2Faccess-log");
    await loginThroughProvider(page, t, scan, "teen16");
    await answerNewEntries(page, t, scan);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("account:accessLog.title"));
    await scan();
  });
});

test.describe("sessions", () => {
  test("a new session id at login, a safe cookie, and other sessions can be ended", async ({ page, browser, visit, scan, t, baseURL }) => {
    await page.context().addCookies([{ name: "portal_session", value: "planted-before-login-0123456789abcdefghijk", url: baseURL! }]);
    await visit("/login?returnTo=%2Fsessions");
    await loginThroughProvider(page, t, scan, "main");
    await answerNewEntries(page, t, scan, true);
    await expect(page).toHaveURL(/\/sessions$/);
    const cookie = (await page.context().cookies()).find((c) => c.name === "portal_session");
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie?.value).not.toBe("planted-before-login-0123456789abcdefghijk");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    // Other journeys (the other language's run of this one) may have left sessions of the same person alive.
    const sessionsBefore = await page.locator("table tbody tr").count();

    // A second login elsewhere (another browser context) as the same person.
    const other = await browser.newContext({ locale: (await page.evaluate(() => navigator.language)) || "sv-SE" });
    const otherPage = await other.newPage();
    await otherPage.goto(new URL("/login?returnTo=%2Fsessions", baseURL).href);
    await otherPage.getByRole("link", { name: t("account:login.action") }).click();
    await (await castButton(otherPage, t, "main")).click();
    await otherPage.getByLabel(t("account:newEntries.showAll")).check();
    await otherPage.getByRole("button", { name: t("account:newEntries.save") }).click();
    await expect(otherPage).toHaveURL(/\/sessions$/);

    await visit("/sessions");
    await expect(page.locator("table tbody tr")).toHaveCount(sessionsBefore + 1);
    await expect(page.getByText(t("account:sessions.thisSession"))).toBeVisible();
    await page.getByRole("button", { name: t("account:sessions.endOthers") }).click();
    await expect(page.getByRole("status")).toHaveText(t("account:sessions.ended", { count: sessionsBefore }));
    await expect(page.locator("table tbody tr")).toHaveCount(1);
    await scan();

    await otherPage.goto(new URL("/sessions", baseURL).href);
    await expect(otherPage).toHaveURL(/\/login\?returnTo=%2Fsessions$/);
    await other.close();
  });

  test("the hide-new-entries choice can be changed during the session", async ({ page, visit, scan, t }) => {
    await visit("/login?returnTo=%2Fsessions");
    await loginThroughProvider(page, t, scan, "main");
    await answerNewEntries(page, t, scan, true);
    await visit("/login/new-entries?returnTo=%2Fsessions");
    await expect(page.getByLabel(t("account:newEntries.hideRecent"))).toBeChecked();
    await page.getByLabel(t("account:newEntries.showAll")).check();
    await page.getByRole("button", { name: t("account:newEntries.save") }).click();
    await expect(page).toHaveURL(/\/sessions$/);
    await scan();
    await visit("/login/new-entries");
    await expect(page.getByText(t("account:newEntries.current.shown"))).toBeVisible();
  });
});

test.describe("requests that must be refused", () => {
  test("a POST from another origin is refused (403) and changes nothing; another person's id answers 404", async ({ page, visit, scan, t, baseURL }) => {
    await visit("/login?returnTo=%2Fsessions");
    await loginThroughProvider(page, t, scan, "guardian");
    await answerNewEntries(page, t, scan);

    const forged = await page.request.post("/logout", { headers: { Origin: "https://attacker.example" }, form: {} });
    expect(forged.status()).toBe(403);
    const crossSite = await page.request.post("/acting-for", {
      headers: { "Sec-Fetch-Site": "cross-site" },
      form: { subject: castPatientId("child5") },
    });
    expect(crossSite.status()).toBe(403);
    await visit("/sessions");
    await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));

    // Asking to act for a person who is not one's young child: 404, the same as an id that does not exist.
    for (const subject of [castPatientId("main"), castPatientId("child13"), "no-such-patient"]) {
      const response = await page.request.post("/acting-for", { headers: { Origin: new URL(baseURL!).origin }, form: { subject } });
      expect(response.status(), subject).toBe(404);
    }
    const allowed = await page.request.post("/acting-for", {
      headers: { Origin: new URL(baseURL!).origin },
      form: { subject: castPatientId("child5") },
      maxRedirects: 0,
    });
    expect(allowed.status()).toBe(303);
  });
});
