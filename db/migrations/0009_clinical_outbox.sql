CREATE TABLE "clinical_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subject_person_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"lease_until" timestamp with time zone,
	"uncertain" boolean DEFAULT false NOT NULL,
	"last_error" jsonb,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "clinical_outbox_state_check" CHECK ("clinical_outbox"."state" in ('pending', 'delivering', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "clinical_outbox_open_idx" ON "clinical_outbox" USING btree ("id") WHERE "clinical_outbox"."state" in ('pending', 'delivering');--> statement-breakpoint
CREATE INDEX "clinical_outbox_open_subject_idx" ON "clinical_outbox" USING btree ("subject_person_id","id") WHERE "clinical_outbox"."state" in ('pending', 'delivering');