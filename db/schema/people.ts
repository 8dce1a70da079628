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
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("people_personnummer_idx").on(t.personnummer),
    index("people_samordningsnummer_idx").on(t.samordningsnummer),
  ],
);

/**
 * Who is the guardian (vårdnadshavare) of whom. Fed from RelatedPerson (one row per RelatedPerson id) or from a
 * Patient's links/contacts (id derived from the child and guardian). The guardian is resolved to a person by
 * personnummer or by reference; until then guardian_person_id is null and guardian_personnummer holds the key.
 */
export const guardianships = pgTable(
  "guardianships",
  {
    ...fhirColumns(),
    sourceType: text("source_type").notNull(),
    childPersonId: text("child_person_id").notNull(),
    guardianPersonId: text("guardian_person_id"),
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
  ],
);
