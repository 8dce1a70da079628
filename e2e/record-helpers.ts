import type { Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { buildDemoCast, type CastKey } from "../app/feed/demo/cast";
import { expect } from "./fixtures";

/** The demo cast's personnummer today: they follow the day the server generated the demo data (see app/feed/demo). */
export function castPersonnummer(key: CastKey): string {
  const person = buildDemoCast(new Date()).find((p) => p.key === key);
  if (!person) throw new Error(`no cast member ${key}`);
  return person.personnummer;
}

export function castPatientId(key: CastKey): string {
  const person = buildDemoCast(new Date()).find((p) => p.key === key);
  if (!person?.patientId) throw new Error(`cast member ${key} is not a patient`);
  return person.patientId;
}

/**
 * Logs in through the development identity provider as a person of the demo cast, answers the new-entries question,
 * and lands on `returnTo`. Every page on the way is scanned by axe.
 */
export async function loginAs(
  page: Page,
  { t, scan, key, returnTo = "/record", hideRecent = false }: { t: TFunction; scan: () => Promise<void>; key: CastKey; returnTo?: string; hideRecent?: boolean },
): Promise<void> {
  await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
  await scan();
  await page.getByRole("link", { name: t("identity:login.action") }).click();
  const field = page.getByRole("textbox", { name: t("identity:devIdp.personnummer") });
  await field.waitFor();
  await scan();
  await field.fill(castPersonnummer(key));
  await page.getByRole("button", { name: t("identity:devIdp.login"), exact: true }).click();
  await expect(page).toHaveURL(/\/login\/new-entries/);
  await scan();
  await page.getByLabel(hideRecent ? t("identity:newEntries.hideRecent") : t("identity:newEntries.showAll")).check();
  await page.getByRole("button", { name: t("identity:newEntries.save") }).click();
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
}
