import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** What the citizen asked: a new time, a move of an appointment to another time, a cancellation. */
export const BOOKING_ACTIONS = ["book", "move", "cancel"] as const;
export type BookingAction = (typeof BOOKING_ACTIONS)[number];

/**
 * - `confirming`: written, and on its way to the clinical system through the outbox;
 * - `confirmed`: the clinical system accepted it;
 * - `refused`: the clinical system refused it (the reason in `refusal`), or it could not be delivered;
 * - `released`: a confirmed time the citizen no longer holds (moved away, cancelled, or changed by the unit).
 */
export const BOOKING_STATES = ["confirming", "confirmed", "refused", "released"] as const;
export type BookingState = (typeof BOOKING_STATES)[number];

/**
 * The citizen's booking actions, and the times they hold. A `book` or `move` holds its slot while it is `confirming`
 * or `confirmed`: the database keeps one such hold per slot (a unique index) and no two overlapping holds of one person
 * (an exclusion constraint, migration 0011; drizzle-kit cannot describe it), except the old and the new time of one
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
    /** The time held (book, move); none for a cancellation. */
    slotId: text("slot_id"),
    appointmentTypeId: text("appointment_type_id"),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    state: text("state").$type<BookingState>().notNull().default("confirming"),
    /** Why the clinical system refused: `taken` (the time was no longer free) or `refused` (any other refusal). */
    refusal: text("refusal"),
    reasonText: text("reason_text"),
    outboxId: bigint("outbox_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("bookings_action_check", sql`${t.action} in ('book', 'move', 'cancel')`),
    check("bookings_state_check", sql`${t.state} in ('confirming', 'confirmed', 'refused', 'released')`),
    check("bookings_time_check", sql`(${t.action} = 'cancel') = (${t.slotId} is null) and (${t.slotId} is null or ${t.startsAt} < ${t.endsAt})`),
    uniqueIndex("bookings_slot_held_idx").on(t.slotId).where(sql`${t.action} in ('book', 'move') and ${t.state} in ('confirming', 'confirmed')`),
    // One move or cancellation of an appointment under way at a time (a double submit, two tabs).
    uniqueIndex("bookings_one_change_idx").on(t.appointmentId).where(sql`${t.action} in ('move', 'cancel') and ${t.state} = 'confirming'`),
    index("bookings_person_idx").on(t.personId, t.createdAt),
    index("bookings_appointment_idx").on(t.appointmentId),
    index("bookings_outbox_idx").on(t.outboxId),
  ],
);
