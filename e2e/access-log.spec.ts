import { unit } from "../app/feed/demo/catalogue";
import { swedishDate } from "../app/i18n/dates";
import { expect, test } from "./fixtures";
import { loginAs } from "./record-helpers";

/**
 * "Who has read the record" beside the portal's own reads shows the clinical system's: in the demo data the clinician
 * of each care contact reads the record during it (app/feed/demo/access-events.ts). In Swedish and English.
 */

const DAY_MS = 86_400_000;

test("a citizen sees that staff at her health centre read her record in the clinical system", async ({ page, visit, scan, t }) => {
  await loginAs(page, { t, scan, key: "main", returnTo: "/access-log" });
  // Up to two days ago: none of this run's reads in the portal, and Anna's latest care contact (a nurse's visit at her
  // health centre two days before the data was generated, today or the day before).
  const to = swedishDate(new Date(Date.now() - 2 * DAY_MS));
  await visit(`/access-log?to=${to}`);
  await expect(page.getByLabel(t("account:accessLog.to"))).toHaveValue(to);
  const latest = page.locator("table tbody tr").first();
  await expect(latest).toContainText(t("account:accessLog.clinical", { unit: unit("nhKungshojd").name }));
  await expect(latest).toContainText(t("account:accessLog.clinicalWhat"));
});
