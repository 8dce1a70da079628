CREATE SEQUENCE "public"."record_keyword_rules_versions" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "record_keyword_rules" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"version" integer NOT NULL,
	"pattern" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"restamp_after_type" text,
	"restamp_after_id" text,
	"restamp_done" boolean DEFAULT false NOT NULL,
	CONSTRAINT "record_keyword_rules_one_row" CHECK ("record_keyword_rules"."id")
);
--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "holds_keyword" boolean;--> statement-breakpoint
ALTER TABLE "record_entries" ADD COLUMN "keyword_rules_version" integer;
--> statement-breakpoint
-- Every write of an entry's title or text (the feed's upsert, a Medication's name arriving later, a re-judging under
-- new rules) judges it against the keywords in record_keyword_rules, and says under which version. With no rules
-- written yet, entries carry no verdict and pages search their text.
CREATE OR REPLACE FUNCTION record_entries_judge_keywords() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rules record_keyword_rules%ROWTYPE;
BEGIN
  SELECT * INTO rules FROM record_keyword_rules WHERE id;
  IF NOT FOUND THEN
    NEW.keyword_rules_version := NULL;
    NEW.holds_keyword := NULL;
  ELSE
    NEW.keyword_rules_version := rules.version;
    -- '' (no keywords) would match every text.
    NEW.holds_keyword := rules.pattern <> '' AND (coalesce(NEW.title, '') ~* rules.pattern OR coalesce(NEW.text, '') ~* rules.pattern);
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER record_entries_judge_keywords BEFORE INSERT OR UPDATE OF title, text, keyword_rules_version ON record_entries
  FOR EACH ROW EXECUTE FUNCTION record_entries_judge_keywords();
