import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Appointment types a unit offers (FHIR HealthcareService), and whether the citizen may book them online. */
export const appointmentTypes = pgTable(
  "appointment_types",
  {
    ...fhirColumns(),
    careUnitId: text("care_unit_id"),
    name: text("name").notNull(),
    code: text("code"),
    bookableOnline: boolean("bookable_online").notNull().default(false),
    /** Hours before the start after which the citizen can no longer cancel or reschedule online. */
    cancellationDeadlineHours: integer("cancellation_deadline_hours"),
    active: boolean("active").notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("appointment_types_unit_idx").on(t.careUnitId)],
);

export const schedules = pgTable(
  "schedules",
  {
    ...fhirColumns(),
    careUnitId: text("care_unit_id"),
    practitionerId: text("practitioner_id"),
    appointmentTypeIds: jsonb("appointment_type_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    active: boolean("active").notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("schedules_unit_idx").on(t.careUnitId)],
);

export const slots = pgTable(
  "slots",
  {
    ...fhirColumns(),
    scheduleId: text("schedule_id"),
    scheduleReference: text("schedule_reference"),
    status: text("status").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    appointmentTypeCode: text("appointment_type_code"),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("slots_schedule_start_idx").on(t.scheduleId, t.startsAt)],
);

export const appointments = pgTable(
  "appointments",
  {
    ...fhirColumns(),
    personId: text("person_id"),
    subjectReference: text("subject_reference"),
    status: text("status").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    careUnitId: text("care_unit_id"),
    practitionerId: text("practitioner_id"),
    appointmentTypeId: text("appointment_type_id"),
    slotIds: jsonb("slot_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    description: text("description"),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("appointments_person_start_idx").on(t.personId, t.startsAt)],
);
