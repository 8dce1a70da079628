import { sql } from "drizzle-orm";
import { bigint, check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * - `sending`: written, and on its way to the clinical system through the outbox;
 * - `delivered`: the clinical system took it (`clinical_message_id` is its id there);
 * - `failed`: the clinical system refused it, or it could not be delivered (`failure` says why). Nothing is lost:
 *   the text and attachments stay, and the citizen can send it again (a new row, `resent_from` this one).
 */
export const OUTGOING_STATES = ["sending", "delivered", "failed"] as const;
export type OutgoingState = (typeof OUTGOING_STATES)[number];

/** Why a message was not delivered, as the citizen is told. */
export interface OutgoingFailure {
  /** `refused` (the clinical system said no: `reason` is its words) or `undeliverable` (it could not be reached). */
  kind: "refused" | "undeliverable";
  reason: string | null;
}

/**
 * What the citizen (or their guardian) wrote to a care team: the portal keeps it exactly as written until, and after,
 * the clinical system has it. The conversation shows it from here until the clinical system's copy arrives in the
 * read model (`messages.id` = `clinical_message_id`).
 */
export const outgoingMessages = pgTable(
  "outgoing_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Whose conversation it is (the subject on screen). */
    personId: text("person_id").notNull(),
    /** Who wrote: the person, or their guardian. */
    actorPersonId: text("actor_person_id").notNull(),
    careUnitId: text("care_unit_id").notNull(),
    /** The read model's conversation (messages.thread_id) a reply belongs to; null: it begins a conversation. */
    threadId: text("thread_id"),
    /** The message answered (the Messages API's previousMessageId). */
    replyToId: text("reply_to_id"),
    topicCode: text("topic_code").notNull(),
    topic: text("topic").notNull(),
    /** Exactly as written (plain text). */
    body: text("body").notNull(),
    /** The form's one-time token: a double submit finds the first row. */
    formToken: text("form_token").notNull(),
    state: text("state").$type<OutgoingState>().notNull().default("sending"),
    failure: jsonb("failure").$type<OutgoingFailure>(),
    clinicalMessageId: text("clinical_message_id"),
    /** A failed message sent again: the row it repeats. */
    resentFrom: uuid("resent_from"),
    outboxId: bigint("outbox_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("outgoing_messages_state_check", sql`${t.state} in ('sending', 'delivered', 'failed')`),
    uniqueIndex("outgoing_messages_form_token_idx").on(t.personId, t.formToken),
    index("outgoing_messages_person_idx").on(t.personId, t.createdAt),
    index("outgoing_messages_thread_idx").on(t.threadId),
    index("outgoing_messages_clinical_idx").on(t.clinicalMessageId),
    index("outgoing_messages_outbox_idx").on(t.outboxId),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/**
 * A file attached to a message, kept in the database: a citizen's (with the outgoing message that sends it), or the
 * care team's (with the clinical system's message, fetched once by the poller). The type is decided by the content.
 */
export const messageAttachments = pgTable(
  "message_attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The citizen's message that sends it. */
    outgoingMessageId: uuid("outgoing_message_id"),
    /** The care team's message it came with (the read model's `messages.id`), and its id there. */
    messageId: text("message_id"),
    clinicalAttachmentId: text("clinical_attachment_id"),
    /** The subject: every read names it. */
    personId: text("person_id").notNull(),
    /** The name as the sender's file had it (shown, and offered on download; never trusted for the type). */
    fileName: text("file_name").notNull(),
    /** What sniffing the content found: application/pdf, image/jpeg, image/png or image/gif. */
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    content: bytea("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("message_attachments_message_check", sql`(${t.outgoingMessageId} is null) <> (${t.messageId} is null)`),
    index("message_attachments_message_idx").on(t.outgoingMessageId),
    uniqueIndex("message_attachments_received_idx").on(t.messageId, t.clinicalAttachmentId).where(sql`${t.messageId} is not null`),
    index("message_attachments_person_idx").on(t.personId),
  ],
);

/**
 * A message being written when the writer's session ran out: kept for a short while (`expires_at`), bound to the
 * person of the expired session and to an unguessable token held in an HttpOnly cookie of that browser (stored as its
 * SHA-256). After logging in again as the same person, the form shows the text again and the row is removed.
 */
export const messageDrafts = pgTable(
  "message_drafts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    /** Who was writing (the expired session's person): only they get it back. */
    actorPersonId: text("actor_person_id").notNull(),
    /** For whom they were writing (the expired session's subject). */
    subjectPersonId: text("subject_person_id").notNull(),
    /** The page to come back to (`/messages/new` or a conversation's address). */
    path: text("path").notNull(),
    careUnitId: text("care_unit_id"),
    topicCode: text("topic_code"),
    body: text("body").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("message_drafts_token_idx").on(t.tokenHash), index("message_drafts_expires_idx").on(t.expiresAt)],
);
