import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The portal's own access log: every read of patient data, appended and never changed. The database refuses UPDATE
 * and DELETE on it (see the migration that adds the trigger).
 */
export const accessLog = pgTable(
  "access_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    /** Whose data was read. */
    subjectPersonId: text("subject_person_id").notNull(),
    /** Who read it. */
    actorPersonId: text("actor_person_id").notNull(),
    /** "self" or "guardian". */
    actingAs: text("acting_as").$type<"self" | "guardian">().notNull(),
    /** What was read: a record section, "overview", "export", "access_log", ... */
    section: text("section").notNull(),
    /** The resources shown, by type/id, where a page shows specific ones (tombstones keep them nameable). */
    resourceRefs: jsonb("resource_refs").$type<string[]>(),
    channel: text("channel").notNull().default("portal"),
  },
  (t) => [
    index("access_log_subject_idx").on(t.subjectPersonId, t.occurredAt.desc()),
    // Whose data was read lately: the people the clinical poller asks about (app/clinical/poller).
    index("access_log_occurred_idx").on(t.occurredAt),
  ],
);

/** Sign-in attempts, admitted or refused, with the reason; the person is named only when known to the read model (never the personnummer). */
export const loginAttempts = pgTable("login_attempts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  personId: text("person_id"),
  outcome: text("outcome").notNull(),
  reason: text("reason"),
});
