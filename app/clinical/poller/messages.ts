import type { Communication, Reference } from "@medplum/fhirtypes";
import { messageText } from "../message-text";
import type { Participant, PatientMessage } from "../millennium";

/**
 * A message of the Messages API (JSON) as the FHIR Communication the feed maps to the `messages` table, exactly as
 * it maps the Communications pushed to it or loaded as demo data (CONVENTIONS.md, "Booking and messages"):
 *
 * - subject: the patient; sent: createDateTime; topic: the subject line; payload: the content as text (messageText).
 * - sender: PERSON → the Patient (the patient themself, or a guardian who is a patient), or the RelatedPerson when
 *   the id is one of the patient's guardians' RelatedPersons (so direction is "patient" either way); PERSONNEL → a
 *   Practitioner; GROUPINBOX → the care team's unit, the Organization the message names (organizationId), else the
 *   inbox's id taken as one. Recipients the same way.
 * - the unit: the feed takes the first Organization among sender and recipients; when there is none (a clinician
 *   writing to the patient), the message's organizationId is added as a recipient so the unit is still known.
 * - previousMessageId → inResponseTo, so the feed threads it under the message it answers.
 * - version: the Messages API has none. A message's content does not change once sent; what changes is its status
 *   (an inbox item's: the patient's view; a sent item's: the care team's, ../millennium.ts) and whether it may be
 *   answered (`canReply`, false once the unit closed the conversation, and on a REMINDER). The version is made of
 *   them, so that it grows with each change the read model shows (the feed ignores an equal version):
 *       version = 1 + 2 × rank(status) + (canReply === false ? 1 : 0),  rank: none/UNREAD 0, OPENED 1, DELETED 2
 *   UNREAD 1, UNREAD closed 2, OPENED 3, OPENED closed 4, DELETED 5 (entered-in-error: the feed hides it and keeps
 *   the tombstone), 6. A status never goes back in what the portal writes (it sets OPENED only) and a closed
 *   conversation is not opened again. lastUpdated is the creation time. A message polled again unchanged is
 *   "unchanged" in the feed, never written twice.
 * - opened by the unit: a sent item whose status is OPENED becomes a Communication with `received` (the feed's
 *   opened_by_unit_at). The Messages API does not say when it was opened: `received` is the time of the poll that
 *   first saw it OPENED (`ctx.polledAt`; the version changes then, later polls of it are "unchanged"), so the time
 *   is "opened by then", at most a poll interval late. Without a poll time, the creation time.
 * - closed: `canReply` false becomes the extension `can-reply` false (the feed's can_reply); a REMINDER is also
 *   its category (notificationType).
 * - read state: the read model's read_at is the portal's own (the feed never writes it). The Messages API's status
 *   (UNREAD, OPENED) is kept in the raw resource as an extension, for the messages feature to use.
 */

export const MESSAGE_STATUS_URL = "https://fhir-ehr.cerner.com/patientMessages/StructureDefinition/status";
export const NOTIFICATION_TYPE_SYSTEM = "https://fhir-ehr.cerner.com/patientMessages/CodeSystem/notificationType";

export interface MessageContext {
  /** RelatedPerson ids of the patient's guardians, as the read model knows them. */
  relatedPersonIds?: ReadonlySet<string>;
  /** When the poll asked (ISO): a sent item's `received` when it is OPENED. */
  polledAt?: string;
}

export const CAN_REPLY_URL = "https://vgregion.se/fhir/StructureDefinition/can-reply";

function participantRef(p: Participant, message: Omit<PatientMessage, "attachments">, ctx: MessageContext): Reference<never> {
  const display = p.display ? { display: p.display } : {};
  switch (p.type) {
    case "PERSON":
      return { reference: `${p.id !== message.patientId && ctx.relatedPersonIds?.has(p.id) ? "RelatedPerson" : "Patient"}/${p.id}`, ...display };
    case "PERSONNEL":
      return { reference: `Practitioner/${p.id}`, ...display };
    case "GROUPINBOX":
      return { reference: `Organization/${message.organizationId ?? p.id}`, ...display };
  }
}

/** The content as text: the exact inverse of the XHTML the portal sends (../message-text.ts). */
export { messageText };

/**
 * The version of a message's state in the read model (see the header): it grows with every change the portal shows.
 * Status first (none or UNREAD, then OPENED, then DELETED), closed (canReply false) within it.
 */
export function messageVersion(message: Pick<PatientMessage, "status" | "canReply">): number {
  const rank = message.status === "DELETED" ? 2 : message.status === "OPENED" ? 1 : 0;
  return 1 + 2 * rank + (message.canReply === false ? 1 : 0);
}

export function messageToCommunication(message: Omit<PatientMessage, "attachments">, ctx: MessageContext = {}): Communication & { id: string } {
  const deleted = message.status === "DELETED";
  const version = messageVersion(message);
  const openedByUnit = message.sender.type === "PERSON" && message.status === "OPENED";
  const extension = [
    ...(message.status ? [{ url: MESSAGE_STATUS_URL, valueCode: message.status }] : []),
    ...(message.canReply === false ? [{ url: CAN_REPLY_URL, valueBoolean: false }] : []),
  ];
  const sender = participantRef(message.sender, message, ctx);
  const recipient = message.recipients.map((r) => participantRef(r, message, ctx));
  const hasUnit = [sender, ...recipient].some((r) => r.reference?.startsWith("Organization/"));
  if (!hasUnit && message.organizationId) recipient.push({ reference: `Organization/${message.organizationId}` });
  const text = messageText(message.content);
  return {
    resourceType: "Communication",
    id: message.id,
    meta: { versionId: String(version), lastUpdated: message.createDateTime },
    ...(extension.length > 0 ? { extension } : {}),
    status: deleted ? "entered-in-error" : "completed",
    category: [{ coding: [{ system: NOTIFICATION_TYPE_SYSTEM, code: message.notificationType }] }],
    ...(message.priority === "HIGH" ? { priority: "urgent" as const } : {}),
    subject: { reference: `Patient/${message.patientId}` },
    topic: { text: message.subject },
    ...(message.previousMessageId ? { inResponseTo: [{ reference: `Communication/${message.previousMessageId}` }] } : {}),
    sent: message.createDateTime,
    ...(openedByUnit ? { received: ctx.polledAt ?? message.createDateTime } : {}),
    sender,
    recipient,
    ...(text ? { payload: [{ contentString: text }] } : {}),
  };
}
