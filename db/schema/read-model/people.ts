import { sql } from "drizzle-orm";
import { boolean, date, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Patients, as the clinical system knows them (FHIR Patient). */
export const people = pgTable(
  "people",
  {
    ...fhirColumns(),
    /** 12-digit personnummer without separator (YYYYMMDDNNNC); null for people known only by other identifiers. */
    personnummer: text("personnummer"),
    samordningsnummer: text("samordningsnummer"),
    identifiers: jsonb("identifiers").$type<{ system?: string; value?: string }[]>().notNull().default(sql`'[]'::jsonb`),
    givenName: text("given_name"),
    familyName: text("family_name"),
    birthDate: date("birth_date"),
    gender: text("gender"),
    deceased: boolean("deceased").notNull().default(false),
    deceasedAt: timestamp("deceased_at", { withTimezone: true }),
    /** Sekretessmarkering / skyddad folkbokföring. */
    protectedIdentity: boolean("protected_identity").notNull().default(false),
    /** The care unit responsible for the patient (Patient.managingOrganization). */
    managingCareUnitId: text("managing_care_unit_id"),
    managingCareUnitReference: text("managing_care_unit_reference"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("people_personnummer_idx").on(t.personnummer),
    index("people_samordningsnummer_idx").on(t.samordningsnummer),
    index("people_managing_ref_idx").on(t.managingCareUnitReference).where(sql`${t.managingCareUnitId} is null and ${t.managingCareUnitReference} is not null`),
  ],
);

/**
 * Who is the guardian (vårdnadshavare) of whom, one row per RelatedPerson (source_type "RelatedPerson").
 * `active` is true only while the RelatedPerson is active and its relationship is GUARD; readers must still check
 * `period_end`, `blocked`, the child's age and protected identity. The guardian is resolved to a person by a
 * reference (extension), by personnummer, or by a Patient's `link` to the RelatedPerson (person_links); until then
 * guardian_person_id is null. child_person_id is '' (never a person id) only while the RelatedPerson's patient
 * reference (child_reference) cannot be resolved yet.
 */
export const guardianships = pgTable(
  "guardianships",
  {
    ...fhirColumns(),
    sourceType: text("source_type").notNull(),
    childPersonId: text("child_person_id").notNull(),
    childReference: text("child_reference"),
    guardianPersonId: text("guardian_person_id"),
    guardianReference: text("guardian_reference"),
    guardianPersonnummer: text("guardian_personnummer"),
    relationship: text("relationship"),
    active: boolean("active").notNull().default(true),
    /** A care unit has blocked this guardian's online access to the child. */
    blocked: boolean("blocked").notNull().default(false),
    periodStart: date("period_start"),
    periodEnd: date("period_end"),
  },
  (t) => [
    primaryKey({ columns: [t.sourceType, t.id] }),
    index("guardianships_guardian_idx").on(t.guardianPersonId),
    index("guardianships_guardian_pnr_idx").on(t.guardianPersonnummer),
    index("guardianships_child_idx").on(t.childPersonId),
    index("guardianships_child_ref_idx").on(t.childReference).where(sql`${t.childPersonId} = '' and ${t.childReference} is not null`),
    index("guardianships_guardian_ref_idx").on(t.guardianReference).where(sql`${t.guardianPersonId} is null and ${t.guardianReference} is not null`),
  ],
);

/**
 * A Patient's `link` (type seealso) to a RelatedPerson: the patient is the person that RelatedPerson stands for, so a
 * guardianship fed from that RelatedPerson names this patient as the guardian. Replaced with each applied version of
 * the Patient.
 */
export const personLinks = pgTable(
  "person_links",
  {
    relatedPersonId: text("related_person_id").notNull(),
    personId: text("person_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.relatedPersonId, t.personId] }), index("person_links_person_idx").on(t.personId)],
);
