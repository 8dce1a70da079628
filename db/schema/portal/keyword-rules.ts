import { sql } from "drizzle-orm";
import { boolean, check, integer, pgSequence, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Versions of the keywords, never given twice (not even if the rules row were removed and written again). */
export const recordKeywordRulesVersions = pgSequence("record_keyword_rules_versions");

/**
 * The excluded keywords the entries' `holds_keyword` was judged against: one row, written by a portal process at
 * start-up when its configuration (RECORD_EXCLUDED_KEYWORDS) differs from it, which raises the version. Entries judged
 * under an earlier version are judged again in the background (`restamp_…`: how far that has come).
 */
export const recordKeywordRules = pgTable(
  "record_keyword_rules",
  {
    /** Always true: the table holds one row. */
    id: boolean("id").primaryKey().default(true),
    /** From record_keyword_rules_versions. */
    version: integer("version").notNull(),
    /** The case-insensitive regular expression of all keywords (app/disclosure/exclusions.server keywordPattern); '' for none. */
    pattern: text("pattern").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    /** The key of the last entry judged again under this version (entries are gone through in key order). */
    restampAfterType: text("restamp_after_type"),
    restampAfterId: text("restamp_after_id"),
    restampDone: boolean("restamp_done").notNull().default(false),
  },
  (t) => [check("record_keyword_rules_one_row", sql`${t.id}`)],
);
