import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Messages between the citizen and a care team (FHIR Communication), grouped in threads. */
export const messages = pgTable(
  "messages",
  {
    ...fhirColumns(),
    personId: text("person_id"),
    subjectReference: text("subject_reference"),
    /** The thread: the root of the inResponseTo/partOf chain, or the message itself. */
    threadId: text("thread_id").notNull(),
    /** The message this one answers (inResponseTo, else partOf), by id. */
    parentId: text("parent_id"),
    parentReference: text("parent_reference"),
    topic: text("topic"),
    /** "patient" when the citizen (or a guardian) wrote it, "care" when the care team did. */
    direction: text("direction").$type<"patient" | "care">().notNull(),
    careUnitId: text("care_unit_id"),
    careUnitReference: text("care_unit_reference"),
    /** The sender as a reference (Practitioner/…, Organization/…, Patient/…, RelatedPerson/…). */
    senderReference: text("sender_reference"),
    senderName: text("sender_name"),
    body: text("body"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    /** When the citizen read a care team's message: the portal's own (the feed never writes it). */
    readAt: timestamp("read_at", { withTimezone: true }),
    /** When the care team opened a citizen's message (Communication.received; the Messages API's OPENED). */
    openedByUnitAt: timestamp("opened_by_unit_at", { withTimezone: true }),
    /** False when the message cannot be answered: a reminder, or the unit closed the conversation. */
    canReply: boolean("can_reply").notNull().default(true),
    status: text("status"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("messages_person_sent_idx").on(t.personId, t.sentAt.desc()),
    index("messages_thread_idx").on(t.threadId),
    index("messages_parent_idx").on(t.parentId).where(sql`${t.parentId} is not null`),
    index("messages_sender_ref_idx").on(t.senderReference).where(sql`${t.senderReference} like 'urn:%'`),
    index("messages_parent_ref_idx").on(t.parentReference).where(sql`${t.parentId} is null and ${t.parentReference} is not null`),
    index("messages_subject_ref_idx").on(t.subjectReference).where(sql`${t.personId} is null and ${t.subjectReference} is not null`),
    index("messages_unit_ref_idx").on(t.careUnitReference).where(sql`${t.careUnitId} is null and ${t.careUnitReference} is not null`),
  ],
);
