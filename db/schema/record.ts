import { sql } from "drizzle-orm";
import { doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

export const recordSections = [
  "notes",
  "diagnoses",
  "results",
  "medications",
  "allergies",
  "vaccinations",
  "care_contacts",
  "referrals",
] as const;
export type RecordSection = (typeof recordSections)[number];

/**
 * One row per entry of the citizen's single record, whatever resource type it came from. Every section page reads the
 * same shape (subject, date, unit, provider, title, text), filtered by section, period and provider and paged newest
 * first; section-specific fields the pages show sit in `details`, and the full resource in `raw`.
 */
export const recordEntries = pgTable(
  "record_entries",
  {
    resourceType: text("resource_type").notNull(),
    ...fhirColumns(),
    section: text("section").$type<RecordSection>().notNull(),
    /** The subject (people.id); null while the patient reference cannot be resolved. */
    personId: text("person_id"),
    /** The patient reference as sent, kept so it resolves when the patient arrives. */
    subjectReference: text("subject_reference"),
    /** When it happened (effective, onset, authored, occurrence, period start, recorded), for ordering and filters. */
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    /** When the clinical system recorded it (for "hide entries newer than 14 days"). */
    recordedAt: timestamp("recorded_at", { withTimezone: true }),
    careUnitId: text("care_unit_id"),
    careUnitReference: text("care_unit_reference"),
    practitionerId: text("practitioner_id"),
    practitionerReference: text("practitioner_reference"),
    status: text("status"),
    codeSystem: text("code_system"),
    code: text("code"),
    title: text("title"),
    /** Note text, conclusion, dosage instruction: what a person reads, and what notes search looks in. */
    text: text("text"),
    valueNumber: doublePrecision("value_number"),
    valueText: text("value_text"),
    unit: text("unit"),
    referenceLow: doublePrecision("reference_low"),
    referenceHigh: doublePrecision("reference_high"),
    referenceText: text("reference_text"),
    /** FHIR interpretation code (H, L, N, A, HH, LL, ...). */
    interpretation: text("interpretation"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.resourceType, t.id] }),
    index("record_entries_person_section_idx").on(t.personId, t.section, t.occurredAt.desc()),
    index("record_entries_person_code_idx").on(t.personId, t.code, t.occurredAt.desc()),
    index("record_entries_subject_ref_idx").on(t.subjectReference).where(sql`${t.personId} is null`),
  ],
);
