ALTER TABLE "message_attachments" ALTER COLUMN "outgoing_message_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "message_attachments" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "message_attachments" ADD COLUMN "clinical_attachment_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "message_attachments_received_idx" ON "message_attachments" USING btree ("message_id","clinical_attachment_id") WHERE "message_attachments"."message_id" is not null;--> statement-breakpoint
ALTER TABLE "message_attachments" ADD CONSTRAINT "message_attachments_message_check" CHECK (("message_attachments"."outgoing_message_id" is null) <> ("message_attachments"."message_id" is null));