import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * What the citizen asked: a new time, a move of an appointment to another time, a cancellation; or what the portal
 * offers them: an earlier time of the same type (`offer`, which becomes a `move` when taken).
 */
export const BOOKING_ACTIONS = ["book", "move", "cancel", "offer"] as const;
export type BookingAction = (typeof BOOKING_ACTIONS)[number];

/**
 * - `confirming`: written, and on its way to the clinical system through the outbox;
 * - `confirmed`: the clinical system accepted it;
 * - `refused`: the clinical system refused it (the reason in `refusal`), or it could not be delivered;
 * - `offered`: an earlier time kept for the citizen until `expires_at`;
 * - `released`: a time the citizen no longer holds (moved away, cancelled, changed by the unit, an offer let go).
 */
export const BOOKING_STATES = ["confirming", "confirmed", "refused", "offered", "released"] as const;
export type BookingState = (typeof BOOKING_STATES)[number];

/** The states in which a row with a slot holds it. */
export const HELD_STATES = ["confirming", "confirmed", "offered"] as const;

/**
 * The citizen's booking actions, and the times they hold. A row with a slot holds it while `confirming`, `confirmed`
 * or `offered`: the database keeps one hold per slot (a unique index) and no two overlapping holds of one person (an
 * exclusion constraint, migration 0011; drizzle-kit cannot describe it), except the old and the new time of one
 * appointment while it is moved. The clinical system stays the judge: a hold is the portal's promise not to offer
 * or send a time twice, not a booking of its own.
 */
export const bookings = pgTable(
  "bookings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Whose appointment it is (the subject on screen). */
    personId: text("person_id").notNull(),
    /** Who acted: the person, or their guardian. */
    actorPersonId: text("actor_person_id").notNull(),
    action: text("action").$type<BookingAction>().notNull(),
    /** The clinical system's Appointment: the one moved or cancelled; for a booking, the one made, once made. */
    appointmentId: text("appointment_id"),
    /** The time held (book, move, offer); none for a cancellation. */
    slotId: text("slot_id"),
    appointmentTypeId: text("appointment_type_id"),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    state: text("state").$type<BookingState>().notNull().default("confirming"),
    /** Why the clinical system refused: `taken` (the time was no longer free) or `refused` (any other refusal). */
    refusal: text("refusal"),
    reasonText: text("reason_text"),
    /** Until when an offered time is kept. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    outboxId: bigint("outbox_id", { mode: "number" }),
    /**
     * The Appointment's version the clinical system answered an accepted action with (`meta.versionId`, numeric): the
     * action shows on top of the read model until the read model holds that version or a later one.
     */
    versionId: bigint("version_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("bookings_action_check", sql`${t.action} in ('book', 'move', 'cancel', 'offer')`),
    check("bookings_state_check", sql`${t.state} in ('confirming', 'confirmed', 'refused', 'offered', 'released')`),
    check("bookings_time_check", sql`(${t.action} = 'cancel') = (${t.slotId} is null) and (${t.slotId} is null or ${t.startsAt} < ${t.endsAt})`),
    uniqueIndex("bookings_slot_held_idx").on(t.slotId).where(sql`${t.state} in ('confirming', 'confirmed', 'offered')`),
    index("bookings_offered_idx").on(t.expiresAt).where(sql`${t.state} = 'offered'`),
    // One move or cancellation of an appointment under way at a time (a double submit, two tabs).
    uniqueIndex("bookings_one_change_idx").on(t.appointmentId).where(sql`${t.action} in ('move', 'cancel') and ${t.state} = 'confirming'`),
    index("bookings_person_idx").on(t.personId, t.createdAt),
    index("bookings_appointment_idx").on(t.appointmentId),
    index("bookings_outbox_idx").on(t.outboxId),
  ],
);

/**
 * A citizen's wish for an earlier time of an appointment's type: the first in line (oldest wish) is offered a time
 * that frees up, and has until the offer's `expires_at` to take it. Ended when taken, withdrawn, or the appointment
 * is changed or past.
 */
export const earlierTimeRequests = pgTable(
  "earlier_time_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: text("person_id").notNull(),
    actorPersonId: text("actor_person_id").notNull(),
    appointmentId: text("appointment_id").notNull(),
    appointmentTypeId: text("appointment_type_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("earlier_time_requests_waiting_idx").on(t.appointmentId).where(sql`${t.endedAt} is null`),
    index("earlier_time_requests_line_idx").on(t.appointmentTypeId, t.createdAt).where(sql`${t.endedAt} is null`),
  ],
);
