
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Accesses to a patient's record inside the clinical system (FHIR AuditEvent): when, and which care unit. */
export const clinicalAccessEvents = pgTable(
  "clinical_access_events",
  {
    ...fhirColumns(),
    personId: text("person_id"),
    subjectReference: text("subject_reference"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    careUnitId: text("care_unit_id"),
    careUnitReference: text("care_unit_reference"),
    careUnitName: text("care_unit_name"),
    action: text("action"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("clinical_access_events_person_idx").on(t.personId, t.occurredAt.desc()),
    index("clinical_access_events_subject_ref_idx").on(t.subjectReference).where(sql`${t.personId} is null and ${t.subjectReference} is not null`),
    index("clinical_access_events_unit_ref_idx").on(t.careUnitReference).where(sql`${t.careUnitId} is null and ${t.careUnitReference} is not null`),
  ],
);

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
  (t) => [index("access_log_subject_idx").on(t.subjectPersonId, t.occurredAt.desc())],
);

/** Sign-in attempts, admitted or refused, with the reason; the person is named only when known to the read model (never the personnummer). */
export const loginAttempts = pgTable("login_attempts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  personId: text("person_id"),
  outcome: text("outcome").notNull(),
  reason: text("reason"),
});

/** Resources the feed could not accept, kept whole with the reason so nothing is lost. */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    source: text("source").notNull(),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    reason: text("reason").notNull(),
    path: text("path"),
    raw: jsonb("raw"),
    rawText: text("raw_text"),
  },
  (t) => [index("dead_letters_received_idx").on(t.receivedAt)],
);

/** Fullurls (urn:uuid:, absolute) seen in batches, so a later batch's reference to them resolves. */
export const referenceAliases = pgTable(
  "reference_aliases",
  {
    alias: text("alias").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.alias] })],
);

/**
 * Deletions the feed has seen (Bundle entries with request.method DELETE), so that a version arriving after its
 * deletion (out of order) is stored hidden. `covers_all` when the DELETE carried no version: every version is hidden.
 */
export const feedTombstones = pgTable(
  "feed_tombstones",
  {
    resourceType: text("resource_type").notNull(),
    id: text("id").notNull(),
    versionId: bigint("version_id", { mode: "number" }),
    lastUpdated: timestamp("last_updated", { withTimezone: true }),
    coversAll: boolean("covers_all").notNull().default(false),
    deletedAt: timestamp("deleted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.resourceType, t.id] })],
);
