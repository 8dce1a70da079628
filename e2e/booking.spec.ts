import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { castEntry, type CastKey } from "../app/feed/demo/cast";
import { formatAppointmentTime } from "../app/i18n/format";
import { actFor, appointmentIdOf, bookable, bookFirstFreeTime, moveToFirstFreeTime, refreshUntil, statusOf } from "./booking-helpers";
import { expect, onEmbeddedDatabaseToo, test } from "./fixtures";
import { castPatientId, loginAs } from "./record-helpers";

/**
 * Booking, as the demo cast meets it: a guardian books, moves and cancels a time for a young child; an appointment
 * inside its deadline cannot be changed online; a 14-year-old books for himself; guardians who may not act for a child
 * cannot book for them; bad addresses answer as they should. Each journey books its own times (the sv and en projects
 * book from the same free times: the first free time shown is taken, or the next when it was just taken).
 *
 * The portal runs with the development stand-in of the clinical system and the outbox relay: a booking is "being
 * confirmed" until the relay has delivered it, a few seconds later.
 */

const name = (key: CastKey) => `${castEntry(key).given} ${castEntry(key).family}`;
const BVC_VISIT = bookable("nhKungshojdBvc", "bvcVisit");
// Rescheduling and cancelling are Oskar's, so that Elsa's next three appointments (the overview's) are hers and the
// booking journey's own.
const ASTHMA = bookable("nhKungshojd", "kungshojdAsthma");
const EYE = bookable("kpEye", "eyePhoto");

/**
 * Johan, acting for a young child, through the booking steps to the week page of a type (the next week: this week's
 * few times may be gone).
 */
async function toChildsWeek(page: Page, t: TFunction, scan: () => Promise<void>, child: "child5" | "child12", type: ReturnType<typeof bookable>) {
  await loginAs(page, { t, scan, key: "guardian" });
  await scan();
  await actFor(page, t, scan, child, name(child));
  await page.goto("/appointments");
  await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingFor", { name: name(child) }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("identity:subject.titleFor", { title: t("booking:list.title"), name: name(child) }));
  await scan();
  await page.getByRole("link", { name: t("booking:nav.book") }).first().click();
  await expect(page).toHaveURL(/\/appointments\/book$/);
  await scan();
  await page.getByRole("link", { name: type.unitName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/appointments/book/${type.unitId}$`));
  await expect(page.locator("main .lead")).toHaveText(t("booking:book.typesIntro", { unit: type.unitName }));
  await scan();
  await page.getByRole("link", { name: type.typeName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/appointments/book/${type.unitId}/${type.typeId}$`));
  await scan();
  await page.getByRole("navigation", { name: t("booking:book.weeks") }).first().getByRole("link", { name: t("booking:book.nextWeek") }).click();
  await expect(page).toHaveURL(new RegExp(`/appointments/book/${type.unitId}/${type.typeId}\\?week=1$`));
  await expect(page.locator("section.week ul.times a").first()).toBeVisible();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`booking with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled, acceptDownloads: true });

    test("a guardian books a time for a young child; it is confirmed, listed, and on the overview", onEmbeddedDatabaseToo(javaScriptEnabled), async ({ page, scan, visit, t, lng, baseURL }) => {
      test.setTimeout(180_000);
      await toChildsWeek(page, t, scan, "child5", BVC_VISIT);
      const startsAt = await bookFirstFreeTime(page, t, scan);
      let id = appointmentIdOf(page);
      try {
        const when = formatAppointmentTime(startsAt, lng);

        // At once: on its way to the clinical system, the time as booked.
        await expect(page.locator("main dl.appointment-facts time").first()).toHaveText(when);
        await expect(statusOf(page)).toHaveText(new RegExp(`^(${escape(t("booking:status.confirming"))}|${escape(t("booking:status.booked"))})$`));
        await scan();
        await refreshUntil(page, t, scan, t("booking:status.booked"));
        // Confirmed, the page is the clinical system's appointment.
        id = appointmentIdOf(page);
        await expect(page.locator("main dl.appointment-facts time").first()).toHaveText(when);
        await expect(page.getByRole("link", { name: t("booking:reschedule.link") })).toBeVisible();

        await visit("/appointments");
        // (An earlier run's time, cancelled, may be listed at the same time: the link names this appointment.)
        const listed = page.locator("section[aria-labelledby=upcoming-title] article.appointment").filter({ has: page.locator(`a[href="/appointments/${id}"]`) });
        await expect(listed.getByRole("link")).toHaveText(new RegExp(`^${escape(when)}`));
        await expect(listed.locator(".appointment-status")).toHaveText(t("booking:status.booked"));

        await visit("/record");
        const card = page.locator("section", { has: page.getByRole("heading", { name: t("overview:appointments") }) });
        await expect(card.locator(`a[href="/appointments/${id}"]`)).toBeVisible();
        await card.locator(`a[href="/appointments/${id}"]`).click();
        await expect(page).toHaveURL(new RegExp(`/appointments/${id}$`));
        await expect(statusOf(page)).toHaveText(t("booking:status.booked"));
      } finally {
        // Tidying up, whatever happened: the overview shows the child's next three appointments, and this journey's
        // next run (the other language, or JavaScript on or off) must find its own among them.
        await page.request.post(`/appointments/${id}`, { form: { intent: "cancel", reason: "" }, headers: { Origin: new URL(baseURL!).origin } });
      }
    });

    test("a guardian reschedules a child's time: moving, then booked at the new time", async ({ page, scan, t, lng }) => {
      test.setTimeout(180_000);
      await toChildsWeek(page, t, scan, "child12", ASTHMA);
      const first = await bookFirstFreeTime(page, t, scan);
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      const id = appointmentIdOf(page);

      await page.getByRole("link", { name: t("booking:reschedule.link") }).click();
      await expect(page).toHaveURL(new RegExp(`/appointments/${id}/reschedule$`));
      await expect(page.getByText(t("booking:reschedule.current", { date: formatAppointmentTime(first, lng) }))).toBeVisible();
      await scan();
      const moved = await moveToFirstFreeTime(page, t, scan, first);
      await expect(page).toHaveURL(new RegExp(`/appointments/${id}$`));
      await expect(statusOf(page)).toHaveText(
        new RegExp(`^(${escape(t("booking:status.moving", { date: formatAppointmentTime(moved, lng) }))}|${escape(t("booking:status.booked"))})$`),
      );
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      await expect(page.locator("main dl.appointment-facts time").first()).toHaveText(formatAppointmentTime(moved, lng));
    });

    test("a guardian cancels a child's time with a reason: cancelling, then cancelled", async ({ page, scan, t }) => {
      test.setTimeout(180_000);
      await toChildsWeek(page, t, scan, "child12", ASTHMA);
      await bookFirstFreeTime(page, t, scan);
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      const id = appointmentIdOf(page);

      await page.getByLabel(t("booking:cancel.reason")).fill("Vi är bortresta");
      await page.getByRole("button", { name: t("booking:cancel.submit") }).click();
      await expect(statusOf(page)).toHaveText(new RegExp(`^(${escape(t("booking:status.cancelling"))}|${escape(t("booking:status.cancelled"))})$`));
      await expect(page).toHaveURL(new RegExp(`/appointments/${id}$`));
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.cancelled"));
      // Nothing more to do with it online.
      await expect(page.getByRole("button", { name: t("booking:cancel.submit") })).toHaveCount(0);
      await expect(page.getByRole("link", { name: t("booking:reschedule.link") })).toHaveCount(0);
    });

    test("a guardian asks for an earlier time, is offered one on the overview, and takes it", async ({ page, scan, t, lng }) => {
      test.setTimeout(240_000);
      await toChildsWeek(page, t, scan, "child12", ASTHMA);
      // A time in the last of the eight weeks: earlier ones are free to be offered.
      await page.goto(`/appointments/book/${ASTHMA.unitId}/${ASTHMA.typeId}?week=7`);
      await scan();
      const late = await bookFirstFreeTime(page, t, scan);
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      const id = appointmentIdOf(page);
      try {
        await page.getByRole("button", { name: t("booking:earlier.ask") }).click();
        await expect(page).toHaveURL(new RegExp(`/appointments/${id}$`));
        await expect(page.getByText(t("booking:earlier.waiting"))).toBeVisible();
        await scan();

        // The booking pass (every 10 s) offers the earliest free time; the overview tells it.
        await expect(async () => {
          await page.goto("/record");
          await expect(page.getByRole("link", { name: t("overview:earlierOfferLink") })).toBeVisible({ timeout: 1_000 });
        }).toPass({ timeout: 40_000, intervals: [2_000, 3_000, 5_000] });
        await scan();
        await page.getByRole("link", { name: t("overview:earlierOfferLink") }).click();
        await expect(page).toHaveURL(new RegExp(`/appointments/${id}$`));
        await scan();
        await page.getByRole("button", { name: t("booking:earlier.take") }).click();
        // Taken (with JavaScript, the page still shows the offer until the action has answered).
        await expect(page.getByRole("button", { name: t("booking:earlier.take") })).toHaveCount(0);
        await refreshUntil(page, t, scan, t("booking:status.booked"));
        // Booked at the earlier time, at once (a poll fetched before the move and stored after it is an older version).
        const shownTime = page.locator("main dl.appointment-facts time").first();
        expect(Date.parse((await shownTime.getAttribute("datetime"))!)).toBeLessThan(Date.parse(late));
        await expect(statusOf(page)).toHaveText(t("booking:status.booked"));
        const now = (await shownTime.getAttribute("datetime"))!;
        await expect(page.locator("main dl.appointment-facts time").first()).toHaveText(formatAppointmentTime(now, lng));
      } finally {
        // Give the time back: the next run's offers come from the same free times.
        await page.goto(`/appointments/${id}`);
        const cancel = page.getByRole("button", { name: t("booking:cancel.submit") });
        if ((await cancel.count()) > 0) await cancel.click();
      }
    });

    test("an appointment inside its cancellation deadline cannot be changed online: the clinic's number instead", async ({ page, scan, visit, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/appointments" });
      await scan();
      // Anna's eye photography tomorrow (the eye clinic's deadline is 48 hours).
      const tomorrow = page
        .locator("section[aria-labelledby=upcoming-title] article.appointment")
        .filter({ hasText: EYE.unitName })
        .filter({ hasText: t("booking:status.booked") })
        .first();
      const href = (await tomorrow.getByRole("link").first().getAttribute("href"))!;
      const startsAt = (await tomorrow.locator("h3 time").getAttribute("datetime"))!;
      expect(Date.parse(startsAt) - Date.now()).toBeLessThan(48 * 3_600_000);
      await visit(href);
      await expect(page.getByText(t("booking:notChangeable.deadline_passed"))).toBeVisible();
      await expect(page.getByText(t("booking:notChangeable.call", { unit: EYE.unitName }))).toBeVisible();
      await expect(page.locator('main a[href^="tel:"]')).toHaveText(/\d/);
      // Nor is it said to be changeable until a time gone by.
      await expect(page.getByText(t("booking:appointment.changeable"), { exact: true })).toHaveCount(0);
      await expect(page.getByRole("button", { name: t("booking:cancel.submit") })).toHaveCount(0);
      await expect(page.locator("main form textarea")).toHaveCount(0);
      await expect(page.getByRole("link", { name: t("booking:reschedule.link") })).toHaveCount(0);
      // Nor is the reschedule page a way around it.
      await visit(`${href}/reschedule`);
      await expect(page.locator("main section.week")).toHaveCount(0);
      await expect(page.getByText(t("booking:notChangeable.deadline_passed"))).toBeVisible();
    });

    test("a 14-year-old books his own time", async ({ page, scan, t }) => {
      test.setTimeout(150_000);
      const type = bookable("nhKungshojd", "kungshojdVaccination");
      await loginAs(page, { t, scan, key: "teen14", returnTo: "/appointments" });
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("booking:list.title"));
      await scan();
      await page.getByRole("link", { name: t("booking:nav.book") }).first().click();
      await expect(page).toHaveURL(/\/appointments\/book$/);
      await scan();
      await page.getByRole("link", { name: type.unitName, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/appointments/book/${type.unitId}$`));
      await scan();
      await page.getByRole("link", { name: type.typeName, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/appointments/book/${type.unitId}/${type.typeId}$`));
      await scan();
      await page.getByRole("navigation", { name: t("booking:book.weeks") }).first().getByRole("link", { name: t("booking:book.nextWeek") }).click();
      await expect(page).toHaveURL(/\?week=1$/);
      await expect(page.locator("section.week ul.times a").first()).toBeVisible();
      await bookFirstFreeTime(page, t, scan);
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(type.typeName);
    });
  });
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`who may not book, with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a guardian cannot book for a child who has turned 13", async ({ page, browser, scan, visit, t, lng, baseURL }) => {
      test.setTimeout(150_000);
      // Maja's own appointment, as she sees it herself.
      const own = await browser.newContext({ locale: lng === "en" ? "en-GB" : "sv-SE" });
      const majaPage = await own.newPage();
      await loginAs(majaPage, { t, scan: async () => {}, key: "child13", returnTo: "/appointments" });
      const majasAppointment = await majaPage.locator("article.appointment h3 a").first().getAttribute("href");
      await own.close();
      expect(majasAppointment).toMatch(/^\/appointments\/[^/]+$/);

      await loginAs(page, { t, scan, key: "guardian" });
      await scan();
      // Not among the choices, and the acting-for page tells why.
      await expect(page.getByRole("banner").getByLabel(t("identity:header.switchLabel")).locator(`option[value="${castPatientId("child13")}"]`)).toHaveCount(0);
      await visit("/acting-for");
      await expect(page.getByText(t("account:actingFor.reasons.age_13", { name: name("child13") }))).toBeVisible();
      // Asking anyway: refused as if she did not exist; her appointment's page is not found.
      const refused = await page.request.post("/acting-for", { form: { subject: castPatientId("child13") }, headers: { Origin: baseURL! }, maxRedirects: 0 });
      expect(refused.status()).toBe(404);
      const response = await page.goto(majasAppointment!);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("common:errors.notFoundTitle"));
      await scan();
      await visit(`${majasAppointment}/reschedule`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("common:errors.notFoundTitle"));
    });

    test("a guardian blocked by a care unit cannot book for the child", async ({ page, scan, visit, t, baseURL }) => {
      await loginAs(page, { t, scan, key: "blockedGuardian" });
      await scan();
      await expect(page.getByRole("banner").locator(`option[value="${castPatientId("child8")}"]`)).toHaveCount(0);
      await visit("/acting-for");
      await expect(page.getByText(t("account:actingFor.reasons.blocked", { name: name("child8") }))).toBeVisible();
      const refused = await page.request.post("/acting-for", { form: { subject: castPatientId("child8") }, headers: { Origin: baseURL! }, maxRedirects: 0 });
      expect(refused.status()).toBe(404);
      // The booking pages are his own, never Theo's.
      await visit("/appointments/book");
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingSelf"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("booking:book.title"));
      await expect(page.locator("main")).not.toContainText(castEntry("child8").given);
    });
  });

  test.describe(`bad addresses, with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("an unknown time and a week out of range are answered, not failed", async ({ page, scan, visit, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/appointments" });
      await scan();
      const response = await page.goto("/appointments/book/confirm?slot=nope");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("alert")).toHaveText(t("booking:errors.slot_unknown"));
      await expect(page.getByRole("button", { name: t("booking:book.submit") })).toHaveCount(0);
      await expect(page.getByRole("link", { name: t("booking:errors.backToBooking") })).toHaveAttribute("href", "/appointments/book");
      await scan();

      const lab = bookable("nhKungshojd", "kungshojdLab");
      await visit(`/appointments/book/${lab.unitId}/${lab.typeId}`);
      await expect(page.locator("main section.week")).toBeVisible();
      const week9 = await page.goto(`/appointments/book/${lab.unitId}/${lab.typeId}?week=9`);
      expect(week9?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("common:errors.notFoundTitle"));
      await expect(page.getByRole("link", { name: t("booking:nav.backToList") })).toBeVisible();
      await scan();
    });
  });
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the calendar file with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled, acceptDownloads: true });

    test("a booked appointment's calendar file has its UID, and once cancelled the same UID with METHOD:CANCEL", async ({ page, scan, t, baseURL }) => {
      test.setTimeout(150_000);
      await toChildsWeek(page, t, scan, "child12", ASTHMA);
      await bookFirstFreeTime(page, t, scan);
      await scan();
      await refreshUntil(page, t, scan, t("booking:status.booked"));
      const id = appointmentIdOf(page);
      const link = page.getByRole("link", { name: t("booking:appointment.calendar") });
      await expect(link).toHaveAttribute("href", `/appointments/${id}/calendar.ics`);
      const downloading = page.waitForEvent("download");
      await link.click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/\.ics$/);
      const text = readFileSync((await download.path())!, "utf8");
      expect(text).toMatch(/^BEGIN:VCALENDAR\r?\n/);
      expect(text).toMatch(/END:VCALENDAR\s*$/);
      const uid = new RegExp(`^UID:appointment-${id}@${escape(new URL(baseURL!).hostname)}\r?$`, "m");
      expect(text).toMatch(uid);
      expect(text).toMatch(/^METHOD:PUBLISH\r?$/m);

      // Cancelled: the file that takes it out of the calendar.
      await page.getByRole("button", { name: t("booking:cancel.submit") }).click();
      await refreshUntil(page, t, scan, t("booking:status.cancelled"));
      const response = await page.request.get(`/appointments/${id}/calendar.ics`);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toMatch(/^text\/calendar/);
      const cancelled = await response.text();
      expect(cancelled).toMatch(uid);
      expect(cancelled).toMatch(/^METHOD:CANCEL\r?$/m);
      expect(cancelled).toMatch(/^STATUS:CANCELLED\r?$/m);
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
