import type { Locator } from "@playwright/test";
import { formatNumber } from "../app/i18n/format";
import { expect, test } from "./fixtures";
import { loginAs } from "./record-helpers";

/**
 * A filter in the address that cannot be used (an old bookmark, an edited link) is named next to its field, in the
 * reader's language; the rest of the filter applies, and what was typed stays in the field to be corrected. In
 * Swedish and English, with JavaScript on and off.
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The field is marked invalid and its description (hint and error) holds `message`. */
async function expectNamed(field: Locator, message: string) {
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(new RegExp(escape(message)));
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`filters that cannot be used, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("an impossible date, a search over the limit and a page past the end are named, and can be corrected", async ({ page, visit, scan, t, lng }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/notes" });
      await scan();
      const search = "ö".repeat(1234);
      await visit(`/record/notes?from=2026-13-45&q=${encodeURIComponent(search)}&page=999`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("record:section.notes.title"));

      const from = page.getByLabel(t("record:filters.from"), { exact: true });
      await expectNamed(from, t("common:filterErrors.date"));
      await expect(from).toHaveValue("2026-13-45");
      const q = page.getByLabel(t("record:filters.q"), { exact: true });
      await expectNamed(q, t("common:filterErrors.tooLong", { max: formatNumber(100, lng), length: formatNumber(1234, lng) }));
      await expect(q).toHaveValue(search.slice(0, 1000));
      await expect(page.getByLabel(t("record:filters.to"), { exact: true })).not.toHaveAttribute("aria-invalid");

      // Page 999 is not there: the list's last page is, and says so above the list.
      const current = page.getByRole("navigation", { name: t("record:pager.label") }).locator('[aria-current="page"]');
      const last = (await current.count()) === 0 ? 1 : Number((await current.textContent())!.replace(/\D/g, ""));
      await expect(page.locator("#page-error")).toHaveText(t("common:filterErrors.pastEnd", { count: last, page: formatNumber(999, lng), last: formatNumber(last, lng) }));
      await expect(page.locator("article.entry").first()).toBeVisible();

      // Corrected in the form: the period applies, and nothing is named any more.
      await from.fill("2025-01-01");
      await q.fill("");
      await page.getByRole("button", { name: t("record:filters.apply") }).click();
      await expect(page).toHaveURL(/\/record\/notes\?from=2025-01-01(&to=&provider=&q=)?$/);
      await expect(page.getByText(t("record:filters.active"))).toBeVisible();
      await expect(page.locator("[aria-invalid]")).toHaveCount(0);
      await expect(page.locator(".field-error")).toHaveCount(0);
      await scan();
    });

    test("an end before the start, a provider and a status that are not there, and a page that is no number are named", async ({ page, visit, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/medications" });
      await scan();
      await visit("/record/medications?from=2026-03-31&to=2026-03-01&provider=no-such-unit&status=all&page=0");
      await expectNamed(page.getByLabel(t("record:filters.to"), { exact: true }), t("common:filterErrors.toBeforeFrom"));
      await expect(page.getByLabel(t("record:filters.to"), { exact: true })).toHaveValue("2026-03-01");
      await expect(page.getByLabel(t("record:filters.from"), { exact: true })).toHaveValue("2026-03-31");
      await expectNamed(page.getByLabel(t("record:filters.provider"), { exact: true }), t("record:filters.errors.provider"));
      await expectNamed(page.getByLabel(t("record:filters.status"), { exact: true }), t("record:filters.errors.status"));
      await expect(page.locator("#page-error")).toHaveText(t("common:filterErrors.page"));
      // Nothing of it applies: the whole list, its first page.
      await expect(page.getByText(t("record:filters.active"))).toHaveCount(0);
      await expect(page.locator("article.entry").first()).toBeVisible();
    });
  });
}
