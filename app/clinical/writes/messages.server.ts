import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/connection";
import { messageAttachments, outgoingMessages } from "../../../db/schema";
import type { ClinicalClient } from "../client.server";
import { ClinicalError } from "../http.server";
import { messageText, textToXhtml } from "../message-text";
import {
  MESSAGE_STATUS_BATCH,
  MESSAGES_PATHS,
  messageListSchema,
  patientMessageSchema,
  validatedRecipientsSchema,
  type NewPatientMessage,
  type PatientMessage,
} from "../millennium";
import type { NewOutboxRow, OutboxKind, OutboxRow } from "../outbox/outbox.server";

/**
 * The messages' writes as the outbox delivers them to the Messages API.
 *
 * `message.send` { outgoingId }: the citizen's message is a row of outgoing_messages with its message_attachments
 * (db/schema/portal/messages.ts), loaded from the relay's database. First `POST actions/validateRecipients` with the
 * care unit's group inbox (GROUPINBOX, id the unit's); a recipient answered invalid is a refusal (a 422 of ours,
 * with the clinical system's reason). Then `POST patientMessages/sentItems`: the body as XHTML (../message-text.ts,
 * exact both ways), subject the topic, messageSender the writer (PERSON: the patient, or the guardian, whom the care
 * team then sees as the sender), patientId the patient, the unit's group inbox as recipient, previousMessageId the
 * message answered, the attachments (../millennium.ts: our shape, base64). No idempotency key there: `readBack`
 * looks for a sent item of the patient, made since the row was written, whose hash matches: patient, sender,
 * recipients, what it answers, subject, the words of the text and the attachments' sha256s (fetched with
 * `patientMessages/{id}` for a candidate that has attachments). Two messages alike in all of that, written minutes
 * apart, whose second answer is lost, would be taken for one: a risk taken knowingly.
 *
 * `message.status` { patientId, messageIds, status: "OPENED" }: `POST actions/updatePatientMessageStatus`, in
 * batches of MESSAGE_STATUS_BATCH (100). Setting a status twice is the same status: idempotent, so `readBack` finds
 * nothing and the relay writes again.
 *
 * The messages area records the answers on outgoing_messages (app/messages/write-back.server.ts, `settled`).
 */

export const SEND = "message.send";
export const STATUS = "message.status";

/** How far the clinical system's clock may be behind ours when the read-back compares times. */
const CLOCK_SKEW_MS = 5 * 60_000;

const sendSchema = z.object({ outgoingId: z.string().uuid() });
const statusSchema = z.object({ patientId: z.string().min(1), messageIds: z.array(z.string().min(1)).min(1), status: z.literal("OPENED") });

interface HashFields {
  patientId: string;
  senderId: string;
  recipientIds: string[];
  previousMessageId?: string;
  subject: string;
  content: string;
  attachmentSha256s: string[];
}

/** What identifies a sent message beside its time: who it is about, who wrote it, to whom, what it answers and says. */
export function messageHash(message: HashFields): string {
  const fields = [
    message.patientId,
    message.senderId,
    [...message.recipientIds].sort().join(","),
    message.previousMessageId ?? "",
    message.subject.trim(),
    wordsOf(message.content),
    [...message.attachmentSha256s].sort().join(","),
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/** The words of the content: the clinical system may keep the markup, and so the spacing, in a form of its own. */
function wordsOf(xhtml: string): string {
  return messageText(xhtml).replace(/\s+/g, " ").trim();
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The outgoing row and its attachments as the Messages API's new message, with its hash. */
export async function outgoingMessage(db: Database, outgoingId: string): Promise<{ message: NewPatientMessage; hash: string }> {
  const [row] = await db.select().from(outgoingMessages).where(eq(outgoingMessages.id, outgoingId));
  if (!row) throw new Error(`message.send: no outgoing message ${outgoingId}`);
  const files = await db
    .select()
    .from(messageAttachments)
    .where(eq(messageAttachments.outgoingMessageId, outgoingId))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.id));
  const message: NewPatientMessage = {
    content: textToXhtml(row.body),
    subject: row.topic,
    messageSender: { id: row.actorPersonId, type: "PERSON" },
    patientId: row.personId,
    recipients: [{ id: row.careUnitId, type: "GROUPINBOX" }],
    ...(row.replyToId ? { previousMessageId: row.replyToId } : {}),
    ...(files.length > 0 ? { attachments: files.map((f) => ({ fileName: f.fileName, contentType: f.contentType, content: Buffer.from(f.content).toString("base64") })) } : {}),
  };
  const hash = messageHash({
    patientId: message.patientId,
    senderId: message.messageSender.id,
    recipientIds: message.recipients.map((r) => r.id),
    previousMessageId: message.previousMessageId,
    subject: message.subject,
    content: message.content,
    attachmentSha256s: files.map((f) => sha256(Buffer.from(f.content))),
  });
  return { message, hash };
}

function hashOfSent(item: PatientMessage): string {
  return messageHash({
    patientId: item.patientId,
    senderId: item.sender.id,
    recipientIds: item.recipients.map((r) => r.id),
    previousMessageId: item.previousMessageId,
    subject: item.subject,
    content: item.content,
    attachmentSha256s: (item.attachments ?? []).map((a) => sha256(Buffer.from(a.content ?? "", "base64"))),
  });
}

/** A refusal of our own making, as the relay treats the clinical system's: failed at once, the reason kept. */
function refused(reason: string): ClinicalError {
  return new ClinicalError("status", "messages: the recipient cannot receive messages", {
    status: 422,
    outcome: { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "business-rule", diagnostics: reason }] },
  });
}

const send: OutboxKind<ClinicalClient> = {
  async write(row, client, db) {
    const { outgoingId } = sendSchema.parse(row.payload);
    const { message } = await outgoingMessage(db, outgoingId);
    const validated = validatedRecipientsSchema.parse(
      (await client.postJson(MESSAGES_PATHS.validateRecipients, { patientId: message.patientId, recipients: message.recipients })).body,
    );
    const invalid = validated.recipients.find((r) => !r.valid);
    if (invalid || validated.recipients.length === 0) throw refused(invalid?.reason ?? "the recipient was not confirmed");
    const sent = await client.postJson<{ id?: unknown }>(MESSAGES_PATHS.sentItems, message);
    const id = typeof sent.body?.id === "string" ? sent.body.id : sent.location?.split("/").pop();
    if (!id) throw new ClinicalError("protocol", "messages: sent without an id in the answer or its Location");
    return { messageId: decodeURIComponent(id) };
  },
  async readBack(row, client, db) {
    const { outgoingId } = sendSchema.parse(row.payload);
    const { message, hash } = await outgoingMessage(db, outgoingId);
    const found = await findSent(client, row, message, hash);
    return found ? { messageId: found } : null;
  },
};

/** The id of the patient's sent item, made since the row was written, that is this message; or undefined. */
async function findSent(client: ClinicalClient, row: OutboxRow, message: NewPatientMessage, hash: string): Promise<string | undefined> {
  const list = messageListSchema.parse(
    await client.getJson(MESSAGES_PATHS.sentItems, {
      patientId: message.patientId,
      createDateTimeGreaterThanOrEqualTo: wholeSeconds(new Date(row.createdAt.getTime() - CLOCK_SKEW_MS)),
    }),
  );
  const count = message.attachments?.length ?? 0;
  for (const item of list.items) {
    if ((item.attachments?.length ?? 0) !== count || item.sender.id !== message.messageSender.id) continue;
    // A list gives the attachments without their bytes: the candidate itself gives them.
    const full = count === 0 ? item : patientMessageSchema.parse(await client.getJson(MESSAGES_PATHS.message(item.id)));
    if (hashOfSent(full) === hash) return item.id;
  }
  return undefined;
}

const status: OutboxKind<ClinicalClient> = {
  async write(row, client) {
    const { patientId, messageIds, status: value } = statusSchema.parse(row.payload);
    const unique = [...new Set(messageIds)];
    for (let i = 0; i < unique.length; i += MESSAGE_STATUS_BATCH) {
      await client.postJson(MESSAGES_PATHS.updateStatus, { patientId, messageIds: unique.slice(i, i + MESSAGE_STATUS_BATCH), status: value });
    }
    return { messageIds: unique, status: value };
  },
  // Setting the status again does no harm: nothing to look for first.
  async readBack() {
    return null;
  },
};

/** The Messages API takes UTC without milliseconds. */
function wholeSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The kinds as the clinical system takes them; app/messages/write-back.server.ts adds what they settle. */
export const messageWriteKinds: Readonly<Record<string, OutboxKind<ClinicalClient>>> = { [SEND]: send, [STATUS]: status };

// The contract the messages feature (app/messages) enqueues by.

/** Deliver the citizen's message `outgoingId` (a row of outgoing_messages, with its attachments). */
export function sendMessageRow(subjectPersonId: string, outgoingId: string): NewOutboxRow {
  return { kind: "message.send", subjectPersonId, payload: { outgoingId } };
}

/** Tell the clinical system that the patient has opened these care team's messages (at most 100 at a time). */
export function openedMessagesRow(subjectPersonId: string, messageIds: readonly string[]): NewOutboxRow {
  return { kind: "message.status", subjectPersonId, payload: { patientId: subjectPersonId, messageIds: [...messageIds], status: "OPENED" } };
}
