import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";
import type { OutboxError } from "../../db/schema";
import type { OutboxAnswer, OutboxKind, OutboxRow } from "~/clinical/outbox/outbox.server";
import { parseVersionId } from "~/feed/versions";
import { appointmentKinds, BOOK, CANCEL, RESCHEDULE } from "~/clinical/writes/appointments.server";

/**
 * The clinical system's answer to a booking action, recorded on its `bookings` row in the relay's transaction.
 * - A booking accepted holds its slot as `confirmed`, now naming the Appointment made and the version the clinical
 *   system answered with (see `answerSeen` in appointments.server.ts); refused, it lets the slot go.
 * - A move accepted releases the appointment's earlier time; a cancellation accepted releases its time.
 */

/** Why the citizen's action was refused, in their words: the time was taken (422 on a booking or move), or otherwise. */
function refusalOf(kind: string, error: OutboxError): "taken" | "refused" {
  return kind !== CANCEL && error.status === 422 ? "taken" : "refused";
}

async function settle(tx: Queryable, row: OutboxRow, answer: OutboxAnswer): Promise<void> {
  if (answer.state === "failed") {
    await tx.execute(sql`
      update bookings set state = 'refused', refusal = ${refusalOf(row.kind, answer.error)}, updated_at = now()
       where outbox_id = ${row.id} and state = 'confirming'`);
    return;
  }
  const appointmentId = typeof answer.result.appointmentId === "string" ? answer.result.appointmentId : null;
  const version = parseVersionId(answer.result.versionId);
  const [confirmed] = rowsOf<{ id: string; appointment_id: string | null }>(
    await tx.execute(sql`
      update bookings set state = 'confirmed', appointment_id = coalesce(${appointmentId}, appointment_id), version_id = ${version}, updated_at = now()
       where outbox_id = ${row.id} and state = 'confirming'
       returning id, appointment_id`),
  );
  if (!confirmed?.appointment_id || row.kind === BOOK) return;
  // The appointment's earlier time (a move), or its only one (a cancellation), is no longer held.
  await tx.execute(sql`
      update bookings set state = 'released', updated_at = now()
       where appointment_id = ${confirmed.appointment_id} and id <> ${confirmed.id}
         and slot_id is not null and state = 'confirmed'`);
}

const withSettle = (kind: OutboxKind | undefined): OutboxKind => {
  if (!kind) throw new Error("an appointment kind is missing");
  return { ...kind, settled: settle };
};

/** The appointment writes as the relay delivers them, with the booking's state kept in step. */
export const bookingKinds: Readonly<Record<string, OutboxKind>> = {
  [BOOK]: withSettle(appointmentKinds[BOOK]),
  [RESCHEDULE]: withSettle(appointmentKinds[RESCHEDULE]),
  [CANCEL]: withSettle(appointmentKinds[CANCEL]),
};
