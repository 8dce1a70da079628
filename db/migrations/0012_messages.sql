CREATE TABLE "message_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"outgoing_message_id" uuid NOT NULL,
	"person_id" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"actor_person_id" text NOT NULL,
	"subject_person_id" text NOT NULL,
	"path" text NOT NULL,
	"care_unit_id" text,
	"topic_code" text,
	"body" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outgoing_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" text NOT NULL,
	"actor_person_id" text NOT NULL,
	"care_unit_id" text NOT NULL,
	"thread_id" text,
	"reply_to_id" text,
	"topic_code" text NOT NULL,
	"topic" text NOT NULL,
	"body" text NOT NULL,
	"form_token" text NOT NULL,
	"state" text DEFAULT 'sending' NOT NULL,
	"failure" jsonb,
	"clinical_message_id" text,
	"resent_from" uuid,
	"outbox_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outgoing_messages_state_check" CHECK ("outgoing_messages"."state" in ('sending', 'delivered', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "open_messaging" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "message_topics" jsonb;--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "answer_working_days" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "opened_by_unit_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "can_reply" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "message_attachments_message_idx" ON "message_attachments" USING btree ("outgoing_message_id");--> statement-breakpoint
CREATE INDEX "message_attachments_person_idx" ON "message_attachments" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "message_drafts_token_idx" ON "message_drafts" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "message_drafts_expires_idx" ON "message_drafts" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outgoing_messages_form_token_idx" ON "outgoing_messages" USING btree ("person_id","form_token");--> statement-breakpoint
CREATE INDEX "outgoing_messages_person_idx" ON "outgoing_messages" USING btree ("person_id","created_at");--> statement-breakpoint
CREATE INDEX "outgoing_messages_thread_idx" ON "outgoing_messages" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "outgoing_messages_clinical_idx" ON "outgoing_messages" USING btree ("clinical_message_id");--> statement-breakpoint
CREATE INDEX "outgoing_messages_outbox_idx" ON "outgoing_messages" USING btree ("outbox_id");