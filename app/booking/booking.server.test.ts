import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import type { OutboxAnswer } from "~/clinical/outbox/outbox.server";
import { BOOK, CANCEL, RESCHEDULE } from "~/clinical/writes/appointments.server";
import { service, unit } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { ingestBatch } from "~/feed/ingest.server";
import { findAppointment, listAppointments } from "./appointments.server";
import { bookingPass } from "./earlier-times.server";
import { book, bookableType, bookableTypes, bookingUnits, cancel, freeTimes, move, nextFreeTimes, timeToBook, type Actor, type FreeTime } from "./booking.server";
import { answerBooking, appointmentArrives as arrives, bookingOutboxRow, refusedAsTaken } from "./test-booking";

/**
 * Booking on the read model the demo loads (its catalogue of units, types and slots, and its cast), with a clock of
 * the test's own. The relay's answers are given by hand here (`answer`); the relay itself, against the clinical
 * system's stand-in, is write-back.server.test.ts's.
 */

const TODAY = new Date("2027-03-15T06:00:00Z"); // a Monday
const NOW = new Date("2027-03-15T09:00:00Z");
const ELSA = "10000005";
const JOHAN = "10000002";
const OSKAR = "10000006";
const ANNA = "10000001";
const forElsa: Actor = { subjectPersonId: ELSA, actorPersonId: JOHAN };
const forOskar: Actor = { subjectPersonId: OSKAR, actorPersonId: JOHAN };
const bvcVisit = service("bvcVisit");
const bvcVaccination = service("bvcVaccination");
/** Open to anyone's booking: the type several people can ask for the same time of. */
const fluVaccination = service("kungshojdVaccination");
/** Times from two days on: well before their 24 h deadline. */
const inAWeek = { from: new Date(NOW.getTime() + 2 * 24 * 3600_000), to: new Date(NOW.getTime() + 14 * 24 * 3600_000), now: NOW };

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await loadDemoData(db, { today: TODAY, patients: 0 });
}, 120_000);

afterAll(async () => {
  await database?.destroy();
});

beforeEach(async () => {
  await db.execute(sql`truncate bookings, clinical_outbox restart identity`);
  // The appointments the tests made arrive in the read model (the demo's own are kept).
  await db.execute(sql`delete from appointments where id like 'A-%'`);
});

const outboxRowOf = (bookingId: string) => bookingOutboxRow(db, bookingId, NOW);
const answer = (bookingId: string, outcome: OutboxAnswer) => answerBooking(db, bookingId, outcome, NOW);
const appointmentArrives = (o: Parameters<typeof arrives>[1]) => arrives(db, o);

async function bookingRow(id: string) {
  const [row] = rowsOf<{ state: string; refusal: string | null; appointment_id: string | null; action: string }>(
    await db.execute(sql`select state, refusal, appointment_id, action from bookings where id = ${id}`),
  );
  return row;
}

async function firstFree(typeId: string, subjectId = ELSA): Promise<FreeTime[]> {
  const times = await freeTimes(db, { subjectId, typeId, ...inAWeek });
  expect(times.length).toBeGreaterThan(3);
  return times;
}

describe("what the subject can book", () => {
  it("offers the units whose care the subject is in, with their bookable types, and units open to anyone", async () => {
    const units = await bookingUnits(db, { subjectId: ELSA, now: NOW });
    const bvc = units.find((u) => u.id === unit("nhKungshojdBvc").id);
    expect(bvc).toMatchObject({ inCare: true, name: unit("nhKungshojdBvc").name });
    // Types not bookable online are never offered.
    const types = await bookableTypes(db, { subjectId: ELSA, unitId: bvc!.id, now: NOW });
    expect(types.map((t) => t.id).sort()).toEqual([bvcVisit.id, bvcVaccination.id].sort());
    const doctorUnit = await bookableTypes(db, { subjectId: ANNA, unitId: unit("nhKungshojd").id, now: NOW });
    expect(doctorUnit.map((t) => t.id)).not.toContain(service("kungshojdDoctor").id);
    // A unit whose care Elsa is not in offers her only the types open to anyone.
    expect(units.find((u) => u.id === unit("nhYouth").id)).toMatchObject({ inCare: false });
    const youth = await bookableTypes(db, { subjectId: ELSA, unitId: unit("nhYouth").id, now: NOW });
    expect(youth.map((t) => t.id).sort()).toEqual([service("youthCounsellor").id, service("youthMidwife").id].sort());
  });

  it("no longer offers a unit whose care ended over 24 months ago (the care relationship messages use too)", async () => {
    // Oskar (12) was last at the child health centre years ago: his record still shows it, his booking does not.
    const [entry] = rowsOf<{ last: Date | string }>(
      await db.execute(sql`select max(coalesce(occurred_at, recorded_at)) as last from record_entries where person_id = ${OSKAR} and care_unit_id = ${unit("nhKungshojdBvc").id}`),
    );
    expect(entry?.last).toBeTruthy();
    expect(new Date(entry!.last).getTime()).toBeLessThan(NOW.getTime() - 731 * 24 * 3600_000);
    expect((await bookingUnits(db, { subjectId: OSKAR, now: NOW })).map((u) => u.id)).not.toContain(unit("nhKungshojdBvc").id);
    expect(await bookableType(db, { subjectId: OSKAR, typeId: bvcVisit.id, now: NOW })).toBeNull();
    // Two years earlier, the same entries still counted.
    const then = new Date(entry!.last);
    expect((await bookingUnits(db, { subjectId: OSKAR, now: then })).map((u) => u.id)).toContain(unit("nhKungshojdBvc").id);
  });

  it("offers free times of the type only, after now, soonest first", async () => {
    const times = await firstFree(bvcVisit.id);
    expect(times.every((t) => t.startsAt > NOW.toISOString())).toBe(true);
    expect(times.map((t) => t.startsAt)).toEqual([...times.map((t) => t.startsAt)].sort());
    const later = await freeTimes(db, { subjectId: ELSA, typeId: bvcVisit.id, from: NOW, to: inAWeek.to, now: new Date(times[1]!.startsAt) });
    expect(later[0]!.startsAt > times[1]!.startsAt).toBe(true);
  });
});

describe("booking", () => {
  it("holds the time at once, as being confirmed, with the write to the clinical system in the outbox", async () => {
    const [time] = await firstFree(bvcVisit.id);
    const outcome = await book(db, forElsa, { slotId: time!.slotId, reasonText: " Femårskontroll ", now: NOW });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(await bookingRow(outcome.id)).toMatchObject({ state: "confirming", action: "book" });
    const row = await outboxRowOf(outcome.id);
    expect(row).toMatchObject({ kind: BOOK, subjectPersonId: ELSA, payload: { patientId: ELSA, slotId: time!.slotId, start: time!.startsAt, reasonText: "Femårskontroll" } });
    const shown = await findAppointment(db, { subjectId: ELSA, id: outcome.id, now: NOW });
    expect(shown).toMatchObject({ status: "confirming", typeName: bvcVisit.name, unit: { id: unit("nhKungshojdBvc").id } });
    // Nobody is offered the time any more.
    expect((await freeTimes(db, { subjectId: OSKAR, typeId: bvcVisit.id, ...inAWeek })).map((t) => t.slotId)).not.toContain(time!.slotId);
  });

  it("gives a time to one of two people asking for it; the other hears it is taken, and a double submit books once", async () => {
    const [time] = await firstFree(fluVaccination.id);
    const first = await book(db, forElsa, { slotId: time!.slotId, now: NOW });
    const again = await book(db, forElsa, { slotId: time!.slotId, now: NOW });
    expect(again).toEqual(first);
    expect(await timeToBook(db, { subjectId: OSKAR, slotId: time!.slotId, now: NOW })).toEqual({ error: "slot_taken" });
    expect(await book(db, forOskar, { slotId: time!.slotId, now: NOW })).toEqual({ ok: false, error: "slot_taken" });
    const count = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from clinical_outbox`));
    expect(count[0]!.n).toBe(1);
  });

  it("lets the database decide between many asking at once: one hold per slot", async () => {
    const [time] = await firstFree(fluVaccination.id);
    const people = ["10000005", "10000006", "10000007", "10000008", "10000009", "10000012", "10000016", "10000018"];
    const outcomes = await Promise.all(people.map((p) => book(db, { subjectPersonId: p, actorPersonId: p }, { slotId: time!.slotId, now: NOW })));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error)).toEqual(Array(people.length - 1).fill("slot_taken"));
  });

  it("refuses a time that overlaps one the subject holds, of any type", async () => {
    const visit = (await firstFree(bvcVisit.id))[0]!;
    expect((await book(db, forElsa, { slotId: visit.slotId, now: NOW })).ok).toBe(true);
    const vaccination = (await freeTimes(db, { subjectId: OSKAR, typeId: bvcVaccination.id, ...inAWeek })).find((t) => t.startsAt < visit.endsAt && t.endsAt > visit.startsAt);
    if (vaccination) expect(await book(db, forElsa, { slotId: vaccination.slotId, now: NOW })).toEqual({ ok: false, error: "overlap" });
    // The database refuses it too, whatever the application checked.
    const refused = db.execute(sql`
      insert into bookings (person_id, actor_person_id, action, slot_id, appointment_type_id, starts_at, ends_at)
      values (${ELSA}, ${JOHAN}, 'book', 'another-slot', ${bvcVaccination.id}, ${visit.startsAt}::timestamptz, ${visit.endsAt}::timestamptz)`);
    await expect(refused).rejects.toThrow();
  });

  it("refuses what cannot be booked: an unknown slot, a past one, a type not bookable online", async () => {
    expect(await book(db, forElsa, { slotId: "no-such-slot", now: NOW })).toEqual({ ok: false, error: "slot_unknown" });
    const [time] = await firstFree(bvcVisit.id);
    expect(await book(db, forElsa, { slotId: time!.slotId, now: new Date(time!.startsAt) })).toEqual({ ok: false, error: "slot_past" });
    // A slot of a unit whose care the subject is not in, of a type not open to anyone: unknown to them.
    const eye = (await freeTimes(db, { subjectId: ANNA, typeId: service("eyePhoto").id, ...inAWeek }))[0];
    if (eye) expect(await book(db, forElsa, { slotId: eye.slotId, now: NOW })).toEqual({ ok: false, error: "slot_unknown" });
    const count = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from bookings`));
    expect(count[0]!.n).toBe(0);
  });
});

describe("the clinical system's answer", () => {
  it("makes a booking booked, naming the Appointment made", async () => {
    const [time] = await firstFree(bvcVisit.id);
    const outcome = await book(db, forElsa, { slotId: time!.slotId, now: NOW });
    if (!outcome.ok) throw new Error("not booked");
    await answer(outcome.id, { state: "delivered", result: { appointmentId: "A-1", versionId: "0" } });
    expect(await bookingRow(outcome.id)).toMatchObject({ state: "confirmed", appointment_id: "A-1" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-1", now: NOW })).toMatchObject({ status: "booked", appointmentId: "A-1", startsAt: time!.startsAt });
    expect(await findAppointment(db, { subjectId: OSKAR, id: "A-1", now: NOW })).toBeNull();
  });

  it("shows the appointment the clinical system made when the answer was lost and the booking failed", async () => {
    const [time] = await firstFree(bvcVisit.id);
    const outcome = await book(db, forElsa, { slotId: time!.slotId, now: NOW });
    if (!outcome.ok) throw new Error("not booked");
    await answer(outcome.id, { state: "failed", error: { kind: "network", message: "the answer was lost", uncertain: true } });
    expect((await listAppointments(db, { subjectId: ELSA, now: NOW })).upcoming.find((a) => a.id === outcome.id)).toMatchObject({ status: "not_booked" });
    // It was made after all: the poller brings it. One appointment, booked; no "not booked" beside it.
    await appointmentArrives({ id: "A-lost", patient: ELSA, slot: time!, version: 0 });
    const shown = (await listAppointments(db, { subjectId: ELSA, now: NOW })).upcoming.filter((a) => a.startsAt === time!.startsAt);
    expect(shown.map((a) => [a.id, a.status])).toEqual([["A-lost", "booked"]]);
  });

  it("refused, lets the time go and says why, with other times", async () => {
    const [time] = await firstFree(fluVaccination.id);
    const outcome = await book(db, forElsa, { slotId: time!.slotId, now: NOW });
    if (!outcome.ok) throw new Error("not booked");
    await answer(outcome.id, refusedAsTaken);
    expect(await bookingRow(outcome.id)).toMatchObject({ state: "refused", refusal: "taken" });
    const { upcoming } = await listAppointments(db, { subjectId: ELSA, now: NOW });
    expect(upcoming.find((a) => a.id === outcome.id)).toMatchObject({ status: "not_booked", refusal: "taken" });
    expect((await nextFreeTimes(db, { subjectId: ELSA, typeId: fluVaccination.id, now: NOW, limit: 3 })).length).toBe(3);
    // Free again: another can book it.
    expect((await book(db, forOskar, { slotId: time!.slotId, now: NOW })).ok).toBe(true);
  });
});

describe("moving and cancelling", () => {
  async function booked(slot: FreeTime, appointmentId: string) {
    const outcome = await book(db, forElsa, { slotId: slot.slotId, now: NOW });
    if (!outcome.ok) throw new Error("not booked");
    await answer(outcome.id, { state: "delivered", result: { appointmentId, versionId: "0" } });
    await appointmentArrives({ id: appointmentId, patient: ELSA, slot, version: 0 });
    return outcome.id;
  }

  it("holds the new time before the old is let go, and lets it go when the clinical system has moved it", async () => {
    const [old, , next] = await firstFree(bvcVisit.id);
    const bookingId = await booked(old!, "A-move");
    const moved = await move(db, forElsa, { appointmentId: "A-move", slotId: next!.slotId, now: NOW });
    expect(moved).toEqual({ ok: true, id: "A-move" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-move", now: NOW })).toMatchObject({ status: "moving", startsAt: old!.startsAt, movingTo: { startsAt: next!.startsAt } });
    // Both times are held while the clinical system has not answered.
    const offered = (await freeTimes(db, { subjectId: OSKAR, typeId: bvcVisit.id, ...inAWeek })).map((t) => t.slotId);
    expect(offered).not.toContain(old!.slotId);
    expect(offered).not.toContain(next!.slotId);
    // A second change while one is under way changes nothing.
    expect(await cancel(db, forElsa, { appointmentId: "A-move", now: NOW })).toEqual({ ok: false, error: "not_changeable" });

    const [moveRow] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'move'`));
    await answer(moveRow!.id, { state: "delivered", result: { appointmentId: "A-move", versionId: "1" } });
    expect(await bookingRow(bookingId)).toMatchObject({ state: "released" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-move", now: NOW })).toMatchObject({ status: "booked", startsAt: next!.startsAt });
    expect((await freeTimes(db, { subjectId: OSKAR, typeId: bvcVisit.id, ...inAWeek })).map((t) => t.slotId)).toContain(old!.slotId);
  });

  it("shows the time moved to when the moved appointment is then cancelled", async () => {
    const [old, , next] = await firstFree(bvcVisit.id);
    await booked(old!, "A-then");
    await move(db, forElsa, { appointmentId: "A-then", slotId: next!.slotId, now: NOW });
    const [moveRow] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'move'`));
    await answer(moveRow!.id, { state: "delivered", result: { appointmentId: "A-then", versionId: "1" } });
    expect((await cancel(db, forElsa, { appointmentId: "A-then", now: NOW })).ok).toBe(true);
    const [cancelRow] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'cancel'`));
    await answer(cancelRow!.id, { state: "delivered", result: { appointmentId: "A-then", versionId: "2" } });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-then", now: NOW })).toMatchObject({ status: "cancelled", startsAt: next!.startsAt });
  });

  it("keeps a move the clinical system accepted when an older version arrives after its answer", async () => {
    const [old, , next] = await firstFree(bvcVisit.id);
    const outcome = await book(db, forElsa, { slotId: old!.slotId, now: NOW });
    if (!outcome.ok) throw new Error("not booked");
    await answer(outcome.id, { state: "delivered", result: { appointmentId: "A-late", versionId: "0" } });
    expect((await move(db, forElsa, { appointmentId: "A-late", slotId: next!.slotId, now: NOW })).ok).toBe(true);
    const [moveRow] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'move'`));
    await answer(moveRow!.id, { state: "delivered", result: { appointmentId: "A-late", versionId: "1" } });
    const free = async () => (await freeTimes(db, { subjectId: ELSA, typeId: bvcVisit.id, ...inAWeek })).map((t) => t.slotId);

    // A poll fetched before the move is stored after its answer: version 0, at the old time. It is older.
    await appointmentArrives({ id: "A-late", patient: ELSA, slot: old!, version: 0 });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-late", now: NOW })).toMatchObject({ status: "booked", startsAt: next!.startsAt, version: 1 });
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ released: 0 });
    expect(await free()).not.toContain(next!.slotId);

    // The next poll brings version 1: the same time, now told by the read model.
    await appointmentArrives({ id: "A-late", patient: ELSA, slot: next!, version: 1 });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-late", now: NOW })).toMatchObject({ startsAt: next!.startsAt, version: 1 });
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ released: 0 });

    // The unit moves it back (version 2): the clinical system wins, and the time moved to is no longer held.
    await appointmentArrives({ id: "A-late", patient: ELSA, slot: old!, version: 2 });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-late", now: NOW })).toMatchObject({ startsAt: old!.startsAt, version: 2 });
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ released: 1 });
    expect(await free()).toContain(next!.slotId);
  });

  it("shows no more an appointment the clinical system entered in error", async () => {
    const [time] = await firstFree(bvcVisit.id);
    await booked(time!, "A-error");
    await appointmentArrives({ id: "A-error", patient: ELSA, slot: time!, version: 1, status: "entered-in-error" });
    const { upcoming, past } = await listAppointments(db, { subjectId: ELSA, now: NOW });
    expect([...upcoming, ...past].map((a) => a.id)).not.toContain("A-error");
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-error", now: NOW })).toBeNull();
  });

  it("keeps the old time when the move is refused", async () => {
    const [old, , next] = await firstFree(bvcVisit.id);
    const bookingId = await booked(old!, "A-keep");
    expect((await move(db, forElsa, { appointmentId: "A-keep", slotId: next!.slotId, now: NOW })).ok).toBe(true);
    const [moveRow] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'move'`));
    expect((await outboxRowOf(moveRow!.id)).kind).toBe(RESCHEDULE);
    await answer(moveRow!.id, refusedAsTaken);
    expect(await bookingRow(bookingId)).toMatchObject({ state: "confirmed" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-keep", now: NOW })).toMatchObject({ status: "booked", startsAt: old!.startsAt, changeRefused: "move" });
  });

  it("moves to a time that overlaps the appointment's own, which a new booking could not take", async () => {
    const [old] = await firstFree(bvcVisit.id);
    await booked(old!, "A-near");
    const quarter = 15 * 60_000;
    const near = { slotId: "near-slot", startsAt: new Date(Date.parse(old!.startsAt) + quarter).toISOString(), endsAt: new Date(Date.parse(old!.endsAt) + quarter).toISOString() };
    const { report } = await ingestBatch(
      db,
      {
        kind: "resources",
        resources: [{ resourceType: "Slot", id: near.slotId, schedule: { reference: `Schedule/${bvcVisit.scheduleId}` }, status: "free", start: near.startsAt, end: near.endsAt }],
      },
      { source: "test" },
    );
    expect(report.rejected).toEqual([]);
    expect(await book(db, forElsa, { slotId: near.slotId, now: NOW })).toEqual({ ok: false, error: "overlap" });
    expect(await move(db, forElsa, { appointmentId: "A-near", slotId: near.slotId, now: NOW })).toEqual({ ok: true, id: "A-near" });
  });

  it("cancels before the deadline; after it, or once begun, it cannot be changed online", async () => {
    const [time] = await firstFree(bvcVisit.id);
    await booked(time!, "A-cancel");
    const start = new Date(time!.startsAt).getTime();
    const deadline = new Date(start - 24 * 3600_000);
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-cancel", now: NOW })).toMatchObject({ cancel: null, reschedule: null, changeableUntil: deadline.toISOString() });
    expect(await cancel(db, forElsa, { appointmentId: "A-cancel", now: deadline })).toEqual({ ok: false, error: "not_changeable" });
    expect(await cancel(db, forOskar, { appointmentId: "A-cancel", now: NOW })).toEqual({ ok: false, error: "appointment_unknown" });
    const cancelled = await cancel(db, forElsa, { appointmentId: "A-cancel", reasonText: "Förkyld", now: new Date(deadline.getTime() - 1) });
    expect(cancelled).toEqual({ ok: true, id: "A-cancel" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-cancel", now: NOW })).toMatchObject({ status: "cancelling" });
    const [row] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'cancel'`));
    expect(await outboxRowOf(row!.id)).toMatchObject({ kind: CANCEL, payload: { appointmentId: "A-cancel", reasonText: "Förkyld" } });
    await answer(row!.id, { state: "delivered", result: { appointmentId: "A-cancel", versionId: "1" } });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-cancel", now: NOW })).toMatchObject({ status: "cancelled" });
    expect((await freeTimes(db, { subjectId: OSKAR, typeId: bvcVisit.id, ...inAWeek })).map((t) => t.slotId)).toContain(time!.slotId);
  });

  it("lets what the clinical system sends later win over the citizen's last action", async () => {
    const [time] = await firstFree(bvcVisit.id);
    await booked(time!, "A-unit");
    await cancel(db, forElsa, { appointmentId: "A-unit", now: NOW });
    const [row] = rowsOf<{ id: string }>(await db.execute(sql`select id from bookings where action = 'cancel'`));
    await answer(row!.id, refusedAsTaken);
    // The unit cancels it: a newer version arrives.
    await new Promise((r) => setTimeout(r, 5));
    await appointmentArrives({ id: "A-unit", patient: ELSA, slot: time!, version: 3, status: "cancelled" });
    expect(await findAppointment(db, { subjectId: ELSA, id: "A-unit", now: NOW })).toMatchObject({ status: "cancelled", changeRefused: null });
  });
});
