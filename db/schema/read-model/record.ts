import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

import type { RecordSection } from "../vocabulary";

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
    /** The care contact (Encounter) the entry belongs to; the entry's unit comes from it when it names none itself. */
    encounterId: text("encounter_id"),
    encounterReference: text("encounter_reference"),
    /** A referenced Medication (medications section); title and code come from it once it has arrived. */
    medicationId: text("medication_id"),
    medicationReference: text("medication_reference"),
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
    /**
     * Whether the title or text holds one of the region's excluded keywords, as judged under version
     * `keywordRulesVersion` of record_keyword_rules. A trigger sets both on every write of title or text (migration
     * 0007), so that pages test a column instead of searching every entry's text; a page whose process holds other
     * rules searches the text itself.
     */
    holdsKeyword: boolean("holds_keyword"),
    keywordRulesVersion: integer("keyword_rules_version"),
  },
  (t) => [
    primaryKey({ columns: [t.resourceType, t.id] }),
    index("record_entries_person_section_idx").on(t.personId, t.section, t.occurredAt.desc()),
    index("record_entries_person_code_idx").on(t.personId, t.code, t.occurredAt.desc()),
    index("record_entries_subject_ref_idx").on(t.subjectReference).where(sql`${t.personId} is null and ${t.subjectReference} is not null`),
    index("record_entries_unit_ref_idx").on(t.careUnitReference).where(sql`${t.careUnitId} is null and ${t.careUnitReference} is not null`),
    index("record_entries_practitioner_ref_idx").on(t.practitionerReference).where(sql`${t.practitionerId} is null and ${t.practitionerReference} is not null`),
    index("record_entries_encounter_ref_idx").on(t.encounterReference).where(sql`${t.encounterId} is null and ${t.encounterReference} is not null`),
    index("record_entries_medication_ref_idx").on(t.medicationReference).where(sql`${t.medicationId} is null and ${t.medicationReference} is not null`),
    index("record_entries_encounter_idx").on(t.encounterId),
    index("record_entries_medication_idx").on(t.medicationId).where(sql`${t.medicationId} is not null`),
  ],
);

/** Medicinal products (FHIR Medication) that medication entries reference; contained ones stay in the entry's raw. */
export const medicationProducts = pgTable(
  "medication_products",
  {
    ...fhirColumns(),
    codeSystem: text("code_system"),
    /** ATC or other product code. */
    code: text("code"),
    name: text("name"),
    form: text("form"),
  },
  (t) => [primaryKey({ columns: [t.id] })],
);
