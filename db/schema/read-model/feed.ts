import { bigint, bigserial, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Resources the feed could not accept, kept whole with the reason so nothing is lost. */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    source: text("source").notNull(),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    reason: text("reason").notNull(),
    path: text("path"),
    raw: jsonb("raw"),
    rawText: text("raw_text"),
  },
  (t) => [index("dead_letters_received_idx").on(t.receivedAt)],
);

/** Fullurls (urn:uuid:, absolute) seen in batches, so a later batch's reference to them resolves. */
export const referenceAliases = pgTable(
  "reference_aliases",
  {
    alias: text("alias").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.alias] })],
);

/**
 * Deletions the feed has seen (Bundle entries with request.method DELETE), so that a version arriving after its
 * deletion (out of order) is stored hidden. `covers_all` when the DELETE carried no version: every version is hidden.
 */
export const feedTombstones = pgTable(
  "feed_tombstones",
  {
    resourceType: text("resource_type").notNull(),
    id: text("id").notNull(),
    versionId: bigint("version_id", { mode: "number" }),
    lastUpdated: timestamp("last_updated", { withTimezone: true }),
    coversAll: boolean("covers_all").notNull().default(false),
    deletedAt: timestamp("deleted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.resourceType, t.id] })],
);
