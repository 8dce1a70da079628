import type { Locator, Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { service, unit } from "../app/feed/demo/catalogue";
import { expect } from "./fixtures";
import { castPatientId } from "./record-helpers";

/** A unit and a type of the demo catalogue, by key, as the booking pages address them. */
export function bookable(unitKey: string, serviceKey: string) {
  const u = unit(unitKey);
  const s = service(serviceKey);
  return { unitId: u.id, unitName: u.name, typeId: s.id, typeName: s.name };
}

/** Switches the person logged in to act for a child, through the header's switch. */
export async function actFor(page: Page, t: TFunction, scan: () => Promise<void>, key: "child5" | "child12", name: string) {
  const header = page.getByRole("banner");
  await header.getByLabel(t("identity:header.switchLabel")).selectOption(castPatientId(key));
  await header.getByRole("button", { name: t("identity:header.switchAction") }).click();
  await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingFor", { name }));
  await scan();
}

/** The appointment's status, in words, on its own page. */
export function statusOf(page: Page): Locator {
  return page.locator("main .appointment-status");
}

/** The appointment id of the appointment page on screen. */
export function appointmentIdOf(page: Page): string {
  const match = /\/appointments\/([^/?#]+)$/.exec(new URL(page.url()).pathname);
  if (!match) throw new Error(`not an appointment page: ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

/**
 * Waits for the clinical system's answer: follows the page's own "refresh" link (a plain link, with JavaScript or
 * without) until the status reads `expected`. The stand-in and the relay answer within seconds. A booking's page is
 * addressed by the booking until the clinical system has named the appointment, then by the appointment: the page it
 * ends on is scanned when it is a new one.
 */
export async function refreshUntil(page: Page, t: TFunction, scan: () => Promise<void>, expected: string) {
  const status = statusOf(page);
  const before = new URL(page.url()).pathname;
  await expect(async () => {
    const refresh = page.getByRole("link", { name: t("booking:waiting.refresh") });
    if ((await refresh.count()) > 0) await refresh.click();
    else await page.reload();
    await page.waitForLoadState("load");
    await expect(status).toHaveText(expected, { timeout: 1_500 });
  }).toPass({ timeout: 25_000, intervals: [1_000, 1_500, 2_000] });
  if (new URL(page.url()).pathname !== before) await scan();
}

/**
 * On a week of free times: takes the first time shown, checks the confirmation page repeats it, and books it; a time
 * just taken by someone else (the other project runs the same journeys) is passed over for the next one. Ends on the
 * new appointment's page; returns the time booked (ISO).
 */
export async function bookFirstFreeTime(page: Page, t: TFunction, scan: () => Promise<void>, reason?: string): Promise<string> {
  const weekUrl = page.url();
  const links = page.locator("section.week ul.times a");
  const count = await links.count();
  expect(count, `free times on ${weekUrl}`).toBeGreaterThan(0);
  for (let i = 0; i < Math.min(count, 8); i++) {
    if (i > 0) await page.goto(weekUrl);
    const link = page.locator("section.week ul.times a").nth(i);
    const startsAt = (await link.locator("time").getAttribute("datetime"))!;
    await link.click();
    await expect(page).toHaveURL(/\/appointments\/book\/confirm\?slot=/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(t("booking:book.confirmTitle"));
    // The time chosen, repeated before anything is booked.
    const repeated = page.locator("main dl.appointment-facts time");
    if ((await repeated.count()) === 0) continue; // gone between the two pages
    await expect(repeated).toHaveAttribute("datetime", startsAt);
    await scan();
    if (reason) await page.getByLabel(t("booking:book.reason")).fill(reason);
    await page.getByRole("button", { name: t("booking:book.submit") }).click();
    // Booked: the appointment's page. Refused (just taken, or overlapping): the alert on the confirmation page.
    const alert = page.getByRole("alert");
    await expect(async () => {
      const onAppointment = /\/appointments\/(?!book)[^/]+$/.test(new URL(page.url()).pathname);
      expect(onAppointment || (await alert.count()) > 0).toBe(true);
    }).toPass({ timeout: 10_000 });
    if (/\/appointments\/(?!book)[^/]+$/.test(new URL(page.url()).pathname)) return startsAt;
    await expect(alert).toBeVisible();
    await scan();
  }
  throw new Error(`no free time could be booked from ${weekUrl}`);
}

/**
 * On the reschedule page: moves the appointment to the first time offered (passing over one just taken); ends on the
 * appointment's page and returns the new time (ISO).
 */
export async function moveToFirstFreeTime(page: Page, t: TFunction, scan: () => Promise<void>, current: string): Promise<string> {
  const rescheduleUrl = page.url();
  for (let i = 0; i < 8; i++) {
    if (i > 0) {
      await page.goto(rescheduleUrl);
      await scan();
    }
    const buttons = page.locator("section.week ul.times button");
    await expect(buttons.first()).toBeVisible();
    // Another time than the one the appointment has.
    const all = await buttons.locator("time").evaluateAll((ts) => ts.map((el) => el.getAttribute("datetime")));
    const candidates = all.map((s, index) => ({ s, index })).filter((c) => c.s !== current);
    const pick = candidates[i];
    if (!pick) break;
    await buttons.nth(pick.index).click();
    const alert = page.getByRole("alert");
    await expect(async () => {
      const onAppointment = /\/appointments\/[^/]+$/.test(new URL(page.url()).pathname);
      expect(onAppointment || (await alert.count()) > 0).toBe(true);
    }).toPass({ timeout: 10_000 });
    if (/\/appointments\/[^/]+$/.test(new URL(page.url()).pathname)) return pick.s!;
  }
  throw new Error(`no free time to move to from ${rescheduleUrl}`);
}
