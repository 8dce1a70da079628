import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Appointment types a unit offers (FHIR HealthcareService), and whether the citizen may book them online. */
export const appointmentTypes = pgTable(
  "appointment_types",
  {
    ...fhirColumns(),
    careUnitId: text("care_unit_id"),
    careUnitReference: text("care_unit_reference"),
    name: text("name").notNull(),
    code: text("code"),
    bookableOnline: boolean("bookable_online").notNull().default(false),
    /** Bookable online by anyone, not only by those in the unit's care (vaccinations, a youth clinic). */
    openBooking: boolean("open_booking").notNull().default(false),
    /** Hours before the start after which the citizen can no longer cancel or reschedule online. */
    cancellationDeadlineHours: integer("cancellation_deadline_hours"),
    /** How to prepare for the visit (HealthcareService.extraDetails), when the unit says. */
    preparation: text("preparation"),
    active: boolean("active").notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("appointment_types_unit_idx").on(t.careUnitId),
    index("appointment_types_unit_ref_idx").on(t.careUnitReference).where(sql`${t.careUnitId} is null and ${t.careUnitReference} is not null`),
  ],
);

export const schedules = pgTable(
  "schedules",
  {
    ...fhirColumns(),
    /** The Organization actor, else the unit of the first HealthcareService actor. */
    careUnitId: text("care_unit_id"),
    careUnitReference: text("care_unit_reference"),
    practitionerId: text("practitioner_id"),
    practitionerReference: text("practitioner_reference"),
    /** HealthcareService actors (appointment_types.id). */
    appointmentTypeIds: jsonb("appointment_type_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** The first HealthcareService actor, whose unit the schedule takes when it names no Organization. */
    serviceId: text("service_id"),
    serviceReference: text("service_reference"),
    active: boolean("active").notNull().default(true),
    planningStart: timestamp("planning_start", { withTimezone: true }),
    planningEnd: timestamp("planning_end", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("schedules_unit_idx").on(t.careUnitId),
    index("schedules_service_idx").on(t.serviceId),
    index("schedules_unit_ref_idx").on(t.careUnitReference).where(sql`${t.careUnitId} is null and ${t.careUnitReference} is not null`),
    index("schedules_practitioner_ref_idx").on(t.practitionerReference).where(sql`${t.practitionerId} is null and ${t.practitionerReference} is not null`),
    index("schedules_service_ref_idx").on(t.serviceReference).where(sql`${t.serviceId} is null and ${t.serviceReference} is not null`),
  ],
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
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("slots_schedule_start_idx").on(t.scheduleId, t.startsAt),
    index("slots_schedule_ref_idx").on(t.scheduleReference).where(sql`${t.scheduleId} is null and ${t.scheduleReference} is not null`),
  ],
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
    /** The unit of the appointment type (HealthcareService participant). */
    careUnitId: text("care_unit_id"),
    practitionerId: text("practitioner_id"),
    practitionerReference: text("practitioner_reference"),
    appointmentTypeId: text("appointment_type_id"),
    appointmentTypeReference: text("appointment_type_reference"),
    slotIds: jsonb("slot_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    description: text("description"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("appointments_person_start_idx").on(t.personId, t.startsAt),
    index("appointments_type_idx").on(t.appointmentTypeId),
    index("appointments_subject_ref_idx").on(t.subjectReference).where(sql`${t.personId} is null and ${t.subjectReference} is not null`),
    index("appointments_practitioner_ref_idx").on(t.practitionerReference).where(sql`${t.practitionerId} is null and ${t.practitionerReference} is not null`),
    index("appointments_type_ref_idx").on(t.appointmentTypeReference).where(sql`${t.appointmentTypeId} is null and ${t.appointmentTypeReference} is not null`),
  ],
);
