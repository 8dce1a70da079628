CREATE TABLE "clinical_poll_lease" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"holder" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clinical_poll_lease_one_row" CHECK ("clinical_poll_lease"."id")
);
--> statement-breakpoint
CREATE TABLE "clinical_poll_streams" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" jsonb,
	"last_error_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "access_log_occurred_idx" ON "access_log" USING btree ("occurred_at");