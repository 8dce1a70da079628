import type { Communication, Reference } from "@medplum/fhirtypes";
import { narrativeText } from "~/feed/text";
import type { Participant, PatientMessage } from "../millennium";

/**
 * A message of the Messages API (JSON) as the FHIR Communication the feed maps to the `messages` table, exactly as
 * it maps the Communications pushed to it or loaded as demo data (CONVENTIONS.md, "Booking and messages"):
 *
 * - subject: the patient; sent: createDateTime; topic: the subject line; payload: the content as text (XHTML is
 *   turned into text as a narrative is; plain text is kept as it is).
 * - sender: PERSON → the Patient (the patient themself, or a guardian who is a patient), or the RelatedPerson when
 *   the id is one of the patient's guardians' RelatedPersons (so direction is "patient" either way); PERSONNEL → a
 *   Practitioner; GROUPINBOX → the care team's unit, the Organization the message names (organizationId), else the
 *   inbox's id taken as one. Recipients the same way.
 * - the unit: the feed takes the first Organization among sender and recipients; when there is none (a clinician
 *   writing to the patient), the message's organizationId is added as a recipient so the unit is still known.
 * - previousMessageId → inResponseTo, so the feed threads it under the message it answers.
 * - version: the Messages API has none. A message's content does not change once sent; what changes is its status,
 *   and of that only DELETED concerns the read model: version 1 while it stands, version 2 and entered-in-error once
 *   deleted (the feed hides it and keeps the tombstone). lastUpdated is the creation time. So a message already in
 *   the read model (pushed, or the same demo data) is "unchanged" when polled again, never written twice.
 * - read state: the read model's read_at is the portal's own (the feed never writes it). The Messages API's status
 *   (UNREAD, OPENED) is kept in the raw resource as an extension, for the messages feature to use.
 */

export const MESSAGE_STATUS_URL = "https://fhir-ehr.cerner.com/patientMessages/StructureDefinition/status";
export const NOTIFICATION_TYPE_SYSTEM = "https://fhir-ehr.cerner.com/patientMessages/CodeSystem/notificationType";

export interface MessageContext {
  /** RelatedPerson ids of the patient's guardians, as the read model knows them. */
  relatedPersonIds?: ReadonlySet<string>;
}

function participantRef(p: Participant, message: PatientMessage, ctx: MessageContext): Reference<never> {
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

const MARKUP = /<[A-Za-z!/][^>]*>/;

export function messageText(content: string): string {
  return MARKUP.test(content) ? (narrativeText(content) ?? "") : content;
}

export function messageToCommunication(message: PatientMessage, ctx: MessageContext = {}): Communication & { id: string } {
  const deleted = message.status === "DELETED";
  const sender = participantRef(message.sender, message, ctx);
  const recipient = message.recipients.map((r) => participantRef(r, message, ctx));
  const hasUnit = [sender, ...recipient].some((r) => r.reference?.startsWith("Organization/"));
  if (!hasUnit && message.organizationId) recipient.push({ reference: `Organization/${message.organizationId}` });
  const text = messageText(message.content);
  return {
    resourceType: "Communication",
    id: message.id,
    meta: { versionId: deleted ? "2" : "1", lastUpdated: message.createDateTime },
    ...(message.status ? { extension: [{ url: MESSAGE_STATUS_URL, valueCode: message.status }] } : {}),
    status: deleted ? "entered-in-error" : "completed",
    category: [{ coding: [{ system: NOTIFICATION_TYPE_SYSTEM, code: message.notificationType }] }],
    ...(message.priority === "HIGH" ? { priority: "urgent" as const } : {}),
    subject: { reference: `Patient/${message.patientId}` },
    topic: { text: message.subject },
    ...(message.previousMessageId ? { inResponseTo: [{ reference: `Communication/${message.previousMessageId}` }] } : {}),
    sent: message.createDateTime,
    sender,
    recipient,
    ...(text ? { payload: [{ contentString: text }] } : {}),
  };
}
