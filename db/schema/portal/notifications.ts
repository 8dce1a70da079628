import { sql } from "drizzle-orm";
import { boolean, check, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { outboxColumns, outboxIndexes } from "./clinical-outbox";

export const NOTIFICATION_CHANNELS = ["email", "sms"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * How a person wants to be told that something happened in the portal (app/notifications): their own settings, saved
 * on /settings/contact, also used when they act for a child. The e-mail address and the mobile number (E.164) are kept
 * even while their channel is off; a channel that is on has its address (the check).
 */
export const contactSettings = pgTable(
  "contact_settings",
  {
    /** people.id of the person who saved them. */
    personId: text("person_id").primaryKey(),
    email: text("email"),
    /** E.164: +46701234567. */
    mobile: text("mobile"),
    byEmail: boolean("by_email").notNull().default(false),
    bySms: boolean("by_sms").notNull().default(false),
    /** The event "a new message from the care team". */
    onNewMessage: boolean("on_new_message").notNull().default(true),
    /** The language of the notification: the page's when the settings were saved. */
    language: text("language").$type<"sv" | "en">().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("contact_settings_email_check", sql`not ${t.byEmail} or ${t.email} is not null`),
    check("contact_settings_sms_check", sql`not ${t.bySms} or ${t.mobile} is not null`),
    check("contact_settings_language_check", sql`${t.language} in ('sv', 'en')`),
  ],
);

/**
 * Notifications on their way: one row per notification and channel, delivered by the clinical outbox's relay with the
 * same at-least-once rules (claims, leases, retries with backoff, failed after the last attempt). The payload holds
 * the address and the language, never anything of the message.
 */
export const notificationOutbox = pgTable("notification_outbox", outboxColumns(), (t) => outboxIndexes("notification_outbox", t));

/**
 * Each care team's message the notification pass handled, once per person it concerned: the primary key is what makes
 * it exactly once, whichever process's pass saw the message first. `notified` is false when the person had been told
 * about the same conversation within the hour.
 */
export const notifiedMessages = pgTable(
  "notified_messages",
  {
    messageId: text("message_id").notNull(),
    /** Who was (or would have been) told: the subject, or a guardian. */
    personId: text("person_id").notNull(),
    threadId: text("thread_id").notNull(),
    notified: boolean("notified").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.personId] })],
);

/** When a person was last told about a conversation: at most once an hour, decided by one row lock. */
export const notificationWindows = pgTable(
  "notification_windows",
  {
    personId: text("person_id").notNull(),
    threadId: text("thread_id").notNull(),
    notifiedAt: timestamp("notified_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.threadId] })],
);

/** How far the notification pass has looked (messages.received_at), shared by every portal process. */
export const notificationPass = pgTable("notification_pass", {
  name: text("name").primaryKey(),
  lookedUntil: timestamp("looked_until", { withTimezone: true }).notNull(),
});
