DROP INDEX "guardianships_child_ref_idx";--> statement-breakpoint
DROP INDEX "guardianships_guardian_ref_idx";--> statement-breakpoint
DROP INDEX "people_managing_ref_idx";--> statement-breakpoint
DROP INDEX "care_units_parent_ref_idx";--> statement-breakpoint
DROP INDEX "record_entries_subject_ref_idx";--> statement-breakpoint
DROP INDEX "record_entries_unit_ref_idx";--> statement-breakpoint
DROP INDEX "record_entries_practitioner_ref_idx";--> statement-breakpoint
DROP INDEX "record_entries_encounter_ref_idx";--> statement-breakpoint
DROP INDEX "record_entries_medication_ref_idx";--> statement-breakpoint
DROP INDEX "appointment_types_unit_ref_idx";--> statement-breakpoint
DROP INDEX "appointments_subject_ref_idx";--> statement-breakpoint
DROP INDEX "appointments_practitioner_ref_idx";--> statement-breakpoint
DROP INDEX "appointments_type_ref_idx";--> statement-breakpoint
DROP INDEX "schedules_unit_ref_idx";--> statement-breakpoint
DROP INDEX "schedules_practitioner_ref_idx";--> statement-breakpoint
DROP INDEX "schedules_service_ref_idx";--> statement-breakpoint
DROP INDEX "slots_schedule_ref_idx";--> statement-breakpoint
DROP INDEX "messages_subject_ref_idx";--> statement-breakpoint
DROP INDEX "messages_unit_ref_idx";--> statement-breakpoint
DROP INDEX "clinical_access_events_subject_ref_idx";--> statement-breakpoint
DROP INDEX "clinical_access_events_unit_ref_idx";--> statement-breakpoint
CREATE INDEX "messages_parent_idx" ON "messages" USING btree ("parent_id") WHERE "messages"."parent_id" is not null;--> statement-breakpoint
CREATE INDEX "guardianships_child_ref_idx" ON "guardianships" USING btree ("child_reference") WHERE "guardianships"."child_person_id" = '' and "guardianships"."child_reference" is not null;--> statement-breakpoint
CREATE INDEX "guardianships_guardian_ref_idx" ON "guardianships" USING btree ("guardian_reference") WHERE "guardianships"."guardian_person_id" is null and "guardianships"."guardian_reference" is not null;--> statement-breakpoint
CREATE INDEX "people_managing_ref_idx" ON "people" USING btree ("managing_care_unit_reference") WHERE "people"."managing_care_unit_id" is null and "people"."managing_care_unit_reference" is not null;--> statement-breakpoint
CREATE INDEX "care_units_parent_ref_idx" ON "care_units" USING btree ("parent_reference") WHERE "care_units"."parent_id" is null and "care_units"."parent_reference" is not null;--> statement-breakpoint
CREATE INDEX "record_entries_subject_ref_idx" ON "record_entries" USING btree ("subject_reference") WHERE "record_entries"."person_id" is null and "record_entries"."subject_reference" is not null;--> statement-breakpoint
CREATE INDEX "record_entries_unit_ref_idx" ON "record_entries" USING btree ("care_unit_reference") WHERE "record_entries"."care_unit_id" is null and "record_entries"."care_unit_reference" is not null;--> statement-breakpoint
CREATE INDEX "record_entries_practitioner_ref_idx" ON "record_entries" USING btree ("practitioner_reference") WHERE "record_entries"."practitioner_id" is null and "record_entries"."practitioner_reference" is not null;--> statement-breakpoint
CREATE INDEX "record_entries_encounter_ref_idx" ON "record_entries" USING btree ("encounter_reference") WHERE "record_entries"."encounter_id" is null and "record_entries"."encounter_reference" is not null;--> statement-breakpoint
CREATE INDEX "record_entries_medication_ref_idx" ON "record_entries" USING btree ("medication_reference") WHERE "record_entries"."medication_id" is null and "record_entries"."medication_reference" is not null;--> statement-breakpoint
CREATE INDEX "appointment_types_unit_ref_idx" ON "appointment_types" USING btree ("care_unit_reference") WHERE "appointment_types"."care_unit_id" is null and "appointment_types"."care_unit_reference" is not null;--> statement-breakpoint
CREATE INDEX "appointments_subject_ref_idx" ON "appointments" USING btree ("subject_reference") WHERE "appointments"."person_id" is null and "appointments"."subject_reference" is not null;--> statement-breakpoint
CREATE INDEX "appointments_practitioner_ref_idx" ON "appointments" USING btree ("practitioner_reference") WHERE "appointments"."practitioner_id" is null and "appointments"."practitioner_reference" is not null;--> statement-breakpoint
CREATE INDEX "appointments_type_ref_idx" ON "appointments" USING btree ("appointment_type_reference") WHERE "appointments"."appointment_type_id" is null and "appointments"."appointment_type_reference" is not null;--> statement-breakpoint
CREATE INDEX "schedules_unit_ref_idx" ON "schedules" USING btree ("care_unit_reference") WHERE "schedules"."care_unit_id" is null and "schedules"."care_unit_reference" is not null;--> statement-breakpoint
CREATE INDEX "schedules_practitioner_ref_idx" ON "schedules" USING btree ("practitioner_reference") WHERE "schedules"."practitioner_id" is null and "schedules"."practitioner_reference" is not null;--> statement-breakpoint
CREATE INDEX "schedules_service_ref_idx" ON "schedules" USING btree ("service_reference") WHERE "schedules"."service_id" is null and "schedules"."service_reference" is not null;--> statement-breakpoint
CREATE INDEX "slots_schedule_ref_idx" ON "slots" USING btree ("schedule_reference") WHERE "slots"."schedule_id" is null and "slots"."schedule_reference" is not null;--> statement-breakpoint
CREATE INDEX "messages_subject_ref_idx" ON "messages" USING btree ("subject_reference") WHERE "messages"."person_id" is null and "messages"."subject_reference" is not null;--> statement-breakpoint
CREATE INDEX "messages_unit_ref_idx" ON "messages" USING btree ("care_unit_reference") WHERE "messages"."care_unit_id" is null and "messages"."care_unit_reference" is not null;--> statement-breakpoint
CREATE INDEX "clinical_access_events_subject_ref_idx" ON "clinical_access_events" USING btree ("subject_reference") WHERE "clinical_access_events"."person_id" is null and "clinical_access_events"."subject_reference" is not null;--> statement-breakpoint
CREATE INDEX "clinical_access_events_unit_ref_idx" ON "clinical_access_events" USING btree ("care_unit_reference") WHERE "clinical_access_events"."care_unit_id" is null and "clinical_access_events"."care_unit_reference" is not null;