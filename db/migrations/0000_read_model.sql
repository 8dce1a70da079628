CREATE TABLE "guardianships" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source_type" text NOT NULL,
	"child_person_id" text NOT NULL,
	"guardian_person_id" text,
	"guardian_personnummer" text,
	"relationship" text,
	"active" boolean DEFAULT true NOT NULL,
	"blocked" boolean DEFAULT false NOT NULL,
	"period_start" date,
	"period_end" date,
	CONSTRAINT "guardianships_source_type_id_pk" PRIMARY KEY("source_type","id")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"personnummer" text,
	"samordningsnummer" text,
	"identifiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"given_name" text,
	"family_name" text,
	"birth_date" date,
	"gender" text,
	"deceased" boolean DEFAULT false NOT NULL,
	"deceased_at" timestamp with time zone,
	"protected_identity" boolean DEFAULT false NOT NULL,
	"managing_care_unit_id" text,
	CONSTRAINT "people_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "care_units" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hsa_id" text,
	"name" text NOT NULL,
	"provider_kind" text DEFAULT 'unknown' NOT NULL,
	"parent_id" text,
	"phone" text,
	"city" text,
	CONSTRAINT "care_units_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "practitioners" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hsa_id" text,
	"name" text,
	"profession" text,
	CONSTRAINT "practitioners_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "record_entries" (
	"resource_type" text NOT NULL,
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"section" text NOT NULL,
	"person_id" text,
	"subject_reference" text,
	"occurred_at" timestamp with time zone,
	"recorded_at" timestamp with time zone,
	"care_unit_id" text,
	"care_unit_reference" text,
	"practitioner_id" text,
	"practitioner_reference" text,
	"status" text,
	"code_system" text,
	"code" text,
	"title" text,
	"text" text,
	"value_number" double precision,
	"value_text" text,
	"unit" text,
	"reference_low" double precision,
	"reference_high" double precision,
	"reference_text" text,
	"interpretation" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "record_entries_resource_type_id_pk" PRIMARY KEY("resource_type","id")
);
--> statement-breakpoint
CREATE TABLE "appointment_types" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"care_unit_id" text,
	"name" text NOT NULL,
	"code" text,
	"bookable_online" boolean DEFAULT false NOT NULL,
	"cancellation_deadline_hours" integer,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "appointment_types_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" text,
	"subject_reference" text,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"care_unit_id" text,
	"practitioner_id" text,
	"appointment_type_id" text,
	"slot_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"description" text,
	CONSTRAINT "appointments_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"care_unit_id" text,
	"practitioner_id" text,
	"appointment_type_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "schedules_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "slots" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"schedule_id" text,
	"schedule_reference" text,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"appointment_type_code" text,
	CONSTRAINT "slots_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" text,
	"subject_reference" text,
	"thread_id" text NOT NULL,
	"topic" text,
	"direction" text NOT NULL,
	"care_unit_id" text,
	"sender_name" text,
	"body" text,
	"sent_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"status" text,
	CONSTRAINT "messages_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subject_person_id" text NOT NULL,
	"actor_person_id" text NOT NULL,
	"acting_as" text NOT NULL,
	"section" text NOT NULL,
	"resource_refs" jsonb,
	"channel" text DEFAULT 'portal' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clinical_access_events" (
	"id" text NOT NULL,
	"version_id" bigint,
	"last_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" text,
	"subject_reference" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"care_unit_id" text,
	"care_unit_name" text,
	"action" text,
	CONSTRAINT "clinical_access_events_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"resource_type" text,
	"resource_id" text,
	"reason" text NOT NULL,
	"path" text,
	"raw" jsonb,
	"raw_text" text
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" text,
	"outcome" text NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "reference_aliases" (
	"alias" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	CONSTRAINT "reference_aliases_alias_pk" PRIMARY KEY("alias")
);
--> statement-breakpoint
CREATE TABLE "login_flows" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"code_verifier" text NOT NULL,
	"nonce" text NOT NULL,
	"return_to" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"acting_for_person_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"hide_entries_after" timestamp with time zone,
	"user_agent" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "guardianships_guardian_idx" ON "guardianships" USING btree ("guardian_person_id");--> statement-breakpoint
CREATE INDEX "guardianships_guardian_pnr_idx" ON "guardianships" USING btree ("guardian_personnummer");--> statement-breakpoint
CREATE INDEX "guardianships_child_idx" ON "guardianships" USING btree ("child_person_id");--> statement-breakpoint
CREATE INDEX "people_personnummer_idx" ON "people" USING btree ("personnummer");--> statement-breakpoint
CREATE INDEX "people_samordningsnummer_idx" ON "people" USING btree ("samordningsnummer");--> statement-breakpoint
CREATE INDEX "care_units_hsa_idx" ON "care_units" USING btree ("hsa_id");--> statement-breakpoint
CREATE INDEX "care_units_parent_idx" ON "care_units" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "record_entries_person_section_idx" ON "record_entries" USING btree ("person_id","section","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "record_entries_person_code_idx" ON "record_entries" USING btree ("person_id","code","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "record_entries_subject_ref_idx" ON "record_entries" USING btree ("subject_reference") WHERE "record_entries"."person_id" is null;--> statement-breakpoint
CREATE INDEX "appointment_types_unit_idx" ON "appointment_types" USING btree ("care_unit_id");--> statement-breakpoint
CREATE INDEX "appointments_person_start_idx" ON "appointments" USING btree ("person_id","starts_at");--> statement-breakpoint
CREATE INDEX "schedules_unit_idx" ON "schedules" USING btree ("care_unit_id");--> statement-breakpoint
CREATE INDEX "slots_schedule_start_idx" ON "slots" USING btree ("schedule_id","starts_at");--> statement-breakpoint
CREATE INDEX "messages_person_sent_idx" ON "messages" USING btree ("person_id","sent_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "access_log_subject_idx" ON "access_log" USING btree ("subject_person_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "clinical_access_events_person_idx" ON "clinical_access_events" USING btree ("person_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "dead_letters_received_idx" ON "dead_letters" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");