import type { Appointment } from "@medplum/fhirtypes";
import { z } from "zod";
import type { ClinicalClient } from "../client.server";
import { ClinicalError } from "../http.server";
import type { NewOutboxRow, OutboxKind, OutboxResult } from "../outbox/outbox.server";

/**
 * The appointment writes the outbox delivers, as Millennium takes them (DOMAIN.md, "Writing back"): a booking is a
 * POST of an Appointment on one free Slot; a cancellation and a move are JSON Patches with If-Match. Millennium takes
 * no idempotency key and no identifier, so each row says what it intends (patient, slot, start) and `readBack` finds
 * it again by Appointment search on the patient and the day.
 */

export const BOOK = "appointment.book";
export const CANCEL = "appointment.cancel";
export const RESCHEDULE = "appointment.reschedule";

const bookingSchema = z.object({
  patientId: z.string().min(1),
  slotId: z.string().min(1),
  /** The slot's start, as the portal showed it: what the read-back matches on beside the slot. */
  start: z.iso.datetime({ offset: true }),
  reasonText: z.string().min(1).optional(),
});
export type Booking = z.infer<typeof bookingSchema>;

const cancellationSchema = z.object({ appointmentId: z.string().min(1), reasonText: z.string().min(1).optional() });
export type Cancellation = z.infer<typeof cancellationSchema>;

const moveSchema = z.object({ appointmentId: z.string().min(1), slotId: z.string().min(1), start: z.iso.datetime({ offset: true }) });
export type Move = z.infer<typeof moveSchema>;

/** The outbox rows, for the booking feature to enqueue in its own transaction. */
export const appointmentRows = {
  book: (booking: Booking): NewOutboxRow => ({ kind: BOOK, subjectPersonId: booking.patientId, payload: bookingSchema.parse(booking) }),
  cancel: (patientId: string, cancellation: Cancellation): NewOutboxRow => ({
    kind: CANCEL,
    subjectPersonId: patientId,
    payload: cancellationSchema.parse(cancellation),
  }),
  reschedule: (patientId: string, move: Move): NewOutboxRow => ({ kind: RESCHEDULE, subjectPersonId: patientId, payload: moveSchema.parse(move) }),
};

const DAY_MS = 24 * 60 * 60_000;

const slotReference = (slotId: string) => `Slot/${slotId}`;

function holdsSlot(appointment: Appointment, slotId: string): boolean {
  return (appointment.slot ?? []).some((s) => s.reference === slotReference(slotId) || s.reference?.endsWith(`/${slotReference(slotId)}`));
}

function made(appointment: Appointment, versionId?: string | null): OutboxResult {
  return { appointmentId: appointment.id, versionId: versionId ?? appointment.meta?.versionId ?? null };
}

/** The version to send in If-Match: the ETag as read, else W/"versionId". */
function ifMatch(appointment: Appointment, etag: string | null): string {
  if (etag) return etag;
  if (appointment.meta?.versionId) return `W/"${appointment.meta.versionId}"`;
  throw new ClinicalError("protocol", "Appointment: read without ETag or meta.versionId, so it cannot be patched");
}

const book: OutboxKind<ClinicalClient> = {
  async write(row, client) {
    const booking = bookingSchema.parse(row.payload);
    const created = await client.create({
      resourceType: "Appointment",
      status: "booked",
      slot: [{ reference: slotReference(booking.slotId) }],
      participant: [{ actor: { reference: `Patient/${booking.patientId}` }, status: "accepted" }],
      ...(booking.reasonText ? { reasonCode: [{ text: booking.reasonText }] } : {}),
    });
    if (!created.id) throw new ClinicalError("protocol", "Appointment: created without a Location naming it");
    return { appointmentId: created.id, versionId: created.versionId };
  },
  async readBack(row, client) {
    const booking = bookingSchema.parse(row.payload);
    const start = Date.parse(booking.start);
    const found = (await client.searchAll("Appointment", [
      ["patient", booking.patientId],
      ["date", `ge${new Date(start - DAY_MS).toISOString()}`],
      ["date", `lt${new Date(start + DAY_MS).toISOString()}`],
    ])) as Appointment[];
    // A cancelled booking of the same slot is an earlier one, not this.
    const mine = found.find((a) => a.resourceType === "Appointment" && a.status !== "cancelled" && holdsSlot(a, booking.slotId) && a.start && Date.parse(a.start) === start);
    return mine ? made(mine) : null;
  },
};

const cancel: OutboxKind<ClinicalClient> = {
  async write(row, client) {
    const { appointmentId, reasonText } = cancellationSchema.parse(row.payload);
    const { resource, etag } = await client.read<Appointment>("Appointment", appointmentId);
    // Cancelled already (by the clinic, or by our own earlier attempt): the citizen's wish holds.
    if (resource.status === "cancelled") return made(resource);
    const patched = await client.patch(
      "Appointment",
      appointmentId,
      [{ op: "replace", path: "/status", value: "cancelled" }, ...(reasonText ? [{ op: "add" as const, path: "/cancelationReason", value: { text: reasonText } }] : [])],
      { ifMatch: ifMatch(resource, etag) },
    );
    return { appointmentId, versionId: patched.versionId };
  },
  async readBack(row, client) {
    const { appointmentId } = cancellationSchema.parse(row.payload);
    const { resource } = await client.read<Appointment>("Appointment", appointmentId);
    return resource.status === "cancelled" ? made(resource) : null;
  },
};

const reschedule: OutboxKind<ClinicalClient> = {
  async write(row, client) {
    const move = moveSchema.parse(row.payload);
    const { resource, etag } = await client.read<Appointment>("Appointment", move.appointmentId);
    if (holdsSlot(resource, move.slotId)) return made(resource);
    const patched = await client.patch("Appointment", move.appointmentId, [{ op: "replace", path: "/slot", value: [{ reference: slotReference(move.slotId) }] }], {
      ifMatch: ifMatch(resource, etag),
    });
    return { appointmentId: move.appointmentId, versionId: patched.versionId };
  },
  async readBack(row, client) {
    const move = moveSchema.parse(row.payload);
    const { resource } = await client.read<Appointment>("Appointment", move.appointmentId);
    return holdsSlot(resource, move.slotId) && resource.status !== "cancelled" ? made(resource) : null;
  },
};

export const appointmentKinds: Readonly<Record<string, OutboxKind<ClinicalClient>>> = { [BOOK]: book, [CANCEL]: cancel, [RESCHEDULE]: reschedule };
