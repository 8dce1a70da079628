CREATE TABLE "person_links" (
	"related_person_id" text NOT NULL,
	"person_id" text NOT NULL,
	CONSTRAINT "person_links_related_person_id_person_id_pk" PRIMARY KEY("related_person_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "medication_products" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"code_system" text,
	"code" text,
	"name" text,
	"form" text,
	CONSTRAINT "medication_products_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "feed_tombstones" (
	"resource_type" text NOT NULL,
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"covers_all" boolean DEFAULT false NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_tombstones_resource_type_id_pk" PRIMARY KEY("resource_type","id")
);
--> statement-breakpoint
ALTER TABLE "guardianships" ADD COLUMN "child_reference" text;--> statement-breakpoint
ALTER TABLE "guardianships" ADD COLUMN "guardian_reference" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "managing_care_unit_reference" text;--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "own_provider_kind" text;--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "parent_reference" text;--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "provider_id" text;--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "encounter_id" text;--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "encounter_reference" text;--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "medication_id" text;--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "medication_reference" text;--> statement-breakpoint
ALTER TABLE "appointment_types" ADD COLUMN "care_unit_reference" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "practitioner_reference" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "appointment_type_reference" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "care_unit_reference" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "practitioner_reference" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "service_id" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "service_reference" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "planning_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "planning_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "care_unit_reference" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sender_reference" text;--> statement-breakpoint
ALTER TABLE "clinical_access_events" ADD COLUMN "care_unit_reference" text;--> statement-breakpoint
CREATE INDEX "person_links_person_idx" ON "person_links" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "guardianships_child_ref_idx" ON "guardianships" USING btree ("child_reference") WHERE "guardianships"."child_person_id" = '';--> statement-breakpoint
CREATE INDEX "guardianships_guardian_ref_idx" ON "guardianships" USING btree ("guardian_reference") WHERE "guardianships"."guardian_person_id" is null;--> statement-breakpoint
CREATE INDEX "people_managing_ref_idx" ON "people" USING btree ("managing_care_unit_reference") WHERE "people"."managing_care_unit_id" is null;--> statement-breakpoint
CREATE INDEX "care_units_provider_idx" ON "care_units" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "care_units_parent_ref_idx" ON "care_units" USING btree ("parent_reference") WHERE "care_units"."parent_id" is null;--> statement-breakpoint
CREATE INDEX "practitioners_hsa_idx" ON "practitioners" USING btree ("hsa_id");--> statement-breakpoint
CREATE INDEX "record_entries_unit_ref_idx" ON "record_entries" USING btree ("care_unit_reference") WHERE "record_entries"."care_unit_id" is null;--> statement-breakpoint
CREATE INDEX "record_entries_practitioner_ref_idx" ON "record_entries" USING btree ("practitioner_reference") WHERE "record_entries"."practitioner_id" is null;--> statement-breakpoint
CREATE INDEX "record_entries_encounter_ref_idx" ON "record_entries" USING btree ("encounter_reference") WHERE "record_entries"."encounter_id" is null;--> statement-breakpoint
CREATE INDEX "record_entries_medication_ref_idx" ON "record_entries" USING btree ("medication_reference") WHERE "record_entries"."medication_id" is null;--> statement-breakpoint
CREATE INDEX "record_entries_encounter_idx" ON "record_entries" USING btree ("encounter_id");--> statement-breakpoint
CREATE INDEX "record_entries_medication_idx" ON "record_entries" USING btree ("medication_id") WHERE "record_entries"."medication_id" is not null;--> statement-breakpoint
CREATE INDEX "appointment_types_unit_ref_idx" ON "appointment_types" USING btree ("care_unit_reference") WHERE "appointment_types"."care_unit_id" is null;--> statement-breakpoint
CREATE INDEX "appointments_type_idx" ON "appointments" USING btree ("appointment_type_id");--> statement-breakpoint
CREATE INDEX "appointments_subject_ref_idx" ON "appointments" USING btree ("subject_reference") WHERE "appointments"."person_id" is null;--> statement-breakpoint
CREATE INDEX "appointments_practitioner_ref_idx" ON "appointments" USING btree ("practitioner_reference") WHERE "appointments"."practitioner_id" is null;--> statement-breakpoint
CREATE INDEX "appointments_type_ref_idx" ON "appointments" USING btree ("appointment_type_reference") WHERE "appointments"."appointment_type_id" is null;--> statement-breakpoint
CREATE INDEX "schedules_service_idx" ON "schedules" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "schedules_unit_ref_idx" ON "schedules" USING btree ("care_unit_reference") WHERE "schedules"."care_unit_id" is null;--> statement-breakpoint
CREATE INDEX "schedules_practitioner_ref_idx" ON "schedules" USING btree ("practitioner_reference") WHERE "schedules"."practitioner_id" is null;--> statement-breakpoint
CREATE INDEX "schedules_service_ref_idx" ON "schedules" USING btree ("service_reference") WHERE "schedules"."service_id" is null;--> statement-breakpoint
CREATE INDEX "slots_schedule_ref_idx" ON "slots" USING btree ("schedule_reference") WHERE "slots"."schedule_id" is null;--> statement-breakpoint
CREATE INDEX "messages_subject_ref_idx" ON "messages" USING btree ("subject_reference") WHERE "messages"."person_id" is null;--> statement-breakpoint
CREATE INDEX "messages_unit_ref_idx" ON "messages" USING btree ("care_unit_reference") WHERE "messages"."care_unit_id" is null;--> statement-breakpoint
CREATE INDEX "clinical_access_events_subject_ref_idx" ON "clinical_access_events" USING btree ("subject_reference") WHERE "clinical_access_events"."person_id" is null;--> statement-breakpoint
CREATE INDEX "clinical_access_events_unit_ref_idx" ON "clinical_access_events" USING btree ("care_unit_reference") WHERE "clinical_access_events"."care_unit_id" is null;