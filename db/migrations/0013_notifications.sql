CREATE TABLE "contact_settings" (
	"person_id" text PRIMARY KEY NOT NULL,
	"email" text,
	"mobile" text,
	"by_email" boolean DEFAULT false NOT NULL,
	"by_sms" boolean DEFAULT false NOT NULL,
	"on_new_message" boolean DEFAULT true NOT NULL,
	"language" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_settings_email_check" CHECK (not "contact_settings"."by_email" or "contact_settings"."email" is not null),
	CONSTRAINT "contact_settings_sms_check" CHECK (not "contact_settings"."by_sms" or "contact_settings"."mobile" is not null),
	CONSTRAINT "contact_settings_language_check" CHECK ("contact_settings"."language" in ('sv', 'en'))
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
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
	CONSTRAINT "notification_outbox_state_check" CHECK ("notification_outbox"."state" in ('pending', 'delivering', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "notification_pass" (
	"name" text PRIMARY KEY NOT NULL,
	"looked_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_windows" (
	"person_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_windows_person_id_thread_id_pk" PRIMARY KEY("person_id","thread_id")
);
--> statement-breakpoint
CREATE TABLE "notified_messages" (
	"message_id" text NOT NULL,
	"person_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"notified" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notified_messages_message_id_person_id_pk" PRIMARY KEY("message_id","person_id")
);
--> statement-breakpoint
CREATE INDEX "notification_outbox_open_idx" ON "notification_outbox" USING btree ("id") WHERE "notification_outbox"."state" in ('pending', 'delivering');--> statement-breakpoint
CREATE INDEX "notification_outbox_open_subject_idx" ON "notification_outbox" USING btree ("subject_person_id","id") WHERE "notification_outbox"."state" in ('pending', 'delivering');