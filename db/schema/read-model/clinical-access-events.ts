import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
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
