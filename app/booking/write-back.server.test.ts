import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, setDatabase, type Database } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createClinicalClient, type ClinicalClient } from "~/clinical/client.server";
import { createRelay, type Relay } from "~/clinical/outbox/relay.server";
import type { ClinicalStandIn } from "~/clinical/stand-in/stand-in.server";
import { startTestStandIn } from "~/clinical/stand-in/test-stand-in";
import type { Appointment } from "@medplum/fhirtypes";
import { service } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { findAppointment } from "./appointments.server";
import { book, cancel, freeTimes, move, type Actor, type FreeTime } from "./booking.server";
import { createSession, setActingFor } from "~/identity/session.server";
import { requestWithCookie } from "~/identity/test-factories";
import { calendarResponse } from "./pages.server";
import { bookingKinds } from "./settled.server";

/**
 * Booking written back to the clinical system's stand-in by the relay, over HTTP, with the stand-in's faults: the
 * portal and the stand-in hold the same demo (same day, same slots), as `npm start` runs them.
 */

const TODAY = new Date();
const ELSA = "10000005";
const OSKAR = "10000006";
const forElsa: Actor = { subjectPersonId: ELSA, actorPersonId: "10000002" };
const bvcVisit = service("bvcVisit");

let standIn: ClinicalStandIn;
let client: ClinicalClient;
let database: TestDatabase;
let db: Database;
let relay: Relay;

beforeAll(async () => {
  const started = await startTestStandIn({ demo: { today: TODAY, patients: 0 } });
  standIn = started.standIn;
  client = createClinicalClient({ ...started.settings, timeoutMs: 300 }, { retry: { retries: 0, maxWaitMs: 0 } });
  database = await createTestDatabase();
  setDatabase(database);
  db = database.db;
  await loadDemoData(db, { today: TODAY, patients: 0 });
  relay = createRelay({ db, client, kinds: bookingKinds, maxAttempts: 5, concurrency: 4, leaseMs: 5_000, backoff: { baseMs: 1, maxMs: 10 }, settleMs: 50, pollMs: 5 });
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await standIn?.stop();
  await database?.destroy();
});

beforeEach(() => {
  standIn.faults.clear();
});

/** Delivers until nothing is due or under way, as the running relay would. */
async function deliverAll(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await relay.deliverDue();
    const [open] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from clinical_outbox where state in ('pending', 'delivering')`));
    if (open!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  throw new Error("the outbox did not empty");
}

/** Free times of the visit two days on and later (before their deadline), that the stand-in has free too. */
async function times(): Promise<FreeTime[]> {
  const now = new Date();
  const found = await freeTimes(db, { subjectId: ELSA, typeId: bvcVisit.id, from: new Date(now.getTime() + 2 * 86_400_000), to: new Date(now.getTime() + 30 * 86_400_000), now });
  const free = found.filter((t) => standIn.inspect.slot(t.slotId)?.status === "free");
  expect(free.length).toBeGreaterThan(4);
  return free;
}

async function bookingState(id: string) {
  const [row] = rowsOf<{ state: string; refusal: string | null; appointment_id: string | null }>(await db.execute(sql`select state, refusal, appointment_id from bookings where id = ${id}`));
  return row;
}

describe("booking written back to the clinical system", () => {
  it("books, moves and cancels: each confirmed by the clinical system", async () => {
    const [first, , second] = await times();
    const booked = await book(db, forElsa, { slotId: first!.slotId, reasonText: "Femårskontroll", now: new Date() });
    if (!booked.ok) throw new Error(booked.error);
    await deliverAll();
    const made = await bookingState(booked.id);
    expect(made).toMatchObject({ state: "confirmed" });
    const appointmentId = made!.appointment_id!;
    const there = standIn.inspect.resource<Appointment>("Appointment", appointmentId);
    expect(there).toMatchObject({ status: "booked", slot: [{ reference: `Slot/${first!.slotId}` }] });
    expect(Date.parse(there!.start!)).toBe(Date.parse(first!.startsAt));

    expect(await move(db, forElsa, { appointmentId, slotId: second!.slotId, now: new Date() })).toEqual({ ok: true, id: appointmentId });
    await deliverAll();
    expect(standIn.inspect.resource("Appointment", appointmentId)).toMatchObject({ slot: [{ reference: `Slot/${second!.slotId}` }] });
    expect(standIn.inspect.slot(first!.slotId)?.status).toBe("free");
    expect(await findAppointment(db, { subjectId: ELSA, id: appointmentId, now: new Date() })).toMatchObject({ status: "booked", startsAt: second!.startsAt });

    expect(await cancel(db, forElsa, { appointmentId, reasonText: "Förkyld", now: new Date() })).toEqual({ ok: true, id: appointmentId });
    await deliverAll();
    expect(standIn.inspect.resource("Appointment", appointmentId)).toMatchObject({ status: "cancelled", cancelationReason: { text: "Förkyld" } });
    expect(await findAppointment(db, { subjectId: ELSA, id: appointmentId, now: new Date() })).toMatchObject({ status: "cancelled" });
  });

  it("gives a calendar file that follows the appointment: same UID, a higher SEQUENCE when moved, METHOD:CANCEL when cancelled", async () => {
    const [first, , second] = await times();
    const session = await createSession(db, { personId: "10000002" });
    await setActingFor(db, "10000002", session.sessionId, ELSA);
    const calendar = async (id: string) => {
      const response = await calendarResponse(requestWithCookie(`/appointments/${id}/calendar.ics`, session.cookie), id);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/calendar/);
      const text = (await response.text()).replace(/\r\n[ \t]/g, "");
      const event = text.slice(text.indexOf("BEGIN:VEVENT"));
      const field = (name: string) => new RegExp(`^${name}[:;](.*)$`, "m").exec(name === "METHOD" ? text : event)?.[1];
      return { uid: field("UID"), sequence: Number(field("SEQUENCE") ?? 0), method: field("METHOD"), start: field("DTSTART"), location: field("LOCATION") };
    };
    const booked = await book(db, forElsa, { slotId: first!.slotId, now: new Date() });
    if (!booked.ok) throw new Error(booked.error);
    // Being confirmed: no file yet.
    await expect(calendarResponse(requestWithCookie("/x", session.cookie), booked.id)).rejects.toMatchObject({ status: 404 });
    await deliverAll();
    const appointmentId = (await bookingState(booked.id))!.appointment_id!;
    const v1 = await calendar(appointmentId);
    expect(v1).toMatchObject({ method: "PUBLISH", start: expect.stringContaining("TZID=Europe/Stockholm") });
    expect(v1.location).toContain("Göteborg");
    await move(db, forElsa, { appointmentId, slotId: second!.slotId, now: new Date() });
    await deliverAll();
    const v2 = await calendar(appointmentId);
    expect(v2.uid).toBe(v1.uid);
    expect(v2.sequence).toBeGreaterThan(v1.sequence);
    expect(v2.start).not.toBe(v1.start);
    await cancel(db, forElsa, { appointmentId, now: new Date() });
    await deliverAll();
    const v3 = await calendar(appointmentId);
    expect(v3).toMatchObject({ uid: v1.uid, method: "CANCEL" });
    expect(v3.sequence).toBeGreaterThanOrEqual(v2.sequence);
  });

  it("ends a booking the clinical system refuses (the time was taken there) as not booked, and frees the hold", async () => {
    const [time] = await times();
    // Someone at the clinic books the time; the portal's read model has not heard yet.
    await client.create({
      resourceType: "Appointment",
      status: "booked",
      slot: [{ reference: `Slot/${time!.slotId}` }],
      participant: [{ actor: { reference: `Patient/${OSKAR}` }, status: "accepted" }],
    });
    const booked = await book(db, forElsa, { slotId: time!.slotId, now: new Date() });
    if (!booked.ok) throw new Error(booked.error);
    await deliverAll();
    expect(await bookingState(booked.id)).toMatchObject({ state: "refused", refusal: "taken", appointment_id: null });
    expect(await findAppointment(db, { subjectId: ELSA, id: booked.id, now: new Date() })).toMatchObject({ status: "not_booked", refusal: "taken" });
    expect(standIn.inspect.appointments({ patient: ELSA, slot: time!.slotId })).toEqual([]);
    const [held] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from bookings where slot_id = ${time!.slotId} and state in ('confirming', 'confirmed')`));
    expect(held!.n).toBe(0);
  });

  it("never books twice when the answer is lost, or the clinical system fails after booking", async () => {
    const [a, , b] = await times();
    standIn.faults.inject({ kind: "lostAnswer" }, { method: "POST", path: "Appointment" });
    const lost = await book(db, forElsa, { slotId: a!.slotId, now: new Date() });
    standIn.faults.inject({ kind: "appliedThenStatus", status: 503 }, { method: "POST", path: "Appointment" });
    const failed = await book(db, forElsa, { slotId: b!.slotId, now: new Date() });
    if (!lost.ok || !failed.ok) throw new Error("not booked");
    await deliverAll();
    for (const [booking, slot] of [[lost.id, a!], [failed.id, b!]] as const) {
      const made = await bookingState(booking);
      expect(made).toMatchObject({ state: "confirmed" });
      const there = standIn.inspect.appointments({ patient: ELSA, slot: slot.slotId }).filter((x) => x.status !== "cancelled");
      expect(there.map((x) => x.id)).toEqual([made!.appointment_id]);
    }
  });

  it("keeps the old time when the clinical system refuses a move", async () => {
    const [first, , second] = await times();
    const booked = await book(db, forElsa, { slotId: first!.slotId, now: new Date() });
    if (!booked.ok) throw new Error(booked.error);
    await deliverAll();
    const appointmentId = (await bookingState(booked.id))!.appointment_id!;
    standIn.faults.inject({ kind: "status", status: 422 }, { method: "PATCH", path: "Appointment" });
    expect((await move(db, forElsa, { appointmentId, slotId: second!.slotId, now: new Date() })).ok).toBe(true);
    await deliverAll();
    expect(standIn.inspect.resource("Appointment", appointmentId)).toMatchObject({ status: "booked", slot: [{ reference: `Slot/${first!.slotId}` }] });
    expect(await bookingState(booked.id)).toMatchObject({ state: "confirmed" });
    expect(await findAppointment(db, { subjectId: ELSA, id: appointmentId, now: new Date() })).toMatchObject({ status: "booked", startsAt: first!.startsAt, changeRefused: "move" });
  });
});
