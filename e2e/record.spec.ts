import { readFileSync } from "node:fs";
import { buildDemoCast, type CastKey } from "../app/feed/demo/cast";
import { stockholmDay } from "../app/feed/demo/dates";
import { formatDate } from "../app/i18n/format";
import { sectionOrder, sectionPath } from "../app/record/sections";
import { expect, onEmbeddedDatabaseToo, test } from "./fixtures";
import { castPatientId, loginAs } from "./record-helpers";

/**
 * The single record, as the demo cast meets it: Anna (the main demo person) reads every section, a trend, filters,
 * prints and downloads; a guardian reads a young child's record and not a 13-year-old's; a 14-year-old sees no record;
 * the hide-new-entries choice and the withheld-information notice. In Swedish and English, with JavaScript on and off.
 */

const DAY_MS = 86_400_000;

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the record with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled, acceptDownloads: true });

    test("a citizen reads the overview and every section, each entry with its date, unit and kind of provider", onEmbeddedDatabaseToo(javaScriptEnabled), async ({ page, scan, t }) => {
      test.setTimeout(150_000);
      await loginAs(page, { t, scan, key: "main" });
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("overview:title"));
      await expect(page.getByRole("heading", { name: t("overview:appointments") })).toBeVisible();
      await expect(page.getByRole("heading", { name: t("overview:messages") })).toBeVisible();
      await expect(page.getByText(t("overview:noUnreadConversations"))).toHaveCount(0);
      await expect(page.getByRole("heading", { name: t("overview:warnings") })).toBeVisible();
      await expect(page.getByTestId("hidden-entries")).toContainText(t("record:hidden.allShown"));
      await scan();

      // With JavaScript, the record's plain links are followed within the page: the document is never reloaded.
      if (javaScriptEnabled) await page.evaluate(() => Object.assign(window, { sameDocument: true }));
      const nav = page.getByRole("navigation", { name: t("record:nav.label") });
      for (const section of sectionOrder) {
        await nav.getByRole("link", { name: t(`record:nav.${section}`), exact: true }).click();
        await expect(page).toHaveURL(new RegExp(`${sectionPath(section)}$`));
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(t(`record:section.${section}.title`));
        if (javaScriptEnabled) {
          // As after a page load, a screen reader announces the new page: focus is on its heading, the title is its own.
          await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
          await expect(page).toHaveTitle(`${t(`record:section.${section}.title`)} – ${t("portal.name")}`);
        }
        const first = page.locator("article.entry").first();
        await expect(first).toBeVisible();
        await expect(first.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
        await expect(first.getByText(t("record:entry.unit"), { exact: true })).toBeVisible();
        await expect(first.locator(".provider")).toHaveText(
          new RegExp(`^(${["region", "municipality", "private", "unknown"].map((k) => t(`record:provider.${k}`)).join("|")})$`),
        );
        if (section === "notes") {
          // A note withheld by keyword: the neutral notice, and not a word of the note.
          await expect(page.getByRole("heading", { name: t("record:withheld.title") })).toBeVisible();
          await expect(page.locator("main")).not.toContainText("Tredje person");
        }
        await scan();
      }
      await expect(nav.getByRole("link", { name: t("record:nav.referrals"), exact: true })).toHaveAttribute("aria-current", "page");
      if (javaScriptEnabled) expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      // Back one page: its list comes again, with the page's data.
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`${sectionPath("care_contacts")}$`));
      if (javaScriptEnabled) await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
      await expect(page.locator("article.entry").first()).toBeVisible();
    });

    test("a citizen filters notes by provider and prints the filtered list", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/notes" });
      await page.waitForLoadState("networkidle");
      // The list came in the page's HTML only: the page, once running, keeps it.
      await expect(page.locator("article.entry").first()).toBeVisible();
      await scan();
      // With JavaScript, the filter form (a Remix <Form method="get">) is submitted within the page: no reload.
      if (javaScriptEnabled) await page.evaluate(() => Object.assign(window, { sameDocument: true }));
      await page.getByLabel(t("record:filters.provider")).selectOption("municipality");
      await page.getByRole("button", { name: t("record:filters.apply") }).click();
      await expect(page).toHaveURL(/provider=municipality/);
      // The results are a new page of the section: focus goes to its heading, as on a reload from the top.
      if (javaScriptEnabled) await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
      await expect(page.locator("article.entry").first()).toBeVisible();
      const kinds = await page.locator("article.entry .provider").allTextContents();
      expect(kinds.length).toBeGreaterThan(0);
      expect(new Set(kinds)).toEqual(new Set([t("record:provider.municipality")]));
      // The form shows the choice it was sent with.
      await expect(page.getByLabel(t("record:filters.provider"))).toHaveValue("municipality");
      if (javaScriptEnabled) expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      await scan();

      await page.getByRole("link", { name: t("record:take.printSection") }).click();
      await expect(page).toHaveURL(/\/record\/print\?.*section=notes/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("print:titleSection", { section: t("record:section.notes.title") }));
      expect(new Set(await page.locator("article.entry .provider").allTextContents())).toEqual(new Set([t("record:provider.municipality")]));
      await expect(page.getByRole("navigation", { name: t("record:nav.label") })).toHaveCount(0);
      await scan();
    });

    test("a citizen opens a result over time: chart, table, values outside the range in words", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/results" });
      await scan();
      await page.getByRole("link", { name: t("record:results.overTime", { title: "B-HbA1c" }) }).first().click();
      await expect(page).toHaveURL(/\/record\/results\/[^/]+$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("trend:title", { title: "B-HbA1c" }));
      await expect(page.getByRole("img", { name: t("trend:chartTitle", { title: "B-HbA1c" }) })).toBeVisible();
      const table = page.getByRole("table", { name: t("trend:caption", { title: "B-HbA1c" }) });
      expect(await table.getByRole("row").count()).toBeGreaterThan(5);
      await expect(table.getByText(t("record:assessment.high")).first()).toBeVisible();
      await scan();
    });

    test("a citizen downloads the record as a FHIR file named by date only", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main" });
      await scan();
      const downloading = page.waitForEvent("download");
      await page.getByRole("link", { name: t("record:take.export") }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^journal-\d{4}-\d{2}-\d{2}\.json$/);
      const bundle = JSON.parse(readFileSync((await download.path())!, "utf8")) as {
        resourceType: string;
        type: string;
        entry: { resource: { resourceType: string; id: string; subject?: { reference?: string }; patient?: { reference?: string } } }[];
      };
      expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection" });
      expect(bundle.entry.length).toBeGreaterThan(50);
      // Whom it is about first; then the entries, each about her.
      expect(bundle.entry[0]!.resource).toMatchObject({ resourceType: "Patient", id: castPatientId("main") });
      const subjects = new Set(bundle.entry.flatMap((e) => (e.resource.subject ?? e.resource.patient)?.reference ?? []));
      expect(subjects).toEqual(new Set([`Patient/${castPatientId("main")}`]));
      expect(JSON.stringify(bundle)).not.toContain("Tredje person");
    });

    test("hiding new entries is visible, changes what is shown, and can be changed back", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/results", hideRecent: true });
      const notice = page.getByTestId("hidden-entries");
      await expect(notice).toContainText(t("record:hidden.hiddenSince", { date: "§" }).split("§")[0]!.trim());
      await expect(notice).not.toContainText(t("record:hidden.allShown"));
      const newestHidden = Date.parse((await page.locator("article.entry time").first().getAttribute("datetime"))!);
      expect(Date.now() - newestHidden).toBeGreaterThan(13 * DAY_MS);
      await scan();

      await notice.getByRole("link", { name: t("record:hidden.change") }).click();
      await expect(page).toHaveURL(/\/login\/new-entries/);
      await scan();
      await page.getByLabel(t("account:newEntries.showAll")).check();
      await page.getByRole("button", { name: t("account:newEntries.save") }).click();
      await expect(page).toHaveURL(/\/record\/results$/);
      await expect(page.getByTestId("hidden-entries")).toContainText(t("record:hidden.allShown"));
      const newestShown = Date.parse((await page.locator("article.entry time").first().getAttribute("datetime"))!);
      expect(Date.now() - newestShown).toBeLessThan(14 * DAY_MS);
      await scan();
    });

    test("a guardian reads a young child's record and cannot read a 13-year-old's", async ({ page, scan, t, baseURL }) => {
      await loginAs(page, { t, scan, key: "guardian" });
      await scan();
      await page.getByLabel(t("identity:header.switchLabel")).selectOption(castPatientId("child5"));
      await page.getByRole("button", { name: t("identity:header.switchAction") }).click();
      await expect(page.getByTestId("subject")).toContainText("Elsa");
      await scan();
      await page.goto("/record/vaccinations");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(
        t("identity:subject.titleFor", { title: t("record:section.vaccinations.title"), name: "Elsa Lindqvist" }),
      );
      await expect(page.locator("article.entry").first()).toBeVisible();
      await scan();

      // Maja turned 13: she is not among the choices, and asking for her anyway is refused as if she did not exist.
      await expect(page.getByLabel(t("identity:header.switchLabel")).locator(`option[value="${castPatientId("child13")}"]`)).toHaveCount(0);
      const refused = await page.request.post("/acting-for", {
        form: { subject: castPatientId("child13"), returnTo: "/record" },
        headers: { Origin: baseURL! },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(404);
      await page.goto("/record");
      await expect(page.getByTestId("subject")).toContainText("Elsa");
      await scan();
    });

    test("a 14-year-old sees no record, only appointments and messages", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "teen14" });
      await scan();
      await expect(page.getByRole("heading", { name: t("overview:noRecordTitle") })).toBeVisible();
      await expect(page.getByRole("heading", { name: t("overview:appointments") })).toBeVisible();
      await expect(page.getByRole("navigation", { name: t("record:nav.label") })).toHaveCount(0);
      await expect(page.getByRole("heading", { name: t("overview:newestResults") })).toHaveCount(0);
      const response = await page.goto("/record/notes");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("record:notAvailable.title"));
      await scan();
      expect((await page.request.get("/record/export.json")).status()).toBe(404);
    });

    test("information from an excluded unit is withheld with a neutral notice that does not name the unit", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "holmMother" });
      await scan();
      await page.getByLabel(t("identity:header.switchLabel")).selectOption(castPatientId("child8"));
      await page.getByRole("button", { name: t("identity:header.switchAction") }).click();
      await expect(page.getByTestId("subject")).toContainText("Theo");
      await scan();
      await page.goto("/record/notes");
      await expect(page.getByRole("heading", { name: t("record:withheld.title") })).toBeVisible();
      await expect(page.locator("main")).not.toContainText("Barnahus");
      await scan();
      await page.goto("/record/care-contacts");
      await expect(page.locator("main")).not.toContainText("Barnahus");
      await scan();
      // Nor does the access log tell that such a unit has read the child's record.
      await page.goto("/access-log");
      await expect(page.getByText(t("account:accessLog.withheld"))).toBeVisible();
      await expect(page.locator("main")).not.toContainText("Barnahus");
      await scan();
    });
  });
}

/** How the printout writes a cast member's personnummer (YYYYMMDD-NNNN), for each day the demo data may be from. */
function printedPersonnummer(key: CastKey): string[] {
  const today = stockholmDay(new Date());
  return [0, 1, 2, 3, 4, 5, 6].map((back) => {
    const pnr = buildDemoCast(today - back).find((p) => p.key === key)!.personnummer;
    return `${pnr.slice(0, 8)}-${pnr.slice(8)}`;
  });
}

test.describe("the printout", () => {
  test("names whose record it is and the day, for oneself and for a child, and puts no control on paper", async ({ page, scan, visit, t, lng }) => {
    test.setTimeout(150_000);
    const controls = page.locator("a, button, input, select, textarea, form, nav");
    const change = page.getByRole("link", { name: t("record:hidden.change") });
    const expectPrintout = async (name: string, key: CastKey) => {
      const subject = page.getByTestId("print-subject");
      await expect(subject.locator("dd").first()).toHaveText(name);
      await expect(subject.locator("dt").nth(1)).toHaveText(t("print:personnummer"));
      expect(printedPersonnummer(key)).toContain(await subject.locator("dd").nth(1).textContent());
      await expect(page.getByTestId("print-date")).toContainText(formatDate(new Date(), lng));
      // On screen the citizen may still change what is shown; on paper there is no control at all.
      await expect(change).toBeVisible();
      await page.emulateMedia({ media: "print" });
      await expect(subject).toBeVisible();
      await expect(change).toBeHidden();
      expect(await controls.evaluateAll((all) => all.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.outerHTML.slice(0, 80)))).toEqual([]);
      await page.emulateMedia({ media: "screen" });
    };

    await loginAs(page, { t, scan, key: "guardian" });
    await scan();
    await visit("/record/print?section=vaccinations");
    await expectPrintout("Johan Lindqvist", "guardian");

    await page.goto("/record");
    await page.getByLabel(t("identity:header.switchLabel")).selectOption(castPatientId("child5"));
    await page.getByRole("button", { name: t("identity:header.switchAction") }).click();
    await expect(page.getByTestId("subject")).toContainText("Elsa");
    await scan();
    await visit("/record/print?section=vaccinations");
    await expectPrintout("Elsa Lindqvist", "child5");
    await expect(page.getByTestId("print-subject")).not.toContainText("Johan");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      t("print:titleSection", { context: "for", name: "Elsa Lindqvist", section: t("record:section.vaccinations.title") }),
    );

    // A record page printed from the browser: the entries, without the navigation, the filters, the header's switches
    // or the link to change what is shown.
    await visit("/record/vaccinations");
    await expect(change).toBeVisible();
    await page.emulateMedia({ media: "print" });
    await expect(page.locator("article.entry").first()).toBeVisible();
    await expect(change).toBeHidden();
    for (const control of ["button", "input", "select", "form", "nav"]) await expect(page.locator(`${control}:visible`)).toHaveCount(0);
    await page.emulateMedia({ media: "screen" });
  });
});
