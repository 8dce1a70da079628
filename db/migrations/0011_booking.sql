CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" text NOT NULL,
	"actor_person_id" text NOT NULL,
	"action" text NOT NULL,
	"appointment_id" text,
	"slot_id" text,
	"appointment_type_id" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"state" text DEFAULT 'confirming' NOT NULL,
	"refusal" text,
	"reason_text" text,
	"expires_at" timestamp with time zone,
	"outbox_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_action_check" CHECK ("bookings"."action" in ('book', 'move', 'cancel', 'offer')),
	CONSTRAINT "bookings_state_check" CHECK ("bookings"."state" in ('confirming', 'confirmed', 'refused', 'offered', 'released')),
	CONSTRAINT "bookings_time_check" CHECK (("bookings"."action" = 'cancel') = ("bookings"."slot_id" is null) and ("bookings"."slot_id" is null or "bookings"."starts_at" < "bookings"."ends_at"))
);
--> statement-breakpoint
CREATE TABLE "earlier_time_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" text NOT NULL,
	"actor_person_id" text NOT NULL,
	"appointment_id" text NOT NULL,
	"appointment_type_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "care_units" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "appointment_types" ADD COLUMN "open_booking" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "appointment_types" ADD COLUMN "preparation" text;--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_slot_held_idx" ON "bookings" USING btree ("slot_id") WHERE "bookings"."state" in ('confirming', 'confirmed', 'offered');--> statement-breakpoint
CREATE INDEX "bookings_offered_idx" ON "bookings" USING btree ("expires_at") WHERE "bookings"."state" = 'offered';--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_one_change_idx" ON "bookings" USING btree ("appointment_id") WHERE "bookings"."action" in ('move', 'cancel') and "bookings"."state" = 'confirming';--> statement-breakpoint
CREATE INDEX "bookings_person_idx" ON "bookings" USING btree ("person_id","created_at");--> statement-breakpoint
CREATE INDEX "bookings_appointment_idx" ON "bookings" USING btree ("appointment_id");--> statement-breakpoint
CREATE INDEX "bookings_outbox_idx" ON "bookings" USING btree ("outbox_id");--> statement-breakpoint
CREATE UNIQUE INDEX "earlier_time_requests_waiting_idx" ON "earlier_time_requests" USING btree ("appointment_id") WHERE "earlier_time_requests"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "earlier_time_requests_line_idx" ON "earlier_time_requests" USING btree ("appointment_type_id","created_at") WHERE "earlier_time_requests"."ended_at" is null;--> statement-breakpoint
-- Written by hand (drizzle-kit cannot describe an exclusion constraint): no two held times of one person overlap,
-- except the old and the new time of one appointment while it is moved (a booking not yet made is its own group).
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap" EXCLUDE USING gist (
	"person_id" WITH =,
	tstzrange("starts_at", "ends_at") WITH &&,
	(coalesce("appointment_id", "id"::text)) WITH <>
) WHERE ("slot_id" is not null and "state" in ('confirming', 'confirmed', 'offered'));
