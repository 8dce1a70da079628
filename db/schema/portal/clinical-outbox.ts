import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, jsonb, pgTable, text, timestamp, type PgColumn, type PgTable } from "drizzle-orm/pg-core";

export const OUTBOX_STATES = ["pending", "delivering", "delivered", "failed"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** Why an attempt did not deliver (the last one is kept): the ClinicalError's kind and status, and the OperationOutcome. */
export interface OutboxError {
  kind: string;
  status?: number;
  message: string;
  outcome?: unknown;
  /** The attempt may have taken effect in the clinical system (a timeout, a lost answer, a 5xx after sending). */
  uncertain: boolean;
}

/**
 * What the portal has promised a citizen to write to the clinical system, written in the same transaction as the
 * feature's own state and delivered by the relay (app/clinical/outbox). Rows of one subject are delivered in id order,
 * one at a time. A relay holds a row by a lease (claimed_by, lease_until), not by an open transaction: the delivery is
 * an HTTP call, and PGlite has one connection.
 */
export const clinicalOutbox = pgTable("clinical_outbox", outboxColumns(), (t) => outboxIndexes("clinical_outbox", t));

/**
 * The columns of an outbox the relay (app/clinical/outbox/relay.server.ts) delivers: the clinical outbox, and the
 * notification outbox (db/schema/portal/notifications.ts), which keeps the same at-least-once rules.
 */
export function outboxColumns() {
  return {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Which feature's handler delivers it: "appointment.book", "message.send" … */
    kind: text("kind").notNull(),
    /** The person the write is about: the ordering key. */
    subjectPersonId: text("subject_person_id").notNull(),
    /** What it intends, enough to find it again by reading back (subject, slot, start; a message's content hash). */
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    state: text("state").$type<OutboxState>().notNull().default("pending"),
    /** Attempts begun (counted when claimed, so a relay that dies mid-delivery has used one). */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** The relay holding it while delivering, and until when: past it, another relay takes the row over. */
    claimedBy: text("claimed_by"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** An earlier attempt may have taken effect: the next one reads back before it writes. */
    uncertain: boolean("uncertain").notNull().default(false),
    lastError: jsonb("last_error").$type<OutboxError>(),
    /** What the handler returned once delivered (the created resource's id and version). */
    result: jsonb("result").$type<unknown>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** When it was delivered or failed. */
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  };
}

/** The state check and the indexes the relay's claim walks, named after the table. */
export function outboxIndexes(table: string, t: Record<"id" | "state" | "subjectPersonId", PgColumn>) {
  return [
    check(`${table}_state_check`, sql`${t.state} in ('pending', 'delivering', 'delivered', 'failed')`),
    // The claim walks the open rows in id order (delivered ones pile up and are never walked), and looks for each
    // whether its subject has an earlier open row.
    index(`${table}_open_idx`).on(t.id).where(sql`${t.state} in ('pending', 'delivering')`),
    index(`${table}_open_subject_idx`).on(t.subjectPersonId, t.id).where(sql`${t.state} in ('pending', 'delivering')`),
  ];
}

/** A table built from outboxColumns: what the relay claims from and settles in (by name, in its own SQL). */
export type OutboxTable = PgTable;
