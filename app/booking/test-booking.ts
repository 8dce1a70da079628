import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import type { OutboxAnswer, OutboxRow } from "~/clinical/outbox/outbox.server";
import { ingestBatch } from "~/feed/ingest.server";
import type { FreeTime } from "./booking.server";
import { bookingKinds } from "./settled.server";

/** Test helpers of booking: the relay's answers given by hand, and the clinical system's Appointments arriving. */

export const refusedAsTaken: OutboxAnswer = { state: "failed", error: { kind: "refused", status: 422, message: "Slot is not free", uncertain: false } };

/** The outbox row a booking action wrote, as the relay would claim it. */
export async function bookingOutboxRow(db: Database, bookingId: string, now: Date): Promise<OutboxRow> {
  const [row] = rowsOf<{ id: number | string; kind: string; subject_person_id: string; payload: Record<string, unknown> }>(
    await db.execute(sql`select o.id, o.kind, o.subject_person_id, o.payload from clinical_outbox o join bookings b on b.outbox_id = o.id where b.id = ${bookingId}`),
  );
  if (!row) throw new Error(`no outbox row for booking ${bookingId}`);
  return { id: Number(row.id), kind: row.kind, subjectPersonId: row.subject_person_id, payload: row.payload, attempt: 1, createdAt: now };
}

/** The clinical system's answer to the booking action, as the relay records it. */
export async function answerBooking(db: Database, bookingId: string, outcome: OutboxAnswer, now: Date): Promise<void> {
  const row = await bookingOutboxRow(db, bookingId, now);
  await db.transaction((tx) => bookingKinds[row.kind]!.settled!(tx, row, outcome));
}

/** Brings the clinical system's Appointment into the read model, as the feed or the poller would. */
export async function appointmentArrives(db: Database, o: { id: string; patient: string; slot: FreeTime; version: number; status?: string }) {
  const { report } = await ingestBatch(
    db,
    {
      kind: "resources",
      resources: [
        {
          resourceType: "Appointment",
          id: o.id,
          meta: { versionId: String(o.version), lastUpdated: new Date().toISOString() },
          status: o.status ?? "booked",
          start: o.slot.startsAt,
          end: o.slot.endsAt,
          slot: [{ reference: `Slot/${o.slot.slotId}` }],
          participant: [{ actor: { reference: `Patient/${o.patient}` }, status: "accepted" }],
        },
      ],
    },
    { source: "test" },
  );
  expect(report.rejected).toEqual([]);
}


/** A Slot of a schedule arrives in the read model (free again after a cancellation, or a new one). */
export async function slotArrives(db: Database, o: { id: string; scheduleId: string; startsAt: string; endsAt: string; status: "free" | "busy"; version: number }) {
  const { report } = await ingestBatch(
    db,
    {
      kind: "resources",
      resources: [
        {
          resourceType: "Slot",
          id: o.id,
          meta: { versionId: String(o.version), lastUpdated: new Date().toISOString() },
          schedule: { reference: `Schedule/${o.scheduleId}` },
          status: o.status,
          start: o.startsAt,
          end: o.endsAt,
        },
      ],
    },
    { source: "test" },
  );
  expect(report.rejected).toEqual([]);
}
