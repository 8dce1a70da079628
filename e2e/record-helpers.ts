import type { Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { buildDemoCast, castEntry, type CastKey } from "../app/feed/demo/cast";
import { stockholmDay } from "../app/feed/demo/dates";
import { expect } from "./fixtures";

/** How many days back a run's demo data may have been generated (a run that crosses midnight leaves it a day behind). */
const DAYS_BACK = 7;

/**
 * A demo cast member's personnummer as the portal's data has it. The cast's birth dates follow the day the server
 * generated the demo data (see app/feed/demo), which is not today once a run has crossed midnight in Stockholm; so the
 * development identity provider's list of people, which comes from the database, decides. Call it on that page.
 */
export async function castPersonnummer(page: Page, key: CastKey): Promise<string> {
  const buttons = page.locator('button[name="personnummer"]');
  await buttons.first().waitFor();
  const listed = new Set(await buttons.evaluateAll((list) => list.map((b) => (b as HTMLButtonElement).value)));
  const today = stockholmDay(new Date());
  for (let day = today; day > today - DAYS_BACK; day--) {
    const person = buildDemoCast(day).find((p) => p.key === key);
    if (!person) throw new Error(`no cast member ${key}`);
    if (listed.has(person.personnummer)) return person.personnummer;
  }
  throw new Error(`cast member ${key} is not on the identity provider's list as of any of the last ${DAYS_BACK} days`);
}

export function castPatientId(key: CastKey): string {
  const patientId = castEntry(key).patientId;
  if (!patientId) throw new Error(`cast member ${key} is not a patient`);
  return patientId;
}

/**
 * Logs in through the development identity provider as a person of the demo cast, answers the new-entries question
 * (asked only of someone with a record online), and lands on `returnTo`. Every page on the way is scanned by axe.
 */
export async function loginAs(
  page: Page,
  { t, scan, key, returnTo = "/record", hideRecent = false }: { t: TFunction; scan: () => Promise<void>; key: CastKey; returnTo?: string; hideRecent?: boolean },
): Promise<void> {
  await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
  await scan();
  await page.getByRole("link", { name: t("account:login.action") }).click();
  const field = page.getByRole("textbox", { name: t("dev-idp:devIdp.personnummer") });
  await field.waitFor();
  await scan();
  await field.fill(await castPersonnummer(page, key));
  await page.getByRole("button", { name: t("dev-idp:devIdp.login"), exact: true }).click();
  const landing = new RegExp(`${returnTo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  await page.waitForURL((url) => url.pathname === "/login/new-entries" || landing.test(url.href));
  if (new URL(page.url()).pathname === "/login/new-entries") {
    await scan();
    await page.getByLabel(hideRecent ? t("account:newEntries.hideRecent") : t("account:newEntries.showAll")).check();
    await page.getByRole("button", { name: t("account:newEntries.save") }).click();
  }
  await expect(page).toHaveURL(landing);
}

/**
 * Every link on the page leads somewhere: each same-origin link answers below 400 for the person logged in (a link
 * to a page the person may not see is a dead end, whatever the page then says).
 */
export async function expectNoDeadLinks(page: Page): Promise<void> {
  const origin = new URL(page.url()).origin;
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  const targets = [...new Set(hrefs.filter((h) => h.startsWith(origin)).map((h) => h.split("#")[0] as string))];
  const dead: string[] = [];
  for (const target of targets) {
    const response = await page.request.get(target, { maxRedirects: 5 });
    if (response.status() >= 400) dead.push(`${new URL(target).pathname} → ${response.status()}`);
  }
  expect(dead, `dead links on ${page.url()}`).toEqual([]);
}
