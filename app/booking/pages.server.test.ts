import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, setDatabase } from "../../db/connection";
import { accessLog, appointmentTypes, schedules, slots } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createSession, setActingFor } from "~/identity/session.server";
import { createGuardianship, createPerson, requestWithCookie } from "~/identity/test-factories";
import { createCareUnit } from "~/record/test-factories";
import { bookTime, appointmentAction, readAppointmentPage, readAppointmentsPage, readConfirmPage, readWeekPage } from "./pages.server";

/**
 * The booking pages through the one authorization path (a real session cookie, requireAccess "book"): what each
 * page shows and logs, and that bad input (a tampered subject, a malformed form, another unit's type) changes nothing.
 */

let db: TestDatabase;
const DAY = 86_400_000;
const people = {} as Record<"parent" | "child" | "other", { id: string }>;
const yearsAgo = (years: number) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
};
/** A time at 09:00 UTC `days` from now (always in the future, on a weekday or not: it does not matter here). */
const at = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + 9 * 3_600_000);

async function sessionFor(personId: string, actingFor?: string) {
  const s = await createSession(db.db, { personId });
  if (actingFor) await setActingFor(db.db, personId, s.sessionId, actingFor);
  return {
    get: (path: string) => requestWithCookie(path, s.cookie),
    post: (path: string, fields: Record<string, string>) => requestWithCookie(path, s.cookie, { method: "POST", body: new URLSearchParams(fields) }),
  };
}

async function outcome(promise: Promise<unknown>): Promise<{ status: number; location?: string | null; body?: unknown }> {
  try {
    const value = (await promise) as { data?: unknown; init?: { status?: number } | null };
    return { status: value?.init?.status ?? 200, body: value?.data ?? value };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location") };
    throw thrown;
  }
}

const logged = (subjectPersonId: string) =>
  db.db
    .select({ section: accessLog.section, refs: accessLog.resourceRefs, actingAs: accessLog.actingAs, actor: accessLog.actorPersonId })
    .from(accessLog)
    .where(eq(accessLog.subjectPersonId, subjectPersonId))
    .orderBy(accessLog.id);

const bookingCount = async (personId: string) =>
  rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from bookings where person_id = ${personId}`))[0]?.n ?? 0;

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const d = db.db;
  people.parent = await createPerson(d, { givenName: "Johan", birthDate: "1985-04-02" });
  people.child = await createPerson(d, { givenName: "Elsa", birthDate: yearsAgo(5) });
  people.other = await createPerson(d, { givenName: "Bo", birthDate: "1970-01-01" });
  await createGuardianship(d, { childPersonId: people.child.id, guardianPersonId: people.parent.id });
  const bvc = await createCareUnit(d, { id: "unit-bvc", name: "BVC", providerKind: "region", phone: "010-1" });
  const vacc = await createCareUnit(d, { id: "unit-vacc", name: "Vaccinationen", providerKind: "private" });
  for (const [id, unit] of [["type-visit", bvc], ["type-vacc", vacc]] as const) {
    await d.insert(appointmentTypes).values({ id, raw: { resourceType: "HealthcareService", id }, careUnitId: unit, name: id, bookableOnline: true, openBooking: true, cancellationDeadlineHours: 24 });
    await d.insert(schedules).values({ id: `schedule-${id}`, raw: { resourceType: "Schedule" }, careUnitId: unit, serviceId: id, appointmentTypeIds: [id] });
  }
  for (const [id, schedule, days] of [["slot-1", "schedule-type-visit", 3], ["slot-2", "schedule-type-visit", 4], ["slot-3", "schedule-type-vacc", 3]] as const) {
    await d.insert(slots).values({ id, raw: { resourceType: "Slot", id }, scheduleId: schedule, status: "free", startsAt: at(days), endsAt: new Date(at(days).getTime() + 1_800_000) });
  }
});

afterAll(async () => {
  setDatabase(undefined);
  await db?.destroy();
});

describe("the booking pages", () => {
  it("show a guardian the child's appointments, logged as the guardian's read for the child", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const page = await readAppointmentsPage(s.get("/appointments"));
    expect(page).toEqual({ upcoming: [], past: [] });
    expect((await logged(people.child.id)).at(-1)).toEqual({ section: "appointments", refs: null, actingAs: "guardian", actor: people.parent.id });
  });

  it("show a week of a unit's type, and answer 404 for another unit's type or a week that cannot be booked", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const week = await readWeekPage(s.get("/appointments/book/unit-bvc/type-visit"), "unit-bvc", "type-visit");
    expect(week.type.id).toBe("type-visit");
    expect(week.week.index).toBe(0);
    expect((await logged(people.child.id)).at(-1)?.section).toBe("booking");
    for (const [path, unit, type] of [
      ["/appointments/book/unit-bvc/type-vacc", "unit-bvc", "type-vacc"],
      ["/appointments/book/unit-bvc/nope", "unit-bvc", "nope"],
      ["/appointments/book/unit-bvc/type-visit?week=8", "unit-bvc", "type-visit"],
      ["/appointments/book/unit-bvc/type-visit?week=-1", "unit-bvc", "type-visit"],
      ["/appointments/book/unit-bvc/type-visit?week=x", "unit-bvc", "type-visit"],
    ] as const) {
      expect((await outcome(readWeekPage(s.get(path), unit, type))).status, path).toBe(404);
    }
  });

  it("answer 404 with a message for a time that cannot be booked, and repeat a bookable one", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const unknown = await outcome(readConfirmPage(s.get("/appointments/book/confirm?slot=nope")));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ chosen: null, error: { key: "booking:errors.slot_unknown" } });
    const known = await outcome(readConfirmPage(s.get("/appointments/book/confirm?slot=slot-1")));
    expect(known.body).toMatchObject({ subject: people.child.id, chosen: { time: { slotId: "slot-1" }, type: { id: "type-visit" } }, error: null });
  });

  it("book nothing for a tampered subject, a malformed form or a reason too long", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const tampered = await outcome(bookTime(s.post("/appointments/book/confirm", { slot: "slot-1", subject: people.parent.id })));
    expect(tampered).toMatchObject({ status: 409, body: { errors: { form: { key: "booking:errors.subject_changed" } } } });
    expect((await outcome(bookTime(s.post("/appointments/book/confirm", { subject: people.child.id })))).status).toBe(400);
    const long = await outcome(bookTime(s.post("/appointments/book/confirm", { slot: "slot-1", subject: people.child.id, reason: "x".repeat(501) })));
    expect(long).toMatchObject({ status: 400, body: { errors: { reason: { key: "booking:errors.reason_too_long" } } } });
    expect(await bookingCount(people.child.id)).toBe(0);
  });

  it("book a time and go to its page (303), the same booking on a double submit, logged for the child", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const fields = { slot: "slot-1", subject: people.child.id, type: "type-visit", reason: "Femårskontroll" };
    const first = await outcome(bookTime(s.post("/appointments/book/confirm", fields)));
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/appointments\/[0-9a-f-]{36}$/);
    expect((await outcome(bookTime(s.post("/appointments/book/confirm", fields)))).location).toBe(first.location);
    expect(await bookingCount(people.child.id)).toBe(1);
    const id = first.location!.split("/").at(-1)!;
    expect((await logged(people.child.id)).at(-1)).toEqual({ section: "booking", refs: [`Booking/${id}`, "Slot/slot-1"], actingAs: "guardian", actor: people.parent.id });
    const page = await readAppointmentPage(s.get(`/appointments/${id}`), id);
    expect(page.appointment).toMatchObject({ id, status: "confirming", typeName: "type-visit" });
    // Another unit's time at the same hour: the child cannot be in two places at once.
    const taken = await outcome(bookTime(s.post("/appointments/book/confirm", { ...fields, slot: "slot-3", type: "type-vacc" })));
    expect(taken).toMatchObject({ status: 409, body: { errors: { slot: { key: "booking:errors.overlap" } } } });
  });

  it("answer 404 for someone else's appointment, and for cancelling it", async () => {
    const s = await sessionFor(people.parent.id, people.child.id);
    const id = (await outcome(bookTime(s.post("/appointments/book/confirm", { slot: "slot-2", subject: people.child.id })))).location!.split("/").at(-1)!;
    const other = await sessionFor(people.other.id);
    expect((await outcome(readAppointmentPage(other.get(`/appointments/${id}`), id))).status).toBe(404);
    expect((await outcome(appointmentAction(other.post(`/appointments/${id}`, { intent: "cancel" }), id))).status).toBe(404);
    const self = await sessionFor(people.parent.id);
    expect((await outcome(readAppointmentPage(self.get(`/appointments/${id}`), id))).status).toBe(404);
  });
});
