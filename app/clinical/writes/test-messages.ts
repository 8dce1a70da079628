import { createHash } from "node:crypto";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Queryable } from "../../../db/connection";
import { messageAttachments, outgoingMessages } from "../../../db/schema";
import { enqueue } from "../outbox/outbox.server";
import { sendMessageRow } from "./messages.server";

/**
 * For tests and benchmarks: a citizen's message as the messages feature writes it (an outgoing_messages row, its
 * attachments, the outbox row and outbox_id), in the caller's transaction or connection.
 */
export interface TestOutgoing {
  personId: string;
  /** Who wrote: the person by default, or their guardian. */
  actorPersonId?: string;
  careUnitId: string;
  topic: string;
  body: string;
  replyToId?: string;
  threadId?: string;
  attachments?: { fileName: string; contentType: string; content: Buffer }[];
}

export async function enqueueOutgoing(db: Queryable, m: TestOutgoing): Promise<{ outgoingId: string; outboxId: number }> {
  const [row] = await db
    .insert(outgoingMessages)
    .values({
      personId: m.personId,
      actorPersonId: m.actorPersonId ?? m.personId,
      careUnitId: m.careUnitId,
      threadId: m.threadId ?? null,
      replyToId: m.replyToId ?? null,
      topicCode: "question",
      topic: m.topic,
      body: m.body,
      formToken: randomUUID(),
    })
    .returning({ id: outgoingMessages.id });
  const outgoingId = row!.id;
  for (const a of m.attachments ?? []) {
    await db.insert(messageAttachments).values({
      outgoingMessageId: outgoingId,
      personId: m.personId,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.content.length,
      sha256: createHash("sha256").update(a.content).digest("hex"),
      content: a.content,
    });
  }
  const outboxId = await enqueue(db, sendMessageRow(m.personId, outgoingId));
  await db.update(outgoingMessages).set({ outboxId }).where(eq(outgoingMessages.id, outgoingId));
  return { outgoingId, outboxId };
}
