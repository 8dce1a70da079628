import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

/** Messages between the citizen and a care team (FHIR Communication), grouped in threads. */
export const messages = pgTable(
  "messages",
  {
    ...fhirColumns(),
    personId: text("person_id"),
    subjectReference: text("subject_reference"),
    /** The thread: Communication.inResponseTo chain root, partOf, or the topic. */
    threadId: text("thread_id").notNull(),
    topic: text("topic"),
    /** "patient" when the citizen (or a guardian) wrote it, "care" when the care team did. */
    direction: text("direction").$type<"patient" | "care">().notNull(),
    careUnitId: text("care_unit_id"),
    senderName: text("sender_name"),
    body: text("body"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    readAt: timestamp("read_at", { withTimezone: true }),
    status: text("status"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("messages_person_sent_idx").on(t.personId, t.sentAt.desc()),
    index("messages_thread_idx").on(t.threadId),
  ],
);
