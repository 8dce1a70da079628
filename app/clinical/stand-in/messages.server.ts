import type { Communication, Reference } from "@medplum/fhirtypes";
import {
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
 * patient's status UNREAD / OPENED / DELETED).
 */

export interface StoredMessage extends PatientMessage {
  notificationType: "MESSAGE" | "REMINDER";
}

export type Refusal = { status: 400 | 404 | 422; reason: string };

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();

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
    return undefined;
  }

  send(message: NewPatientMessage, organizationId: string | undefined): StoredMessage {
    return this.add({
      id: this.newId(),
      patientId: message.patientId,
      subject: message.subject,
      content: message.content,
      createDateTime: wholeSeconds(new Date()),
      sender: message.messageSender,
      recipients: message.recipients,
      ...(message.priority ? { priority: message.priority } : {}),
      ...(message.previousMessageId ? { previousMessageId: message.previousMessageId } : {}),
      notificationType: "MESSAGE",
      ...(organizationId ? { organizationId } : {}),
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
      items: matching.slice(0, MESSAGE_LIST_LIMIT).map((m) => (box === "sent" ? withoutStatus(m) : m)),
      moreItemsAvailable: matching.length > MESSAGE_LIST_LIMIT,
    };
  }

  /** As `patientMessages/{id}` gives it: with canReply (an inbox MESSAGE, not deleted). */
  view(id: string): PatientMessage | undefined {
    const m = this.messages.get(id);
    if (!m) return undefined;
    const canReply = isInbox(m) && m.notificationType === "MESSAGE" && m.status !== "DELETED";
    return { ...(isInbox(m) ? m : withoutStatus(m)), canReply };
  }

  setStatus(ids: readonly string[], status: MessageStatus, patientId?: string): Refusal | undefined {
    const found = ids.map((id) => this.messages.get(id));
    if (found.some((m) => !m || (patientId !== undefined && m.patientId !== patientId))) return { status: 422, reason: "a messageId names no message of this patient" };
    if (found.some((m) => m && !isInbox(m))) return { status: 422, reason: "a status is set on inbox items only" };
    for (const m of found) if (m) m.status = status;
    return undefined;
  }
}

export function isInbox(m: PatientMessage): boolean {
  return m.sender.type !== "PERSON";
}

function withoutStatus(m: PatientMessage): PatientMessage {
  const { status: _status, ...rest } = m;
  return rest;
}

export function wholeSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Plain text as the XHTML the Messages API carries: a paragraph per blank-line block, `<br/>` for a line break. */
export function textToXhtml(text: string): string {
  const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p>${p.split("\n").map(escape).join("<br/>")}</p>`);
  return `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.join("")}</div>`;
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
  const fromCare = sender.type !== "PERSON";
  return {
    id: c.id,
    patientId,
    subject: c.topic?.text ?? c.topic?.coding?.[0]?.display ?? "",
    content: textToXhtml((c.payload ?? []).map((p) => p.contentString ?? "").filter(Boolean).join("\n\n")),
    createDateTime: wholeSeconds(new Date(c.sent ?? c.meta?.lastUpdated ?? Date.now())),
    sender,
    recipients,
    ...(fromCare ? { status: c.received ? "OPENED" : "UNREAD" } : {}),
    ...(previous ? { previousMessageId: idOf(previous, "Communication") } : {}),
    notificationType: "MESSAGE",
    ...(organizationId ? { organizationId } : {}),
  };
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
