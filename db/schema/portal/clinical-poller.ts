import { sql } from "drizzle-orm";
import { boolean, check, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Why a stream's last pass did not finish (the ClinicalError's kind and status, or the error's name). */
export interface PollError {
  kind: string;
  status?: number;
  message: string;
}

/**
 * The poller's durable state (app/clinical/poller), one row per stream: `lastUpdated:<Type>` for each type polled by
 * `_lastUpdated`, `people` (appointments and messages of the people who use the portal) and `slots` (free times).
 * `cursor` is, for a `_lastUpdated` stream, the instant before which every change has been read and committed (the
 * next pass asks from it, less the overlap); for the others, when the last whole pass began.
 */
export const clinicalPollStreams = pgTable("clinical_poll_streams", {
  name: text("name").primaryKey(),
  cursor: timestamp("cursor", { withTimezone: true }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  lastError: jsonb("last_error").$type<PollError>(),
  lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Who polls: one row, held by one portal process at a time under a lease it renews as it goes. Past `lease_until`
 * another process takes it over and continues from the streams' cursors. A row rather than an advisory lock: a
 * session lock does not survive a pool handing out another connection, and PGlite is one connection.
 */
export const clinicalPollLease = pgTable(
  "clinical_poll_lease",
  {
    /** Always true: the table holds one row. */
    id: boolean("id").primaryKey().default(true),
    holder: text("holder").notNull(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    acquiredAt: timestamp("acquired_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("clinical_poll_lease_one_row", sql`${t.id}`)],
);
