import { z } from "zod";
import { isValidDate } from "./identifiers";
import { FHIR_ID, REFERENCE_PATTERN } from "./references";

/**
 * zod schemas for the part of each resource type the portal reads. Objects are loose: every other element passes and
 * stays in the raw JSON. A resource that fails is rejected with the FHIRPath of the first problem.
 */

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d{1,9})?(Z|[+-](?:0\d|1[0-4]):[0-5]\d))?)?)?$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d{1,9})?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

function calendarOk(m: RegExpExecArray): boolean {
  const year = m[1]!;
  if (year === "0000") return false;
  if (m[2] === undefined) return true;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  return isValidDate(`${year}-${m[2]}-${m[3]}`);
}

const fhirDate = z.string().refine((v) => {
  const m = DATE_RE.exec(v);
  return m !== null && calendarOk(m);
}, "Invalid FHIR date: expected YYYY, YYYY-MM or YYYY-MM-DD");

const fhirDateTime = z.string().refine((v) => {
  const m = DATETIME_RE.exec(v);
  return m !== null && calendarOk(m);
}, "Invalid FHIR dateTime: expected YYYY[-MM[-DD[Thh:mm:ss[.fff]+zz:zz]]]");

const fhirInstant = z.string().refine((v) => {
  const m = INSTANT_RE.exec(v);
  return m !== null && calendarOk(m);
}, "Invalid FHIR instant: expected YYYY-MM-DDThh:mm:ss[.fff] with a time zone");

const str = z.string();
const bool = z.boolean();
const num = z.number().finite();
const int = z.number().int();
const opt = <T extends z.ZodType>(s: T) => s.optional();
const list = <T extends z.ZodType>(s: T) => z.array(s).optional();

const coding = z.looseObject({ system: opt(str), code: opt(str), display: opt(str) });
const codeableConcept = z.looseObject({ coding: list(coding), text: opt(str) });
const identifier = z.looseObject({ system: opt(str), value: opt(str) });
const reference = z.looseObject({
  reference: opt(z.string().regex(REFERENCE_PATTERN, "Invalid reference: expected Type/id, an absolute URL, urn:uuid:…, #id or Type?identifier=…")),
  type: opt(str),
  identifier: opt(identifier),
  display: opt(str),
});
const quantity = z.looseObject({ value: opt(num), unit: opt(str), system: opt(str), code: opt(str), comparator: opt(str) });
const period = z.looseObject({ start: opt(fhirDateTime), end: opt(fhirDateTime) });
const range = z.looseObject({ low: opt(quantity), high: opt(quantity) });
const annotation = z.looseObject({ text: opt(str) });
const attachment = z.looseObject({ contentType: opt(str), data: opt(str), url: opt(str), title: opt(str) });
const humanName = z.looseObject({ text: opt(str), family: opt(str), given: list(str), use: opt(str) });
const extension = z.looseObject({ url: str, valueBoolean: opt(bool), valueInteger: opt(int), valueReference: opt(reference) });
const narrative = z.looseObject({ div: opt(str) });

const meta = z.looseObject({
  versionId: opt(str),
  lastUpdated: opt(fhirInstant),
  security: list(coding),
});

function resource<T extends z.core.$ZodLooseShape>(type: string, shape: T) {
  return z.looseObject({
    resourceType: z.literal(type),
    id: z.string({ error: "Missing id" }).regex(FHIR_ID, "Invalid id: 1-64 of A-Z a-z 0-9 - ."),
    meta: opt(meta),
    contained: list(z.looseObject({ resourceType: str, id: opt(str) })),
    extension: list(extension),
    ...shape,
  });
}

const valueX = {
  valueQuantity: opt(quantity),
  valueCodeableConcept: opt(codeableConcept),
  valueString: opt(str),
  valueBoolean: opt(bool),
  valueInteger: opt(int),
  valueRange: opt(range),
  valueRatio: opt(z.looseObject({ numerator: opt(quantity), denominator: opt(quantity) })),
  valueTime: opt(str),
  valueDateTime: opt(fhirDateTime),
  valuePeriod: opt(period),
};

const medicationX = { medicationCodeableConcept: opt(codeableConcept), medicationReference: opt(reference) };

export const resourceSchemas = {
  Patient: resource("Patient", {
    identifier: list(identifier),
    name: list(humanName),
    gender: opt(str),
    birthDate: opt(fhirDate),
    deceasedBoolean: opt(bool),
    deceasedDateTime: opt(fhirDateTime),
    managingOrganization: opt(reference),
    link: list(z.looseObject({ other: reference, type: str })),
    active: opt(bool),
  }),
  RelatedPerson: resource("RelatedPerson", {
    patient: reference,
    identifier: list(identifier),
    relationship: list(codeableConcept),
    active: opt(bool),
    period: opt(period),
  }),
  Organization: resource("Organization", {
    identifier: list(identifier),
    name: opt(str),
    alias: list(str),
    type: list(codeableConcept),
    partOf: opt(reference),
    telecom: list(z.looseObject({ system: opt(str), value: opt(str) })),
    address: list(z.looseObject({ city: opt(str) })),
    active: opt(bool),
  }),
  Practitioner: resource("Practitioner", {
    identifier: list(identifier),
    name: list(humanName),
    qualification: list(z.looseObject({ code: codeableConcept })),
  }),
  Medication: resource("Medication", { code: opt(codeableConcept), form: opt(codeableConcept) }),
  Encounter: resource("Encounter", {
    status: str,
    class: opt(coding),
    type: list(codeableConcept),
    subject: opt(reference),
    participant: list(z.looseObject({ individual: opt(reference) })),
    period: opt(period),
    reasonCode: list(codeableConcept),
    serviceProvider: opt(reference),
  }),
  Observation: resource("Observation", {
    status: str,
    category: list(codeableConcept),
    code: codeableConcept,
    subject: opt(reference),
    encounter: opt(reference),
    effectiveDateTime: opt(fhirDateTime),
    effectivePeriod: opt(period),
    effectiveInstant: opt(fhirInstant),
    issued: opt(fhirInstant),
    performer: list(reference),
    ...valueX,
    interpretation: list(codeableConcept),
    referenceRange: list(z.looseObject({ low: opt(quantity), high: opt(quantity), text: opt(str) })),
    component: list(z.looseObject({ code: codeableConcept, ...valueX, interpretation: list(codeableConcept) })),
    note: list(annotation),
  }),
  DiagnosticReport: resource("DiagnosticReport", {
    status: str,
    category: list(codeableConcept),
    code: codeableConcept,
    subject: opt(reference),
    encounter: opt(reference),
    effectiveDateTime: opt(fhirDateTime),
    effectivePeriod: opt(period),
    issued: opt(fhirInstant),
    performer: list(reference),
    result: list(reference),
    conclusion: opt(str),
    conclusionCode: list(codeableConcept),
    presentedForm: list(attachment),
  }),
  Condition: resource("Condition", {
    clinicalStatus: opt(codeableConcept),
    verificationStatus: opt(codeableConcept),
    category: list(codeableConcept),
    code: opt(codeableConcept),
    subject: reference,
    encounter: opt(reference),
    onsetDateTime: opt(fhirDateTime),
    onsetPeriod: opt(period),
    onsetString: opt(str),
    abatementDateTime: opt(fhirDateTime),
    recordedDate: opt(fhirDateTime),
    recorder: opt(reference),
    asserter: opt(reference),
    note: list(annotation),
  }),
  MedicationRequest: resource("MedicationRequest", {
    status: str,
    ...medicationX,
    subject: reference,
    encounter: opt(reference),
    authoredOn: opt(fhirDateTime),
    requester: opt(reference),
    dosageInstruction: list(z.looseObject({ text: opt(str) })),
    note: list(annotation),
  }),
  MedicationStatement: resource("MedicationStatement", {
    status: str,
    ...medicationX,
    subject: reference,
    context: opt(reference),
    effectiveDateTime: opt(fhirDateTime),
    effectivePeriod: opt(period),
    dateAsserted: opt(fhirDateTime),
    informationSource: opt(reference),
    dosage: list(z.looseObject({ text: opt(str) })),
    note: list(annotation),
  }),
  AllergyIntolerance: resource("AllergyIntolerance", {
    clinicalStatus: opt(codeableConcept),
    verificationStatus: opt(codeableConcept),
    type: opt(str),
    category: list(str),
    criticality: opt(str),
    code: opt(codeableConcept),
    patient: reference,
    encounter: opt(reference),
    onsetDateTime: opt(fhirDateTime),
    recordedDate: opt(fhirDateTime),
    recorder: opt(reference),
    asserter: opt(reference),
    reaction: list(z.looseObject({ manifestation: z.array(codeableConcept), description: opt(str) })),
    note: list(annotation),
  }),
  Immunization: resource("Immunization", {
    status: str,
    vaccineCode: codeableConcept,
    patient: reference,
    encounter: opt(reference),
    occurrenceDateTime: opt(fhirDateTime),
    occurrenceString: opt(str),
    recorded: opt(fhirDateTime),
    lotNumber: opt(str),
    performer: list(z.looseObject({ actor: reference })),
    note: list(annotation),
  }),
  ServiceRequest: resource("ServiceRequest", {
    status: str,
    intent: opt(str),
    code: opt(codeableConcept),
    subject: reference,
    encounter: opt(reference),
    authoredOn: opt(fhirDateTime),
    occurrenceDateTime: opt(fhirDateTime),
    requester: opt(reference),
    performer: list(reference),
    reasonCode: list(codeableConcept),
    note: list(annotation),
  }),
  DocumentReference: resource("DocumentReference", {
    status: str,
    docStatus: opt(str),
    type: opt(codeableConcept),
    category: list(codeableConcept),
    subject: opt(reference),
    date: opt(fhirInstant),
    author: list(reference),
    custodian: opt(reference),
    description: opt(str),
    content: z.array(z.looseObject({ attachment })),
    context: opt(z.looseObject({ encounter: list(reference), period: opt(period) })),
  }),
  Composition: resource("Composition", {
    status: str,
    type: codeableConcept,
    subject: opt(reference),
    encounter: opt(reference),
    date: fhirDateTime,
    author: z.array(reference),
    title: str,
    custodian: opt(reference),
    section: list(z.looseObject({ title: opt(str), text: opt(narrative) })),
  }),
  HealthcareService: resource("HealthcareService", {
    active: opt(bool),
    providedBy: opt(reference),
    name: opt(str),
    type: list(codeableConcept),
    appointmentRequired: opt(bool),
  }),
  Schedule: resource("Schedule", {
    active: opt(bool),
    serviceType: list(codeableConcept),
    actor: z.array(reference),
    planningHorizon: opt(period),
  }),
  Slot: resource("Slot", {
    schedule: reference,
    status: str,
    start: fhirInstant,
    end: fhirInstant,
    serviceType: list(codeableConcept),
    appointmentType: opt(codeableConcept),
  }),
  Appointment: resource("Appointment", {
    status: str,
    serviceType: list(codeableConcept),
    appointmentType: opt(codeableConcept),
    description: opt(str),
    start: opt(fhirInstant),
    end: opt(fhirInstant),
    slot: list(reference),
    participant: z.array(z.looseObject({ actor: opt(reference), status: opt(str) })),
  }),
  Communication: resource("Communication", {
    status: str,
    category: list(codeableConcept),
    subject: opt(reference),
    topic: opt(codeableConcept),
    sent: opt(fhirDateTime),
    received: opt(fhirDateTime),
    sender: opt(reference),
    recipient: list(reference),
    partOf: list(reference),
    inResponseTo: list(reference),
    payload: list(z.looseObject({ contentString: opt(str), contentAttachment: opt(attachment), contentReference: opt(reference) })),
  }),
  AuditEvent: resource("AuditEvent", {
    type: coding,
    subtype: list(coding),
    action: opt(str),
    recorded: fhirInstant,
    agent: z.array(z.looseObject({ who: opt(reference), requestor: bool })),
    entity: list(z.looseObject({ what: opt(reference) })),
  }),
} as const;

export type SupportedType = keyof typeof resourceSchemas;

export const supportedTypes = new Set<string>(Object.keys(resourceSchemas));

export function isSupportedType(type: string): type is SupportedType {
  return supportedTypes.has(type);
}

export interface ValidationProblem {
  /** FHIRPath-like location, e.g. "Observation.valueQuantity.value". */
  path: string;
  message: string;
}

export function fhirPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}

/** Null when the resource holds what the portal reads in the right shapes; otherwise the first problem. */
export function validateResource(type: SupportedType, resource: unknown): ValidationProblem | null {
  const result = resourceSchemas[type].safeParse(resource);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return { path: fhirPath(type, issue.path), message: issue.message };
}
