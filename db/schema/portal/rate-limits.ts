import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * How often each client did something lately (log in, post a form, push to the feed), counted in fixed windows and
 * shared by every portal process. The key is a hash of what is limited and who asks: no address is stored.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    hits: integer("hits").notNull(),
    windowEndsAt: timestamp("window_ends_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rate_limits_window_ends_idx").on(t.windowEndsAt)],
);
