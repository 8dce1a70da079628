import { createHash } from "node:crypto";
import type { Communication, Reference } from "@medplum/fhirtypes";
import { textToXhtml } from "../message-text";
import {
  type ATTACHMENT_CONTENT_TYPES,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENTS_MAX_COUNT,
  type Attachment,
  type NewAttachment,
  MESSAGE_LIST_DEFAULT_DAYS,
  MESSAGE_LIST_LIMIT,
  type MessageList,
  type MessageStatus,
  type NewPatientMessage,
  type Participant,
  type PatientMessage,
} from "../millennium";

/**
 * Oracle Health's Messages API as the stand-in keeps it: one list of messages, each either from the patient's side
 * (a sent item: sender PERSON) or from the care team's (an inbox item: sender PERSONNEL or GROUPINBOX, with the
 * patient's status UNREAD / OPENED / DELETED). A sent item's status is the care team's view: UNREAD until the unit
 * opens it (`careTeam.open`). A conversation the unit closed (`careTeam.close`) takes no more replies: every message
 * of it has canReply false.
 */

export interface StoredAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface StoredMessage extends Omit<PatientMessage, "attachments" | "canReply"> {
  notificationType: "MESSAGE" | "REMINDER";
  attachments?: StoredAttachment[];
}

/** What the bytes are, by their first bytes: PDF, GIF, JPEG or PNG; undefined for anything else. */
export function sniffContentType(bytes: Buffer): (typeof ATTACHMENT_CONTENT_TYPES)[number] | undefined {
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return "application/pdf";
  const six = bytes.subarray(0, 6).toString("latin1");
  if (six === "GIF87a" || six === "GIF89a") return "image/gif";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  return undefined;
}

/** The attachments of a new message as the stand-in keeps them, or why they are refused (422, as 1177's rules). */
export function takeAttachments(given: readonly NewAttachment[] | undefined, newId: () => string): StoredAttachment[] | Refusal {
  const list = given ?? [];
  if (list.length > ATTACHMENTS_MAX_COUNT) return { status: 422, reason: `at most ${ATTACHMENTS_MAX_COUNT} attachments` };
  const taken: StoredAttachment[] = [];
  for (const [i, a] of list.entries()) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.content) || a.content.length % 4 !== 0) return { status: 400, reason: `attachments.${i}.content: not base64` };
    const content = Buffer.from(a.content, "base64");
    if (content.length > ATTACHMENT_MAX_BYTES) return { status: 422, reason: `attachments.${i}: ${content.length} bytes, at most ${ATTACHMENT_MAX_BYTES}` };
    const sniffed = sniffContentType(content);
    if (!sniffed) return { status: 422, reason: `attachments.${i}: the content is not PDF, GIF, JPEG or PNG` };
    if (sniffed !== a.contentType.toLowerCase()) return { status: 422, reason: `attachments.${i}: the content is ${sniffed}, not ${a.contentType}` };
    taken.push({ id: newId(), fileName: a.fileName, contentType: sniffed, size: content.length, sha256: createHash("sha256").update(content).digest("hex"), content });
  }
  return taken;
}

export type Refusal = { status: 400 | 404 | 422; reason: string };

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && "reason" in value && "status" in value;
}

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();
  /** The conversations (by their first message's id) that the unit closed. */
  private readonly closed = new Set<string>();
  private attachmentSequence = 0;

  newAttachmentId(): string {
    return String(800_000_000 + ++this.attachmentSequence);
  }

  /** The conversation's first message: followed back along previousMessageId. */
  rootOf(id: string): string {
    let current = id;
    const seen = new Set<string>();
    for (;;) {
      const previous = this.messages.get(current)?.previousMessageId;
      if (!previous || seen.has(previous) || !this.messages.has(previous)) return current;
      seen.add(current);
      current = previous;
    }
  }

  /** The unit closes the conversation of `id`: no more replies to any of its messages. */
  close(id: string): void {
    this.closed.add(this.rootOf(id));
  }

  isClosed(id: string): boolean {
    return this.closed.has(this.rootOf(id));
  }

  /** Whether the patient may answer the message: a MESSAGE, not deleted, of a conversation still open. */
  canReply(m: StoredMessage): boolean {
    return m.notificationType === "MESSAGE" && m.status !== "DELETED" && !this.isClosed(m.id);
  }

  /** A message as the API gives it: attachments with their content (`patientMessages/{id}`) or without (lists). */
  present(m: StoredMessage, withContent: boolean): PatientMessage {
    const { attachments, ...rest } = m;
    const shown: Attachment[] | undefined = attachments?.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.size,
      ...(withContent ? { content: a.content.toString("base64") } : {}),
    }));
    return { ...rest, canReply: this.canReply(m), ...(shown && shown.length > 0 ? { attachments: shown } : {}) };
  }

  add(message: StoredMessage): StoredMessage {
    this.messages.set(message.id, message);
    return message;
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  all(): StoredMessage[] {
    return [...this.messages.values()];
  }

  private sequence = 0;

  /** Counted up, so that within one second the later message sorts first (lists are newest first, then by id). */
  newId(): string {
    for (;;) {
      const id = String(700_000_000 + ++this.sequence);
      if (!this.messages.has(id)) return id;
    }
  }

  /** A reply must answer a message of the same patient that is not a REMINDER. */
  checkReply(message: NewPatientMessage): Refusal | undefined {
    if (!message.previousMessageId) return undefined;
    const previous = this.messages.get(message.previousMessageId);
    if (!previous || previous.patientId !== message.patientId) return { status: 422, reason: "previousMessageId names no message of this patient" };
    if (previous.notificationType === "REMINDER") return { status: 422, reason: "a REMINDER cannot be answered" };
    if (this.isClosed(previous.id)) return { status: 422, reason: "the care unit has closed this conversation" };
    return undefined;
  }

  send(message: NewPatientMessage, organizationId: string | undefined, attachments: StoredAttachment[] = []): StoredMessage {
    return this.add({
      id: this.newId(),
      patientId: message.patientId,
      subject: message.subject,
      content: message.content,
      createDateTime: wholeSeconds(new Date()),
      sender: message.messageSender,
      recipients: message.recipients,
      // The care team's view: not yet opened by the unit.
      status: "UNREAD",
      ...(message.priority ? { priority: message.priority } : {}),
      ...(message.previousMessageId ? { previousMessageId: message.previousMessageId } : {}),
      notificationType: "MESSAGE",
      ...(organizationId ? { organizationId } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    });
  }

  /**
   * inboxItems (from the care team, not DELETED) or sentItems (from the patient's side) of a patient, newest first,
   * within [from, to] (default: the last 90 days; an upper bound in the future is now).
   */
  list(box: "inbox" | "sent", query: { patientId: string; from?: Date; to?: Date }, now = new Date()): MessageList {
    const to = query.to && query.to < now ? query.to : now;
    const from = query.from ?? new Date(to.getTime() - MESSAGE_LIST_DEFAULT_DAYS * 86_400_000);
    const matching = this.all()
      .filter((m) => m.patientId === query.patientId && isInbox(m) === (box === "inbox") && m.status !== "DELETED")
      .filter((m) => {
        const at = Date.parse(m.createDateTime);
        return at >= from.getTime() && at <= to.getTime();
      })
      .sort((a, b) => b.createDateTime.localeCompare(a.createDateTime) || b.id.length - a.id.length || b.id.localeCompare(a.id));
    return {
      items: matching.slice(0, MESSAGE_LIST_LIMIT).map((m) => this.present(m, false)),
      moreItemsAvailable: matching.length > MESSAGE_LIST_LIMIT,
    };
  }

  /** As `patientMessages/{id}` gives it: with canReply and the attachments' content. */
  view(id: string): PatientMessage | undefined {
    const m = this.messages.get(id);
    return m ? this.present(m, true) : undefined;
  }

  /** The unit opens a citizen's message (its sent item becomes OPENED: the care team's view). */
  openByUnit(id: string): StoredMessage {
    const m = this.messages.get(id);
    if (!m) throw new Error(`no message ${id}`);
    if (isInbox(m)) throw new Error(`message ${id} is the care team's own: the unit opens the citizen's messages`);
    if (m.status !== "DELETED") m.status = "OPENED";
    return m;
  }

  setStatus(ids: readonly string[], status: MessageStatus, patientId?: string): Refusal | undefined {
    const found = ids.map((id) => this.messages.get(id));
    if (found.some((m) => !m || (patientId !== undefined && m.patientId !== patientId))) return { status: 422, reason: "a messageId names no message of this patient" };
    if (found.some((m) => m && !isInbox(m))) return { status: 422, reason: "a status is set on inbox items only" };
    for (const m of found) if (m) m.status = status;
    return undefined;
  }
}

export function isInbox(m: Pick<PatientMessage, "sender">): boolean {
  return m.sender.type !== "PERSON";
}

export function wholeSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * A demo Communication as the Messages API's message of the same id: the patient's or a guardian's as a sent item
 * (PERSON), the care unit's as an inbox item (GROUPINBOX; PERSONNEL when a Practitioner signs), OPENED when the
 * Communication says it was received (read), else UNREAD.
 */
export function messageOfCommunication(c: Communication & { id: string }): StoredMessage | undefined {
  const patientId = idOf(c.subject, "Patient");
  if (!patientId || !c.sender) return undefined;
  const sender = participantOf(c.sender);
  if (!sender) return undefined;
  const recipients = (c.recipient ?? []).map(participantOf).filter((p): p is Participant => p !== undefined);
  const organizationId = [c.sender, ...(c.recipient ?? [])].map((r) => idOf(r, "Organization")).find(Boolean);
  const previous = c.inResponseTo?.[0] ?? c.partOf?.[0];
  return {
    id: c.id,
    patientId,
    subject: c.topic?.text ?? c.topic?.coding?.[0]?.display ?? "",
    content: textToXhtml((c.payload ?? []).map((p) => p.contentString ?? "").filter(Boolean).join("\n\n")),
    createDateTime: wholeSeconds(new Date(c.sent ?? c.meta?.lastUpdated ?? Date.now())),
    sender,
    recipients,
    // The care team's message: read by the patient when received; the patient's: opened by the unit when received.
    status: c.received ? "OPENED" : "UNREAD",
    ...(previous ? { previousMessageId: idOf(previous, "Communication") } : {}),
    notificationType: isReminder(c) ? "REMINDER" : "MESSAGE",
    ...(organizationId ? { organizationId } : {}),
  };
}

function isReminder(c: Communication): boolean {
  return (c.category ?? []).some((cc) => (cc.coding ?? []).some((x) => x.code === "REMINDER"));
}

function participantOf(ref: Reference): Participant | undefined {
  const [type, id] = (ref.reference ?? "").split("/");
  if (!id) return undefined;
  const display = ref.display ? { display: ref.display } : {};
  if (type === "Patient" || type === "RelatedPerson") return { id, type: "PERSON", ...display };
  if (type === "Practitioner") return { id, type: "PERSONNEL", ...display };
  if (type === "Organization" || type === "CareTeam") return { id, type: "GROUPINBOX", ...display };
  return undefined;
}

function idOf(ref: Reference | undefined, type: string): string | undefined {
  const [t, id] = (ref?.reference ?? "").split("/");
  return t === type && id ? id : undefined;
}
