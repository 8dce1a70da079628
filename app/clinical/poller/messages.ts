import type { Communication, Reference } from "@medplum/fhirtypes";
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
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/**
 * The content as text: XHTML's paragraphs (and other blocks) become blank-line-separated blocks, `<br/>` a line
 * break, entities their characters; text that holds no markup is kept as it is. A message pushed as a FHIR
 * Communication carries the same text, so either way in gives the same body.
 */
export function messageText(content: string): string {
  if (!MARKUP.test(content)) return content;
  return content
    .replace(/<br\b[^>]*>/gi, "\n")
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre)\s*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .split("\n")
    .map((line) => line.replace(/[ \t\r\f\v]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
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
