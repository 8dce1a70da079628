import type {
  AllergyIntolerance,
  Appointment,
  AuditEvent,
  CodeableConcept,
  Communication,
  Composition,
  CompositionSection,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Encounter,
  Extension,
  HealthcareService,
  Immunization,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Observation,
  ObservationComponent,
  Organization,
  Patient,
  Practitioner,
  Quantity,
  Reference,
  RelatedPerson,
  Resource,
  Schedule,
  ServiceRequest,
  Slot,
} from "@medplum/fhirtypes";
import type { RecordSection } from "../../db/schema/vocabulary";
import type { ProviderKind } from "../../db/schema/vocabulary";
import { hsaIdOf, birthDateOfNationalId, isProtectedIdentity, isValidDate, nationalIds, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID, HSA_OID } from "./identifiers";
import { idFor, refFor, resolveReference, type FullUrlMap, type ResolvedReference } from "./references";
import { addressText, attachmentText, conceptText, firstConceptText, humanNameText, joinTexts, narrativeText, primaryCoding } from "./text";
import type { SupportedType } from "./validate";
import { parseVersionId, type Version } from "./versions";

/**
 * FHIR resource → one row of the read model (see CONVENTIONS.md). Pure: references are resolved against the batch's
 * fullUrls only; the writer resolves what is left against the database.
 */

export type TableName =
  | "people"
  | "guardianships"
  | "care_units"
  | "practitioners"
  | "medication_products"
  | "record_entries"
  | "appointment_types"
  | "schedules"
  | "slots"
  | "appointments"
  | "messages"
  | "clinical_access_events";

export interface MappedResource {
  table: TableName;
  resourceType: SupportedType;
  id: string;
  version: Version;
  /** entered-in-error: stored, and hidden like a deleted resource. */
  hidden: boolean;
  /** The table's own columns (snake_case), without the common FHIR columns. */
  columns: Record<string, unknown>;
  /** Logical references ("Type?identifier=system|value") this resource answers to. */
  identifierRefs: string[];
  /** Patient.link (seealso) → RelatedPerson ids. */
  relatedPersonLinks?: string[];
}

/** Mapped; or skipped (not for the portal: `skip` names why); or rejected (wrong data: `reject` and its path). */
export type MapResult =
  | { ok: true; value: MappedResource }
  | { ok: false; skip: string }
  | { ok: false; reject: string; path: string };

export interface MapContext {
  fullUrls: FullUrlMap | undefined;
}

export const tableOfType: Record<SupportedType, TableName> = {
  Patient: "people",
  RelatedPerson: "guardianships",
  Organization: "care_units",
  Practitioner: "practitioners",
  Medication: "medication_products",
  Encounter: "record_entries",
  Observation: "record_entries",
  DiagnosticReport: "record_entries",
  Condition: "record_entries",
  MedicationRequest: "record_entries",
  MedicationStatement: "record_entries",
  AllergyIntolerance: "record_entries",
  Immunization: "record_entries",
  ServiceRequest: "record_entries",
  DocumentReference: "record_entries",
  Composition: "record_entries",
  HealthcareService: "appointment_types",
  Schedule: "schedules",
  Slot: "slots",
  Appointment: "appointments",
  Communication: "messages",
  AuditEvent: "clinical_access_events",
};

export const VGR = {
  providerKind: "https://vgregion.se/fhir/CodeSystem/provider-kind",
  guardianBlocked: "https://vgregion.se/fhir/StructureDefinition/guardian-online-access-blocked",
  bookableOnline: "https://vgregion.se/fhir/StructureDefinition/bookable-online",
  openBooking: "https://vgregion.se/fhir/StructureDefinition/open-booking",
  cancellationDeadline: "https://vgregion.se/fhir/StructureDefinition/cancellation-deadline-hours",
  openMessaging: "https://vgregion.se/fhir/StructureDefinition/open-messaging",
  messageTopic: "https://vgregion.se/fhir/StructureDefinition/message-topic",
  answerTime: "https://vgregion.se/fhir/StructureDefinition/answer-time",
  canReply: "https://vgregion.se/fhir/StructureDefinition/can-reply",
} as const;

/** The Messages API's status of a message, as the poller keeps it (app/clinical/poller/messages.ts). */
const MESSAGE_STATUS_URL = "https://fhir-ehr.cerner.com/patientMessages/StructureDefinition/status";
/** A reminder cannot be answered: its category (the poller's notificationType, or the text the demo and pushes use). */
function isReminder(c: Communication): boolean {
  return (c.category ?? []).some((cc) => cc.text?.toLowerCase() === "påminnelse" || cc.text?.toUpperCase() === "REMINDER" || (cc.coding ?? []).some((x) => x.code?.toUpperCase() === "REMINDER"));
}

/** A FHIR date/dateTime/instant → an instant PostgreSQL parses the same whatever its session time zone. */
export function timestampOf(value: string | undefined | null): string | null {
  if (!value) return null;
  if (/^\d{4}$/.test(value)) return `${value}-01-01T00:00:00Z`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  return value;
}

function fullDate(value: string | undefined | null): string | null {
  return value && isValidDate(value) ? value : null;
}

function versionOf(resource: Resource): Version {
  return { versionId: parseVersionId(resource.meta?.versionId), lastUpdated: resource.meta?.lastUpdated ?? null };
}

function extensionValue(extensions: Extension[] | undefined, url: string): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}

/** The unit's message topics (one extension message-topic per topic, valueCoding), in order; null: none stated. */
function messageTopicsOf(o: Organization): { code: string; display: string }[] | null {
  const topics = (o.extension ?? [])
    .filter((e) => e.url === VGR.messageTopic && e.valueCoding?.code)
    .map((e) => ({ code: e.valueCoding!.code!, display: e.valueCoding!.display?.trim() || e.valueCoding!.code! }));
  const unique = topics.filter((t, i) => topics.findIndex((u) => u.code === t.code) === i);
  return unique.length > 0 ? unique : null;
}

/** The answer time the unit states, in working days (extension answer-time, valueInteger ≥ 0). */
function answerDaysOf(o: Organization): number | null {
  const days = extensionValue(o.extension, VGR.answerTime)?.valueInteger;
  return typeof days === "number" && Number.isInteger(days) && days >= 0 ? days : null;
}

/**
 * A message's text: one text payload exactly as it came (the citizen's text is kept byte for byte: spaces, blank
 * lines and all); several payloads (text, attachments' titles) joined by blank lines, each trimmed.
 */
function messageBody(c: Communication): string | null {
  const payload = c.payload ?? [];
  const only = payload.length === 1 ? payload[0]?.contentString : undefined;
  if (only !== undefined && only.trim() !== "") return only;
  return joinTexts(payload.map((p) => p.contentString ?? attachmentText(p.contentAttachment)), "\n\n");
}

function codesOf(cc: CodeableConcept | undefined): string[] {
  return (cc?.coding ?? []).map((c) => c.code).filter((c): c is string => Boolean(c));
}

const ICD10 = [/icd-10-se/i, /icd-?10/i];
const ATC = [/atc/i];
// LOINC, then NPU (by name or its OID, urn:oid:1.2.208.176.2.1), the codes a result series is grouped by.
const RESULT_CODES = [/loinc/i, /npu/i, /1\.2\.208\.176\.2\.1\b/];

/** Pairs of (id, reference) columns for references that point at an expected type. */
function pair(resolved: ResolvedReference | null, targetType: string): { id: string | null; ref: string | null } {
  return { id: idFor(resolved, targetType), ref: refFor(resolved, targetType) };
}

class Mapper {
  constructor(private readonly ctx: MapContext) {}

  ref(reference: Reference | undefined, expectedType?: string): ResolvedReference | null {
    return resolveReference(reference, this.ctx.fullUrls, expectedType);
  }

  /**
   * The first candidate of the given type; failing that, the first whose type is not known yet (an unresolved
   * urn:uuid), which the writer clears if it turns out to be of another type.
   */
  firstOf(candidates: (Reference | undefined)[], targetType: string): { id: string | null; ref: string | null } {
    const resolved = candidates.map((c) => this.ref(c));
    const exact = resolved.find((r) => r?.type === targetType);
    if (exact) return pair(exact, targetType);
    const unknown = resolved.find((r) => r !== null && r.type === null);
    return unknown ? pair(unknown, targetType) : { id: null, ref: null };
  }

  subject(reference: Reference | undefined): { personId: string | null; subjectReference: string } | { skip: string } {
    const resolved = this.ref(reference, "Patient");
    if (!resolved) return { skip: "no-patient" };
    if (resolved.type && resolved.type !== "Patient") return { skip: "not-about-a-patient" };
    return { personId: resolved.id, subjectReference: resolved.ref };
  }
}

interface EntryBase {
  section: RecordSection;
  subject: Reference | undefined;
  occurredAt: string | null | undefined;
  recordedAt?: string | null;
  /** References that may name the entry's care unit or practitioner, in order of preference. */
  actors: (Reference | undefined)[];
  encounter?: Reference;
  status?: string | null;
  code?: { system?: string | null; code?: string | null } | null;
  title?: string | null;
  text?: string | null;
  details?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

function isEnteredInError(resource: Resource): boolean {
  const r = resource as { status?: unknown; docStatus?: unknown; verificationStatus?: CodeableConcept };
  if (r.status === "entered-in-error" || r.docStatus === "entered-in-error") return true;
  return codesOf(r.verificationStatus).includes("entered-in-error");
}

function quantityText(q: Quantity | undefined): string | null {
  if (!q || q.value === undefined) return null;
  return joinTexts([`${q.comparator ?? ""}${q.value}`, q.unit ?? q.code], " ");
}

interface ValueFields {
  value_number: number | null;
  value_text: string | null;
  unit: string | null;
}

function valueOf(v: Observation | ObservationComponent): ValueFields {
  if (v.valueQuantity) {
    return { value_number: v.valueQuantity.value ?? null, value_text: v.valueQuantity.comparator ? quantityText(v.valueQuantity) : null, unit: v.valueQuantity.unit ?? v.valueQuantity.code ?? null };
  }
  if (v.valueInteger !== undefined) return { value_number: v.valueInteger, value_text: null, unit: null };
  if (v.valueCodeableConcept) return { value_number: null, value_text: conceptText(v.valueCodeableConcept), unit: null };
  if (v.valueString !== undefined) return { value_number: null, value_text: v.valueString, unit: null };
  if (v.valueBoolean !== undefined) return { value_number: null, value_text: String(v.valueBoolean), unit: null };
  if (v.valueRange) {
    return { value_number: null, value_text: joinTexts([quantityText(v.valueRange.low), quantityText(v.valueRange.high)], " – "), unit: v.valueRange.low?.unit ?? v.valueRange.high?.unit ?? null };
  }
  if (v.valueRatio) return { value_number: null, value_text: joinTexts([quantityText(v.valueRatio.numerator), quantityText(v.valueRatio.denominator)], " / "), unit: null };
  if (v.valueDateTime) return { value_number: null, value_text: v.valueDateTime, unit: null };
  if (v.valueTime) return { value_number: null, value_text: v.valueTime, unit: null };
  if (v.valuePeriod) return { value_number: null, value_text: joinTexts([v.valuePeriod.start, v.valuePeriod.end], " – "), unit: null };
  return { value_number: null, value_text: null, unit: null };
}

function interpretationCode(list: CodeableConcept[] | undefined): string | null {
  for (const cc of list ?? []) for (const c of cc.coding ?? []) if (c.code) return c.code;
  return null;
}

function sectionsText(sections: CompositionSection[] | undefined): (string | null)[] {
  const out: (string | null)[] = [];
  for (const s of sections ?? []) {
    const body = narrativeText(s.text?.div);
    if (s.title || body) out.push(joinTexts([s.title, body]));
    out.push(...sectionsText(s.section));
  }
  return out;
}

function providerKindOf(types: CodeableConcept[] | undefined): ProviderKind | null {
  for (const cc of types ?? []) {
    for (const c of cc.coding ?? []) {
      if (c.system === VGR.providerKind && (c.code === "region" || c.code === "municipality" || c.code === "private")) return c.code;
    }
  }
  return null;
}

function isGuardianRelationship(relationship: CodeableConcept[] | undefined): boolean {
  return (relationship ?? []).some((cc) => (cc.coding ?? []).some((c) => c.code === "GUARD"));
}

function medicationConcept(resource: MedicationRequest | MedicationStatement, mapper: Mapper) {
  if (resource.medicationCodeableConcept) {
    const coding = primaryCoding(resource.medicationCodeableConcept, ATC);
    return { title: conceptText(resource.medicationCodeableConcept), code: coding, medication: { id: null, ref: null } };
  }
  const reference = resource.medicationReference;
  const text = reference?.reference;
  if (text?.startsWith("#")) {
    const contained = resource.contained?.find((c) => c.resourceType === "Medication" && c.id === text.slice(1)) as Medication | undefined;
    return { title: conceptText(contained?.code) ?? reference?.display ?? null, code: primaryCoding(contained?.code, ATC), medication: { id: null, ref: null } };
  }
  const resolved = mapper.ref(reference, "Medication");
  return { title: reference?.display ?? null, code: null, medication: pair(resolved, "Medication") };
}

function entry(resource: Resource & { id: string }, mapper: Mapper, base: EntryBase): MapResult {
  const subject = mapper.subject(base.subject);
  if ("skip" in subject) return { ok: false, skip: subject.skip };
  const unit = mapper.firstOf(base.actors, "Organization");
  const practitioner = mapper.firstOf(base.actors, "Practitioner");
  const encounter = base.section === "care_contacts" ? { id: null, ref: null } : pair(mapper.ref(base.encounter, "Encounter"), "Encounter");
  return {
    ok: true,
    value: {
      table: "record_entries",
      resourceType: resource.resourceType as SupportedType,
      id: resource.id,
      version: versionOf(resource),
      hidden: isEnteredInError(resource),
      identifierRefs: [],
      columns: {
        resource_type: resource.resourceType,
        section: base.section,
        person_id: subject.personId,
        subject_reference: subject.subjectReference,
        occurred_at: timestampOf(base.occurredAt),
        recorded_at: timestampOf(base.recordedAt),
        care_unit_id: unit.id,
        care_unit_reference: unit.ref,
        practitioner_id: practitioner.id,
        practitioner_reference: practitioner.ref,
        encounter_id: encounter.id,
        encounter_reference: encounter.ref,
        medication_id: null,
        medication_reference: null,
        status: base.status ?? null,
        code_system: base.code?.system ?? null,
        code: base.code?.code ?? null,
        title: base.title ?? null,
        text: base.text ?? null,
        value_number: null,
        value_text: null,
        unit: null,
        reference_low: null,
        reference_high: null,
        reference_text: null,
        interpretation: null,
        details: base.details ?? {},
        ...base.extra,
      },
    },
  };
}

type Mapping = (resource: never, mapper: Mapper) => MapResult;

function simple(
  table: TableName,
  resource: Resource & { id: string },
  columns: Record<string, unknown>,
  identifierRefs: string[] = [],
): MapResult {
  return {
    ok: true,
    value: {
      table,
      resourceType: resource.resourceType as SupportedType,
      id: resource.id,
      version: versionOf(resource),
      hidden: isEnteredInError(resource),
      columns,
      identifierRefs,
    },
  };
}

const mappings: Record<SupportedType, Mapping> = {
  Patient: (p: Patient & { id: string }, m) => {
    const ids = nationalIds(p.identifier);
    if (ids.invalidIndex !== null) {
      return { ok: false, reject: "Invalid personnummer or samordningsnummer (date or check digit)", path: `Patient.identifier[${ids.invalidIndex}].value` };
    }
    const name = humanNameText(p.name);
    const managing = pair(m.ref(p.managingOrganization, "Organization"), "Organization");
    const identifierRefs: string[] = [];
    if (ids.personnummer) identifierRefs.push(`Patient?identifier=${PERSONNUMMER_OID}|${ids.personnummer}`);
    if (ids.samordningsnummer) identifierRefs.push(`Patient?identifier=${SAMORDNINGSNUMMER_OID}|${ids.samordningsnummer}`);
    const links = (p.link ?? [])
      .filter((l) => l.type === "seealso")
      .map((l) => m.ref(l.other, "RelatedPerson"))
      .filter((r): r is ResolvedReference => r !== null && r.type === "RelatedPerson" && r.id !== null)
      .map((r) => r.id!);
    const nationalId = ids.personnummer ?? ids.samordningsnummer;
    const result = simple(
      "people",
      p,
      {
        personnummer: ids.personnummer,
        samordningsnummer: ids.samordningsnummer,
        identifiers: (p.identifier ?? []).map((i) => ({ system: i.system, value: i.value })),
        given_name: name.given,
        family_name: name.family,
        birth_date: fullDate(p.birthDate) ?? (nationalId ? birthDateOfNationalId(nationalId) : null),
        gender: p.gender ?? null,
        deceased: p.deceasedBoolean === true || p.deceasedDateTime !== undefined,
        deceased_at: timestampOf(p.deceasedDateTime),
        protected_identity: isProtectedIdentity(p.meta),
        managing_care_unit_id: managing.id,
        managing_care_unit_reference: managing.ref,
      },
      identifierRefs,
    );
    if (result.ok) result.value.relatedPersonLinks = [...new Set(links)];
    return result;
  },

  RelatedPerson: (r: RelatedPerson & { id: string }, m) => {
    const child = pair(m.ref(r.patient, "Patient"), "Patient");
    const ids = nationalIds(r.identifier);
    if (ids.invalidIndex !== null) {
      return { ok: false, reject: "Invalid personnummer or samordningsnummer (date or check digit)", path: `RelatedPerson.identifier[${ids.invalidIndex}].value` };
    }
    const byExtension = (r.extension ?? [])
      .map((e) => (e.valueReference ? m.ref(e.valueReference, "Patient") : null))
      .find((x) => x !== null && (x.type === "Patient" || x.type === null));
    const guardianNationalId = ids.personnummer ?? ids.samordningsnummer;
    const guardian = byExtension
      ? pair(byExtension, "Patient")
      : guardianNationalId
        ? { id: null, ref: `Patient?identifier=${ids.personnummer ? PERSONNUMMER_OID : SAMORDNINGSNUMMER_OID}|${guardianNationalId}` }
        : { id: null, ref: null };
    const guardianRelation = isGuardianRelationship(r.relationship);
    return simple("guardianships", r, {
      source_type: "RelatedPerson",
      child_person_id: child.id ?? "",
      child_reference: child.ref,
      guardian_person_id: guardian.id,
      guardian_reference: guardian.ref,
      guardian_personnummer: guardianNationalId,
      relationship: guardianRelation ? "GUARD" : (r.relationship?.flatMap((cc) => codesOf(cc))[0] ?? null),
      active: guardianRelation && r.active !== false,
      blocked: extensionValue(r.extension, VGR.guardianBlocked)?.valueBoolean === true,
      period_start: fullDate(r.period?.start?.slice(0, 10)),
      period_end: fullDate(r.period?.end?.slice(0, 10)),
    });
  },

  Organization: (o: Organization & { id: string }, m) => {
    const hsa = hsaIdOf(o.identifier);
    const parent = pair(m.ref(o.partOf, "Organization"), "Organization");
    const own = providerKindOf(o.type);
    return simple(
      "care_units",
      o,
      {
        hsa_id: hsa,
        name: o.name?.trim() || o.alias?.[0] || hsa || o.id,
        provider_kind: own ?? "unknown",
        own_provider_kind: own,
        parent_id: parent.id,
        parent_reference: parent.ref,
        provider_id: parent.ref ? null : o.id,
        phone: o.telecom?.find((t) => t.system === "phone")?.value ?? null,
        city: o.address?.find((a) => a.city)?.city ?? null,
        address: addressText(o.address),
        open_messaging: extensionValue(o.extension, VGR.openMessaging)?.valueBoolean === true,
        message_topics: messageTopicsOf(o),
        answer_working_days: answerDaysOf(o),
      },
      hsa ? [`Organization?identifier=${HSA_OID}|${hsa}`] : [],
    );
  },

  Practitioner: (p: Practitioner & { id: string }) => {
    const hsa = hsaIdOf(p.identifier);
    const name = humanNameText(p.name);
    return simple(
      "practitioners",
      p,
      { hsa_id: hsa, name: name.text, profession: firstConceptText(p.qualification?.map((q) => q.code)) },
      hsa ? [`Practitioner?identifier=${HSA_OID}|${hsa}`] : [],
    );
  },

  Medication: (med: Medication & { id: string }) => {
    const coding = primaryCoding(med.code, ATC);
    return simple("medication_products", med, {
      code_system: coding?.system ?? null,
      code: coding?.code ?? null,
      name: conceptText(med.code),
      form: conceptText(med.form),
    });
  },

  Encounter: (e: Encounter & { id: string }, m) =>
    entry(e, m, {
      section: "care_contacts",
      subject: e.subject,
      occurredAt: e.period?.start ?? e.period?.end,
      actors: [e.serviceProvider, ...(e.participant ?? []).map((p) => p.individual)],
      status: e.status,
      code: primaryCoding(e.type?.[0]) ?? (e.class ? { system: e.class.system, code: e.class.code } : null),
      title: firstConceptText(e.type) ?? e.class?.display ?? e.class?.code ?? null,
      text: joinTexts((e.reasonCode ?? []).map(conceptText), "; "),
      details: { class: e.class?.code ?? null, periodEnd: e.period?.end ?? null },
    }),

  Observation: (o: Observation & { id: string }, m) => {
    const value = valueOf(o);
    const range = o.referenceRange?.[0];
    const components = (o.component ?? []).map((c) => {
      const v = valueOf(c);
      return { code: primaryCoding(c.code)?.code ?? null, title: conceptText(c.code), value: v.value_number, valueText: v.value_text, unit: v.unit, interpretation: interpretationCode(c.interpretation) };
    });
    return entry(o, m, {
      section: "results",
      subject: o.subject,
      occurredAt: o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.start ?? o.issued,
      recordedAt: o.issued,
      actors: o.performer ?? [],
      encounter: o.encounter,
      status: o.status,
      code: primaryCoding(o.code, RESULT_CODES),
      title: conceptText(o.code),
      text: joinTexts((o.note ?? []).map((n) => n.text)),
      details: {
        category: codesOf(o.category?.[0])[0] ?? null,
        ...(components.length ? { components } : {}),
      },
      extra: {
        ...value,
        value_text: value.value_text ?? (components.length ? joinTexts(components.map((c) => joinTexts([c.title, c.value !== null ? joinTexts([String(c.value), c.unit], " ") : c.valueText], ": ")), "; ") : null),
        reference_low: range?.low?.value ?? null,
        reference_high: range?.high?.value ?? null,
        reference_text: range?.text ?? null,
        interpretation: interpretationCode(o.interpretation),
      },
    });
  },

  DiagnosticReport: (d: DiagnosticReport & { id: string }, m) =>
    entry(d, m, {
      section: "results",
      subject: d.subject,
      occurredAt: d.effectiveDateTime ?? d.effectivePeriod?.start ?? d.issued,
      recordedAt: d.issued,
      actors: d.performer ?? [],
      encounter: d.encounter,
      status: d.status,
      code: primaryCoding(d.code, RESULT_CODES),
      title: conceptText(d.code),
      text: d.conclusion ?? joinTexts([...(d.conclusionCode ?? []).map(conceptText), ...(d.presentedForm ?? []).map(attachmentText)]),
      details: {
        category: codesOf(d.category?.[0])[0] ?? null,
        resultIds: (d.result ?? []).map((r) => m.ref(r, "Observation")).filter((r) => r?.type === "Observation").map((r) => r!.id),
      },
    }),

  Condition: (c: Condition & { id: string }, m) =>
    entry(c, m, {
      section: "diagnoses",
      subject: c.subject,
      occurredAt: c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate,
      recordedAt: c.recordedDate,
      actors: [c.recorder, c.asserter],
      encounter: c.encounter,
      status: codesOf(c.clinicalStatus)[0] ?? null,
      code: primaryCoding(c.code, ICD10),
      title: conceptText(c.code),
      text: joinTexts((c.note ?? []).map((n) => n.text)),
      details: {
        verificationStatus: codesOf(c.verificationStatus)[0] ?? null,
        abatedAt: c.abatementDateTime ?? null,
        category: codesOf(c.category?.[0])[0] ?? null,
      },
    }),

  MedicationRequest: (r: MedicationRequest & { id: string }, m) => {
    const med = medicationConcept(r, m);
    return entry(r, m, {
      section: "medications",
      subject: r.subject,
      occurredAt: r.authoredOn,
      recordedAt: r.authoredOn,
      actors: [r.requester],
      encounter: r.encounter,
      status: r.status,
      code: med.code,
      title: med.title,
      text: joinTexts([...(r.dosageInstruction ?? []).map((d) => d.text), ...(r.note ?? []).map((n) => n.text)]),
      extra: { medication_id: med.medication.id, medication_reference: med.medication.ref },
    });
  },

  MedicationStatement: (s: MedicationStatement & { id: string }, m) => {
    const med = medicationConcept(s, m);
    return entry(s, m, {
      section: "medications",
      subject: s.subject,
      occurredAt: s.effectiveDateTime ?? s.effectivePeriod?.start ?? s.dateAsserted,
      recordedAt: s.dateAsserted,
      actors: [s.informationSource],
      encounter: s.context,
      status: s.status,
      code: med.code,
      title: med.title,
      text: joinTexts([...(s.dosage ?? []).map((d) => d.text), ...(s.note ?? []).map((n) => n.text)]),
      extra: { medication_id: med.medication.id, medication_reference: med.medication.ref },
    });
  },

  AllergyIntolerance: (a: AllergyIntolerance & { id: string }, m) =>
    entry(a, m, {
      section: "allergies",
      subject: a.patient,
      occurredAt: a.recordedDate ?? a.onsetDateTime,
      recordedAt: a.recordedDate,
      actors: [a.recorder, a.asserter],
      encounter: a.encounter,
      status: codesOf(a.clinicalStatus)[0] ?? null,
      code: primaryCoding(a.code),
      title: conceptText(a.code),
      text: joinTexts(
        (a.reaction ?? []).map((r) => r.description ?? joinTexts(r.manifestation.map(conceptText), ", ")),
        "; ",
      ),
      details: { criticality: a.criticality ?? null, category: a.category ?? [], type: a.type ?? null, verificationStatus: codesOf(a.verificationStatus)[0] ?? null },
    }),

  Immunization: (i: Immunization & { id: string }, m) =>
    entry(i, m, {
      section: "vaccinations",
      subject: i.patient,
      occurredAt: i.occurrenceDateTime ?? i.recorded,
      recordedAt: i.recorded,
      actors: (i.performer ?? []).map((p) => p.actor),
      encounter: i.encounter,
      status: i.status,
      code: primaryCoding(i.vaccineCode),
      title: conceptText(i.vaccineCode),
      text: joinTexts((i.note ?? []).map((n) => n.text)),
      details: { lotNumber: i.lotNumber ?? null, occurrenceText: i.occurrenceString ?? null },
    }),

  ServiceRequest: (s: ServiceRequest & { id: string }, m) => {
    const from = m.firstOf([s.requester], "Organization");
    const to = m.firstOf(s.performer ?? [], "Organization");
    return entry(s, m, {
      section: "referrals",
      subject: s.subject,
      occurredAt: s.authoredOn ?? s.occurrenceDateTime,
      recordedAt: s.authoredOn,
      actors: [s.requester, ...(s.performer ?? [])],
      encounter: s.encounter,
      status: s.status,
      code: primaryCoding(s.code),
      title: conceptText(s.code),
      text: joinTexts([...(s.reasonCode ?? []).map(conceptText), ...(s.note ?? []).map((n) => n.text)]),
      details: { fromUnitId: from.id, fromUnitReference: from.ref, toUnitId: to.id, toUnitReference: to.ref, intent: s.intent ?? null },
    });
  },

  DocumentReference: (d: DocumentReference & { id: string }, m) =>
    entry(d, m, {
      section: "notes",
      subject: d.subject,
      occurredAt: d.context?.period?.start ?? d.date,
      recordedAt: d.date,
      actors: [d.custodian, ...(d.author ?? [])],
      encounter: d.context?.encounter?.[0],
      status: d.docStatus ?? d.status,
      code: primaryCoding(d.type),
      title: conceptText(d.type) ?? d.description ?? d.content.find((c) => c.attachment.title)?.attachment.title ?? null,
      text: joinTexts(d.content.map((c) => attachmentText(c.attachment))),
      details: { description: d.description ?? null, category: codesOf(d.category?.[0])[0] ?? null },
    }),

  Composition: (c: Composition & { id: string }, m) =>
    entry(c, m, {
      section: "notes",
      subject: c.subject,
      occurredAt: c.date,
      recordedAt: c.date,
      actors: [c.custodian, ...c.author],
      encounter: c.encounter,
      status: c.status,
      code: primaryCoding(c.type),
      title: c.title || conceptText(c.type),
      text: joinTexts(sectionsText(c.section), "\n\n"),
      details: { type: conceptText(c.type) },
    }),

  HealthcareService: (h: HealthcareService & { id: string }, m) => {
    const unit = pair(m.ref(h.providedBy, "Organization"), "Organization");
    const deadline = extensionValue(h.extension, VGR.cancellationDeadline)?.valueInteger;
    return simple("appointment_types", h, {
      care_unit_id: unit.id,
      care_unit_reference: unit.ref,
      name: h.name?.trim() || firstConceptText(h.type) || h.id,
      code: primaryCoding(h.type?.[0])?.code ?? null,
      bookable_online: h.appointmentRequired === true && extensionValue(h.extension, VGR.bookableOnline)?.valueBoolean === true,
      open_booking: extensionValue(h.extension, VGR.openBooking)?.valueBoolean === true,
      cancellation_deadline_hours: deadline ?? null,
      preparation: h.extraDetails?.trim() || null,
      active: h.active !== false,
    });
  },

  Schedule: (s: Schedule & { id: string }, m) => {
    const actors = s.actor.map((a) => m.ref(a));
    const unit = m.firstOf(s.actor, "Organization");
    const practitioner = m.firstOf(s.actor, "Practitioner");
    const services = actors.filter((a): a is ResolvedReference => a?.type === "HealthcareService");
    const service = m.firstOf(s.actor, "HealthcareService");
    return simple("schedules", s, {
      care_unit_id: unit.id,
      care_unit_reference: unit.ref,
      practitioner_id: practitioner.id,
      practitioner_reference: practitioner.ref,
      appointment_type_ids: services.map((x) => x.id),
      service_id: service.id,
      service_reference: service.ref,
      active: s.active !== false,
      planning_start: timestampOf(s.planningHorizon?.start),
      planning_end: timestampOf(s.planningHorizon?.end),
    });
  },

  Slot: (s: Slot & { id: string }, m) => {
    const schedule = pair(m.ref(s.schedule, "Schedule"), "Schedule");
    return simple("slots", s, {
      schedule_id: schedule.id,
      schedule_reference: schedule.ref,
      status: s.status,
      starts_at: s.start,
      ends_at: s.end,
      appointment_type_code: primaryCoding(s.appointmentType)?.code ?? primaryCoding(s.serviceType?.[0])?.code ?? null,
    });
  },

  Appointment: (a: Appointment & { id: string }, m) => {
    const actors = a.participant.map((p) => p.actor);
    const patient = m.firstOf(actors, "Patient");
    const practitioner = m.firstOf(actors, "Practitioner");
    const service = m.firstOf(actors, "HealthcareService");
    return simple("appointments", a, {
      person_id: patient.id,
      subject_reference: patient.ref,
      status: a.status,
      starts_at: a.start ?? null,
      ends_at: a.end ?? null,
      care_unit_id: null,
      practitioner_id: practitioner.id,
      practitioner_reference: practitioner.ref,
      appointment_type_id: service.id,
      appointment_type_reference: service.ref,
      slot_ids: (a.slot ?? []).map((s) => m.ref(s, "Slot")).filter((r) => r?.type === "Slot" && r.id).map((r) => r!.id),
      description: a.description ?? null,
    });
  },

  Communication: (c: Communication & { id: string }, m) => {
    const subject = m.subject(c.subject);
    if ("skip" in subject) return { ok: false, skip: subject.skip };
    const sender = m.ref(c.sender);
    const parent = pair(m.ref(c.inResponseTo?.[0] ?? c.partOf?.[0], "Communication"), "Communication");
    const parentId = parent.id;
    const unit = m.firstOf([c.sender, ...(c.recipient ?? [])].filter((r) => {
      const x = m.ref(r);
      return x && x.type !== "Patient" && x.type !== "RelatedPerson" && x.type !== "Practitioner";
    }), "Organization");
    const direction = sender?.type === "Patient" || sender?.type === "RelatedPerson" ? "patient" : "care";
    const status = extensionValue(c.extension, MESSAGE_STATUS_URL)?.valueCode;
    return simple("messages", c, {
      person_id: subject.personId,
      subject_reference: subject.subjectReference,
      thread_id: parentId ?? c.id,
      parent_id: parentId,
      parent_reference: parent.ref,
      topic: conceptText(c.topic),
      direction,
      // A sender given as an unresolved urn:uuid: is settled by the writer once its type is known.
      care_unit_id: unit.id,
      care_unit_reference: unit.ref,
      sender_reference: sender?.ref ?? null,
      sender_name: c.sender?.display ?? null,
      body: messageBody(c),
      sent_at: timestampOf(c.sent ?? c.received),
      // The care team opened a citizen's message: when it was received, else (the Messages API's OPENED without a
      // time) when it was sent. On a care team's message `received` is the citizen's reading: the portal's read_at.
      opened_by_unit_at: direction === "patient" ? timestampOf(c.received ?? (status === "OPENED" ? c.sent : null)) : null,
      can_reply: !isReminder(c) && extensionValue(c.extension, VGR.canReply)?.valueBoolean !== false,
      status: c.status,
    });
  },

  AuditEvent: (a: AuditEvent & { id: string }, m) => {
    const whats = (a.entity ?? []).map((e) => m.ref(e.what, "Patient"));
    const patient = whats.find((r) => r?.type === "Patient") ?? whats.find((r) => r !== null && r.type === null) ?? null;
    const orgAgent = a.agent.find((ag) => m.ref(ag.who)?.type === "Organization") ?? a.agent.find((ag) => m.ref(ag.who)?.type === null);
    const unit = pair(orgAgent ? m.ref(orgAgent.who, "Organization") : null, "Organization");
    return simple("clinical_access_events", a, {
      person_id: patient?.id ?? null,
      subject_reference: patient?.ref ?? null,
      occurred_at: a.recorded,
      care_unit_id: unit.id,
      care_unit_reference: unit.ref,
      care_unit_name: orgAgent?.who?.display ?? null,
      action: a.action ?? a.subtype?.[0]?.code ?? a.type.code ?? null,
    });
  },
};

/** Maps a validated resource of a supported type. */
export function mapResource(type: SupportedType, resource: Resource & { id: string }, ctx: MapContext): MapResult {
  const mapping = mappings[type] as (r: Resource & { id: string }, m: Mapper) => MapResult;
  return mapping(resource, new Mapper(ctx));
}
