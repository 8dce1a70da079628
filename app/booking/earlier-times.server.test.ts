import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { RESCHEDULE } from "~/clinical/writes/appointments.server";
import { service } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { findAppointment } from "./appointments.server";
import { freeTimes, type Actor, type FreeTime } from "./booking.server";
import { askForEarlierTime, bookingPass, declineOffer, earlierTimeOffers, earlierTimeStatus, OFFER_MINUTES, stopAskingForEarlierTime, takeOffer } from "./earlier-times.server";
import { appointmentArrives, slotArrives } from "./test-booking";

/**
 * Earlier times on the demo's read model, with a clock of the test's own: a wish waits in line, the booking pass
 * offers the first in line a free earlier time and holds it for them, the offer runs out or is taken (a move).
 */

const NOW = new Date("2027-03-15T09:00:00Z");
const TODAY = new Date("2027-03-15T06:00:00Z");
const ELSA = "10000005";
const THEO = "10000012";
const forElsa: Actor = { subjectPersonId: ELSA, actorPersonId: "10000002" };
const forTheo: Actor = { subjectPersonId: THEO, actorPersonId: "10000010" };
const bvcVisit = service("bvcVisit");

let database: TestDatabase;
let db: Database;
let times: FreeTime[];

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await loadDemoData(db, { today: TODAY, patients: 0 });
}, 120_000);

afterAll(async () => {
  await database?.destroy();
});

beforeEach(async () => {
  await db.execute(sql`truncate bookings, clinical_outbox, earlier_time_requests restart identity`);
  await db.execute(sql`delete from appointments where id like 'E-%'`);
  // Slots as the clinical system last sent them (a test marks them busy).
  await db.execute(sql`update slots set status = raw->>'status' where schedule_id = ${bvcVisit.scheduleId}`);
  times = await freeTimes(db, { subjectId: ELSA, typeId: bvcVisit.id, from: new Date(NOW.getTime() + 3 * 3600_000), to: new Date(NOW.getTime() + 30 * 86_400_000), now: NOW });
  expect(times.length).toBeGreaterThan(10);
});

/** A booked appointment far ahead, on one of the later free times, in the read model. */
async function bookedLate(id: string, patient: string, index: number): Promise<FreeTime> {
  const slot = times[times.length - 1 - index]!;
  await appointmentArrives(db, { id, patient, slot, version: 0 });
  return slot;
}

describe("earlier times", () => {
  it("offers the first in line the earliest free time, held for them until the offer runs out", async () => {
    await bookedLate("E-theo", THEO, 0);
    await bookedLate("E-elsa", ELSA, 1);
    expect(await askForEarlierTime(db, forTheo, { appointmentId: "E-theo", now: NOW })).toEqual({ ok: true, id: "E-theo" });
    expect(await askForEarlierTime(db, forElsa, { appointmentId: "E-elsa", now: NOW })).toEqual({ ok: true, id: "E-elsa" });
    expect(await askForEarlierTime(db, forElsa, { appointmentId: "E-elsa", now: NOW })).toEqual({ ok: true, id: "E-elsa" });

    expect(await bookingPass(db, { now: NOW })).toMatchObject({ offered: 2 });
    const [theo] = await earlierTimeOffers(db, { subjectId: THEO, now: NOW });
    const [elsa] = await earlierTimeOffers(db, { subjectId: ELSA, now: NOW });
    expect(theo!.time.slotId).toBe(times[0]!.slotId);
    expect(elsa!.time.startsAt > theo!.time.startsAt).toBe(true);
    expect(theo!.expiresAt).toBe(new Date(NOW.getTime() + OFFER_MINUTES * 60_000).toISOString());
    // Nobody else is offered a held time.
    const offered = (await freeTimes(db, { subjectId: "10000001", typeId: bvcVisit.id, from: NOW, to: new Date(NOW.getTime() + 30 * 86_400_000), now: NOW })).map((t) => t.slotId);
    expect(offered).not.toContain(theo!.time.slotId);
    // A second pass offers nothing more: each has an offer open.
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ offered: 0 });

    // Theo's offer runs out: the time goes to the next in line, never back to Theo.
    const later = new Date(NOW.getTime() + OFFER_MINUTES * 60_000);
    expect(await earlierTimeOffers(db, { subjectId: THEO, now: later })).toEqual([]);
    await declineOffer(db, forElsa, { appointmentId: "E-elsa" });
    // An offer let go changed nothing in the clinical system: the calendar file's SEQUENCE stays.
    expect(await findAppointment(db, { subjectId: ELSA, id: "E-elsa", now: later })).toMatchObject({ status: "booked", version: 0, changeRefused: null });
    expect(await bookingPass(db, { now: later })).toMatchObject({ expired: 1, offered: 2 });
    const [theoAgain] = await earlierTimeOffers(db, { subjectId: THEO, now: later });
    const [elsaAgain] = await earlierTimeOffers(db, { subjectId: ELSA, now: later });
    expect(theoAgain!.time.slotId).not.toBe(theo!.time.slotId);
    expect(elsaAgain!.time.slotId).not.toBe(elsa!.time.slotId);
    expect([theoAgain!.time.slotId, elsaAgain!.time.slotId]).toContain(theo!.time.slotId);
  });

  it("moves the appointment when the offer is taken, through the outbox, and ends the wish", async () => {
    await bookedLate("E-take", ELSA, 0);
    await askForEarlierTime(db, forElsa, { appointmentId: "E-take", now: NOW });
    await bookingPass(db, { now: NOW });
    const { offer } = await earlierTimeStatus(db, { subjectId: ELSA, appointmentId: "E-take", now: NOW });
    expect(await takeOffer(db, forElsa, { appointmentId: "E-take", now: NOW })).toEqual({ ok: true, id: "E-take" });
    const [row] = rowsOf<{ kind: string; payload: { slotId: string } }>(await db.execute(sql`select kind, payload from clinical_outbox`));
    expect(row).toMatchObject({ kind: RESCHEDULE, payload: { appointmentId: "E-take", slotId: offer!.time.slotId } });
    expect(await earlierTimeStatus(db, { subjectId: ELSA, appointmentId: "E-take", now: NOW })).toEqual({ waiting: false, offer: null });
    // Taking it twice changes nothing.
    expect(await takeOffer(db, forElsa, { appointmentId: "E-take", now: NOW })).toMatchObject({ ok: false });
    const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from clinical_outbox`));
    expect(count!.n).toBe(1);
  });

  it("cannot take an offer that ran out, nor another person's", async () => {
    await bookedLate("E-late", ELSA, 0);
    await askForEarlierTime(db, forElsa, { appointmentId: "E-late", now: NOW });
    await bookingPass(db, { now: NOW });
    expect(await takeOffer(db, forTheo, { appointmentId: "E-late", now: NOW })).toEqual({ ok: false, error: "appointment_unknown" });
    expect(await takeOffer(db, forElsa, { appointmentId: "E-late", now: new Date(NOW.getTime() + OFFER_MINUTES * 60_000) })).toEqual({ ok: false, error: "slot_taken" });
  });

  it("offers a time the clinic's cancellation freed, and lets a wish go once withdrawn", async () => {
    // Every earlier time is held by someone but one, which is a booked time the unit then cancels.
    const theirs = await bookedLate("E-freed", THEO, 0);
    await bookedLate("E-wait", ELSA, 1);
    await askForEarlierTime(db, forElsa, { appointmentId: "E-wait", now: NOW });
    await db.execute(sql`update slots set status = 'busy' where schedule_id = ${bvcVisit.scheduleId}`);
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ offered: 0 });

    const freed = times[0]!;
    await slotArrives(db, { id: freed.slotId, scheduleId: bvcVisit.scheduleId!, startsAt: freed.startsAt, endsAt: freed.endsAt, status: "free", version: 9 });
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ offered: 1 });
    expect((await earlierTimeStatus(db, { subjectId: ELSA, appointmentId: "E-wait", now: NOW })).offer?.time.slotId).toBe(freed.slotId);

    await stopAskingForEarlierTime(db, forElsa, { appointmentId: "E-wait" });
    expect(await earlierTimeStatus(db, { subjectId: ELSA, appointmentId: "E-wait", now: NOW })).toEqual({ waiting: false, offer: null });
    expect(theirs).toBeTruthy();
  });

  it("ends a wish whose appointment was cancelled by the unit", async () => {
    const slot = await bookedLate("E-gone", ELSA, 0);
    await askForEarlierTime(db, forElsa, { appointmentId: "E-gone", now: NOW });
    await appointmentArrives(db, { id: "E-gone", patient: ELSA, slot, version: 1, status: "cancelled" });
    expect(await bookingPass(db, { now: NOW })).toMatchObject({ offered: 0 });
    expect(await earlierTimeStatus(db, { subjectId: ELSA, appointmentId: "E-gone", now: NOW })).toEqual({ waiting: false, offer: null });
  });
});
