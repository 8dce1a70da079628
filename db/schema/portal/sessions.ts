import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Server-side sessions, shared by every portal process. The cookie holds only the random id. */
export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the random 256-bit id in the cookie, so a database leak does not leak live sessions. */
    idHash: text("id_hash").primaryKey(),
    personId: text("person_id").notNull(),
    /** Whose data is on screen: the person themself or a child they act for (checked again at every request). */
    actingForPersonId: text("acting_for_person_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Entries newer than this are hidden for this session (the "hide new entries" choice at login), or null. */
    hideEntriesAfter: timestamp("hide_entries_after", { withTimezone: true }),
    userAgent: text("user_agent"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("sessions_person_idx").on(t.personId), index("sessions_expires_idx").on(t.expiresAt)],
);

/** Short-lived state of an OpenID Connect login in progress (state, nonce, PKCE verifier), keyed by state hash. */
export const loginFlows = pgTable("login_flows", {
  stateHash: text("state_hash").primaryKey(),
  codeVerifier: text("code_verifier").notNull(),
  nonce: text("nonce").notNull(),
  returnTo: text("return_to"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
