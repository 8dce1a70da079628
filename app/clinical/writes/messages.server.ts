import { createHash } from "node:crypto";
import { z } from "zod";
import type { ClinicalClient } from "../client.server";
import { ClinicalError } from "../http.server";
import { MESSAGES_PATHS, messageListSchema, newPatientMessageSchema, type NewPatientMessage, type PatientMessage } from "../millennium";
import type { NewOutboxRow, OutboxKind } from "../outbox/outbox.server";

/**
 * A citizen's message as the outbox delivers it: a POST to the Messages API's sentItems. No idempotency key there
 * either, so the row keeps a hash of what is sent, and `readBack` looks for a sent item of the patient, made since the
 * row was written, with that hash.
 */

export const SEND = "message.send";

/** How far the clinical system's clock may be behind ours when the read-back compares times. */
const CLOCK_SKEW_MS = 5 * 60_000;

const sendSchema = z.object({ message: newPatientMessageSchema, contentHash: z.string().regex(/^[0-9a-f]{64}$/) });

/** What identifies a sent message beside its time: who it is about, who wrote it, to whom, what it answers and says. */
export function messageHash(message: Pick<PatientMessage, "patientId" | "subject" | "content" | "previousMessageId"> & { senderId: string; recipientIds: string[] }): string {
  const fields = [message.patientId, message.senderId, [...message.recipientIds].sort().join(","), message.previousMessageId ?? "", message.subject.trim(), textOf(message.content)];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/** The words of XHTML content: the clinical system may store the markup in a form of its own. */
function textOf(xhtml: string): string {
  return xhtml
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function hashOfNew(message: NewPatientMessage): string {
  return messageHash({ ...message, senderId: message.messageSender.id, recipientIds: message.recipients.map((r) => r.id) });
}

function hashOfSent(item: PatientMessage): string {
  return messageHash({ ...item, senderId: item.sender.id, recipientIds: item.recipients.map((r) => r.id) });
}

/** The outbox row, for the messages feature to enqueue in its own transaction. */
export function messageRow(message: NewPatientMessage): NewOutboxRow {
  const parsed = newPatientMessageSchema.parse(message);
  return { kind: SEND, subjectPersonId: parsed.patientId, payload: { message: parsed, contentHash: hashOfNew(parsed) } };
}

const send: OutboxKind<ClinicalClient> = {
  async write(row, client) {
    const { message } = sendSchema.parse(row.payload);
    const sent = await client.postJson<{ id?: unknown }>(MESSAGES_PATHS.sentItems, message);
    const id = typeof sent.body?.id === "string" ? sent.body.id : sent.location?.split("/").pop();
    if (!id) throw new ClinicalError("protocol", "messages: sent without an id in the answer or its Location");
    return { messageId: decodeURIComponent(id) };
  },
  async readBack(row, client) {
    const { message, contentHash } = sendSchema.parse(row.payload);
    const list = messageListSchema.parse(
      await client.getJson(MESSAGES_PATHS.sentItems, {
        patientId: message.patientId,
        createDateTimeGreaterThanOrEqualTo: wholeSeconds(new Date(row.createdAt.getTime() - CLOCK_SKEW_MS)),
      }),
    );
    const mine = list.items.find((item) => hashOfSent(item) === contentHash);
    return mine ? { messageId: mine.id } : null;
  },
};

/** The Messages API takes UTC without milliseconds. */
function wholeSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const messageKinds: Readonly<Record<string, OutboxKind<ClinicalClient>>> = { [SEND]: send };

// The contract the messages feature (app/messages) enqueues by; the kinds behind it are the write-back's.

/** Deliver the citizen's message `outgoingId` (a row of outgoing_messages, with its attachments). */
export function sendMessageRow(subjectPersonId: string, outgoingId: string): NewOutboxRow {
  return { kind: "message.send", subjectPersonId, payload: { outgoingId } };
}

/** Tell the clinical system that the patient has opened these care team's messages (at most 100 at a time). */
export function openedMessagesRow(subjectPersonId: string, messageIds: readonly string[]): NewOutboxRow {
  return { kind: "message.status", subjectPersonId, payload: { patientId: subjectPersonId, messageIds: [...messageIds], status: "OPENED" } };
}
