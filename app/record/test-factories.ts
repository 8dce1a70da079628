import { randomBytes } from "node:crypto";
import type { Queryable } from "../../db/connection";
import type { ProviderKind } from "../../db/schema/vocabulary";
import type { RecordSection } from "../../db/schema/vocabulary";
import { appointments, appointmentTypes, careUnits, messages, practitioners, recordEntries } from "../../db/schema";
import type { EntryView } from "./queries.server";

/** Small typed factories for record tests: rows inserted directly into the read model, nothing else. */

function id(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export async function createCareUnit(
  db: Queryable,
  input: { id?: string; name: string; providerKind?: ProviderKind; hsaId?: string | null; parentId?: string | null; providerId?: string | null; phone?: string | null },
): Promise<string> {
  const unitId = input.id ?? id("org");
  await db.insert(careUnits).values({
    id: unitId,
    versionId: 1,
    raw: { resourceType: "Organization", id: unitId, name: input.name },
    hsaId: input.hsaId ?? null,
    name: input.name,
    providerKind: input.providerKind ?? "unknown",
    parentId: input.parentId ?? null,
    providerId: input.providerId ?? (input.parentId ? null : unitId),
    phone: input.phone ?? null,
  });
  return unitId;
}

export async function createPractitioner(db: Queryable, input: { name: string; profession?: string | null }): Promise<string> {
  const practitionerId = id("prac");
  await db.insert(practitioners).values({
    id: practitionerId,
    versionId: 1,
    raw: { resourceType: "Practitioner", id: practitionerId },
    name: input.name,
    profession: input.profession ?? null,
  });
  return practitionerId;
}

const typeOfSection: Record<RecordSection, string> = {
  notes: "DocumentReference",
  diagnoses: "Condition",
  results: "Observation",
  medications: "MedicationRequest",
  allergies: "AllergyIntolerance",
  vaccinations: "Immunization",
  care_contacts: "Encounter",
  referrals: "ServiceRequest",
};

export interface EntryInput {
  personId: string;
  section: RecordSection;
  occurredAt: Date;
  recordedAt?: Date | null;
  resourceType?: string;
  id?: string;
  careUnitId?: string | null;
  careUnitReference?: string | null;
  practitionerId?: string | null;
  encounterId?: string | null;
  title?: string;
  text?: string | null;
  code?: string | null;
  status?: string | null;
  valueNumber?: number | null;
  unit?: string | null;
  referenceLow?: number | null;
  referenceHigh?: number | null;
  interpretation?: string | null;
  details?: Record<string, unknown>;
  deletedAt?: Date | null;
  /** The raw resource; a minimal valid one of the section's type by default. */
  raw?: Record<string, unknown>;
}

/** A minimal R4 resource of the entry's type that names the subject, as the feed would have stored it. */
export function minimalResource(type: string, resourceId: string, personId: string, input: EntryInput): Record<string, unknown> {
  const subject = { reference: `Patient/${personId}` };
  const when = input.occurredAt.toISOString();
  const concept = { text: input.title ?? "Entry" };
  switch (type) {
    case "DocumentReference":
      return {
        resourceType: type, id: resourceId, status: "current", subject, date: when, type: concept,
        content: [{ attachment: { contentType: "text/plain", data: Buffer.from(input.text ?? "", "utf8").toString("base64") } }],
      };
    case "Condition":
      return { resourceType: type, id: resourceId, subject, code: concept, onsetDateTime: when };
    case "Observation":
      return {
        resourceType: type, id: resourceId, status: "final", code: { coding: [{ system: "http://loinc.org", code: input.code ?? "0-0" }], ...concept }, subject,
        effectiveDateTime: when, ...(input.valueNumber != null ? { valueQuantity: { value: input.valueNumber, unit: input.unit ?? undefined } } : {}),
      };
    case "MedicationRequest":
      return { resourceType: type, id: resourceId, status: input.status ?? "active", intent: "order", medicationCodeableConcept: concept, subject, authoredOn: when };
    case "AllergyIntolerance":
      return { resourceType: type, id: resourceId, patient: subject, code: concept, recordedDate: when };
    case "Immunization":
      return { resourceType: type, id: resourceId, status: "completed", vaccineCode: concept, patient: subject, occurrenceDateTime: when };
    case "Encounter":
      return { resourceType: type, id: resourceId, status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" }, subject, period: { start: when } };
    case "ServiceRequest":
      return { resourceType: type, id: resourceId, status: input.status ?? "active", intent: "order", subject, code: concept, authoredOn: when };
    default:
      return { resourceType: type, id: resourceId };
  }
}

export async function createEntry(db: Queryable, input: EntryInput): Promise<string> {
  const resourceType = input.resourceType ?? typeOfSection[input.section];
  const entryId = input.id ?? id("e");
  await db.insert(recordEntries).values({
    resourceType,
    id: entryId,
    versionId: 1,
    raw: input.raw ?? minimalResource(resourceType, entryId, input.personId, input),
    section: input.section,
    personId: input.personId,
    subjectReference: `Patient/${input.personId}`,
    occurredAt: input.occurredAt,
    recordedAt: input.recordedAt === undefined ? input.occurredAt : input.recordedAt,
    careUnitId: input.careUnitId ?? null,
    careUnitReference: input.careUnitReference ?? (input.careUnitId ? `Organization/${input.careUnitId}` : null),
    practitionerId: input.practitionerId ?? null,
    encounterId: input.encounterId ?? null,
    title: input.title ?? "Entry",
    text: input.text ?? null,
    code: input.code ?? null,
    status: input.status ?? null,
    valueNumber: input.valueNumber ?? null,
    unit: input.unit ?? null,
    referenceLow: input.referenceLow ?? null,
    referenceHigh: input.referenceHigh ?? null,
    interpretation: input.interpretation ?? null,
    details: input.details ?? {},
    deletedAt: input.deletedAt ?? null,
  });
  return `${resourceType}/${entryId}`;
}

export async function createAppointment(
  db: Queryable,
  input: { personId: string; startsAt: Date; status?: string; careUnitId?: string | null; typeName?: string },
): Promise<string> {
  const appointmentId = id("appt");
  let typeId: string | null = null;
  if (input.typeName) {
    typeId = id("hs");
    await db.insert(appointmentTypes).values({
      id: typeId,
      versionId: 1,
      raw: { resourceType: "HealthcareService", id: typeId },
      careUnitId: input.careUnitId ?? null,
      name: input.typeName,
    });
  }
  await db.insert(appointments).values({
    id: appointmentId,
    versionId: 1,
    raw: { resourceType: "Appointment", id: appointmentId },
    personId: input.personId,
    status: input.status ?? "booked",
    startsAt: input.startsAt,
    endsAt: new Date(input.startsAt.getTime() + 30 * 60_000),
    appointmentTypeId: typeId,
  });
  return `Appointment/${appointmentId}`;
}

export async function createMessage(
  db: Queryable,
  input: { personId: string; sentAt: Date; topic: string; direction?: "care" | "patient"; readAt?: Date | null; careUnitId?: string | null },
): Promise<string> {
  const messageId = id("comm");
  await db.insert(messages).values({
    id: messageId,
    versionId: 1,
    raw: { resourceType: "Communication", id: messageId },
    personId: input.personId,
    threadId: messageId,
    topic: input.topic,
    direction: input.direction ?? "care",
    careUnitId: input.careUnitId ?? null,
    body: "Hej",
    sentAt: input.sentAt,
    readAt: input.readAt ?? null,
  });
  return `Communication/${messageId}`;
}

/** A result's value and reference range as a page gets them: HbA1c, above the range. */
export const HBA1C_ABOVE_RANGE = {
  valueNumber: 59,
  valueText: null,
  valueUnit: "mmol/mol",
  referenceLow: 27,
  referenceHigh: 42,
  referenceText: null,
  interpretation: null,
};

/** An entry as the record pages get it from a read (no database): every field set, for the tests of what they show. */
export function entryView(section: RecordSection, over: Partial<EntryView> = {}): EntryView {
  return {
    ref: `Thing/${section}`,
    section,
    occurredAt: "2026-03-05T09:30:00.000Z",
    title: `Title of ${section}`,
    text: `Text of ${section}`,
    code: "59261-8",
    status: "active",
    careUnitName: "Vårdcentralen Hjärtat",
    providerKind: "municipality",
    authorName: "Eva Ek",
    authorProfession: "Sjuksköterska",
    ...HBA1C_ABOVE_RANGE,
    fromUnitName: "Från-enheten",
    toUnitName: "Till-enheten",
    criticality: "high",
    ...over,
  };
}
