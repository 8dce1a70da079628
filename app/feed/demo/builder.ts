import type {
  AllergyIntolerance,
  Appointment,
  AuditEvent,
  CodeableConcept,
  Communication,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Encounter,
  HealthcareService,
  Immunization,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Reference,
  RelatedPerson,
  Schedule,
  ServiceRequest,
  Slot,
} from "@medplum/fhirtypes";
import { service, staffOf, unit, type Profession, type Staff } from "./catalogue";
import { localDateTime, localInstant, utcInstant } from "./dates";
import type { Random } from "./random";
import {
  ALLERGENS,
  ANALYTES,
  CONTACT_TYPES,
  DIAGNOSES,
  DRUGS,
  NOTE_TYPES,
  SYSTEMS,
  VACCINES,
  type AllergenKey,
  type AnalyteKey,
  type ContactTypeKey,
  type DiagnosisKey,
  type DrugKey,
  type NoteTypeKey,
  type VaccineKey,
} from "./terminology";

/** Every resource type the demo sends. */
export type DemoResource =
  | Organization
  | Practitioner
  | HealthcareService
  | Schedule
  | Slot
  | Patient
  | RelatedPerson
  | Encounter
  | DocumentReference
  | Condition
  | Observation
  | DiagnosticReport
  | MedicationRequest
  | AllergyIntolerance
  | Immunization
  | ServiceRequest
  | Appointment
  | Communication
  | AuditEvent;

export interface Person {
  id: string;
  personnummer: string;
  given: string;
  family: string;
  gender: "female" | "male";
  /** Local day number. */
  birthDay: number;
  city: string;
  /** The listed primary care centre (unit key). */
  primaryCare: string;
  deceasedDay?: number;
  protectedIdentity?: boolean;
}

export interface Clock {
  /** The instant the data is generated at (ms); nothing is recorded after it. */
  now: number;
  /** Its Swedish calendar day. */
  today: number;
}

export interface Contact {
  id: string;
  unit: string;
  staff: Staff;
  day: number;
  minute: number;
  /** When the contact ended (ms; for a stay, the day of discharge). */
  endMs: number;
  /** When the contact was documented (ms). */
  recordedMs: number;
}

// Reference<never> fits every typed reference field: the target type is in the string, as FHIR has it.
const ref = (type: string, id: string, display?: string): Reference<never> => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const coded = (system: string, code: string, display?: string, text?: string): CodeableConcept => ({
  coding: [{ system, code, ...(display ? { display } : {}) }],
  ...(text ? { text } : {}),
});

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * Builds one person's resources. Ids are numeric, as Millennium's are: the person's number times 10,000 plus a running
 * counter, so every person's ids are their own whatever order people are generated in.
 */
export class RecordBuilder {
  readonly resources: DemoResource[] = [];
  /** The person's care contacts so far, in the order they were made. */
  readonly contacts: Contact[] = [];
  private counter = 0;

  constructor(
    readonly person: Person,
    readonly clock: Clock,
    readonly rng: Random,
    private readonly idBase: number,
  ) {}

  get patientRef(): Reference<never> {
    return ref("Patient", this.person.id);
  }

  nextId(): string {
    this.counter += 1;
    if (this.counter >= 10_000) throw new Error("too many resources for one person");
    return String(this.idBase * 10_000 + this.counter);
  }

  /** A past instant: a local day and minute, never after now. */
  instant(day: number, minute: number): number {
    return Math.min(localInstant(day, minute), this.clock.now - 60_000);
  }

  meta(recordedMs: number, versionId = 1) {
    return { versionId: String(versionId), lastUpdated: utcInstant(recordedMs) };
  }

  staffAt(unitKey: string, professions?: readonly Profession[]): Staff {
    return this.rng.pick(staffOf(unitKey, professions));
  }

  private push<T extends DemoResource>(resource: T): T {
    this.resources.push(resource);
    return resource;
  }

  /** A care contact (Encounter). Returns what later entries of the same contact refer to. */
  contact(options: {
    unit: string;
    day: number;
    minute?: number;
    type: ContactTypeKey;
    reason: string;
    professions?: readonly Profession[];
    staff?: Staff;
    minutes?: number;
    days?: number;
  }): Contact {
    const minute = options.minute ?? this.rng.int(16, 32) * 30;
    const staff = options.staff ?? this.staffAt(options.unit, options.professions);
    const minutes = options.minutes ?? (options.type === "phone" ? 15 : 30);
    const endDay = options.day + (options.days ?? 0);
    const endMinute = options.days ? minute : minute + minutes;
    const recordedMs = this.instant(endDay, endMinute + this.rng.int(5, 90));
    const id = this.nextId();
    const u = unit(options.unit);
    const contactType = CONTACT_TYPES[options.type];
    this.push<Encounter>({
      resourceType: "Encounter",
      id,
      meta: this.meta(recordedMs),
      status: "finished",
      class: { system: SYSTEMS.actCode, code: contactType.class },
      type: [coded(SYSTEMS.contactType, options.type, contactType.display, contactType.display)],
      subject: this.patientRef,
      participant: [{ individual: ref("Practitioner", staff.id, staff.name) }],
      period: { start: localDateTime(options.day, minute), end: localDateTime(endDay, endMinute) },
      reasonCode: [{ text: options.reason }],
      serviceProvider: ref("Organization", u.id, u.name),
    });
    const c = { id, unit: options.unit, staff, day: options.day, minute, endMs: localInstant(endDay, endMinute), recordedMs };
    this.contacts.push(c);
    return c;
  }

  /** A note (DocumentReference with the text as a plain-text attachment). */
  note(c: Contact, type: NoteTypeKey, text: string, options: { versionId?: number; signedLaterDays?: number } = {}): string {
    const id = this.nextId();
    const noteType = NOTE_TYPES[type];
    const signedMs = options.signedLaterDays
      ? this.instant(c.day + options.signedLaterDays, this.rng.int(8 * 60, 16 * 60))
      : c.recordedMs;
    const u = unit(c.unit);
    this.push<DocumentReference>({
      resourceType: "DocumentReference",
      id,
      meta: this.meta(signedMs, options.versionId ?? 1),
      status: "current",
      docStatus: options.versionId && options.versionId > 1 ? "amended" : "final",
      type: coded(SYSTEMS.loinc, noteType.loinc, undefined, noteType.display),
      subject: this.patientRef,
      date: utcInstant(signedMs),
      author: [ref("Practitioner", c.staff.id, c.staff.name)],
      custodian: ref("Organization", u.id, u.name),
      content: [
        {
          attachment: {
            contentType: "text/plain; charset=utf-8",
            language: "sv",
            title: noteType.display,
            data: Buffer.from(text, "utf8").toString("base64"),
          },
        },
      ],
      context: { encounter: [ref("Encounter", c.id)], period: { start: localDateTime(c.day, c.minute) } },
    });
    return id;
  }

  condition(c: Contact, key: DiagnosisKey, options: { resolvedDay?: number; note?: string; onsetDay?: number } = {}): string {
    const id = this.nextId();
    const d = DIAGNOSES[key];
    const resolved = options.resolvedDay !== undefined && options.resolvedDay <= this.clock.today;
    this.push<Condition>({
      resourceType: "Condition",
      id,
      meta: this.meta(c.recordedMs),
      clinicalStatus: coded(SYSTEMS.conditionClinical, resolved ? "resolved" : "active"),
      verificationStatus: coded(SYSTEMS.conditionVerification, "confirmed"),
      category: [coded(SYSTEMS.conditionCategory, "encounter-diagnosis")],
      code: coded(SYSTEMS.icd10se, d.code, d.display, d.display),
      subject: this.patientRef,
      encounter: ref("Encounter", c.id),
      onsetDateTime: localDateTime(options.onsetDay ?? c.day, c.minute),
      ...(resolved ? { abatementDateTime: localDateTime(options.resolvedDay as number, 12 * 60) } : {}),
      recordedDate: utcInstant(c.recordedMs),
      recorder: ref("Practitioner", c.staff.id, c.staff.name),
      ...(options.note ? { note: [{ text: options.note }] } : {}),
    });
    return id;
  }

  /** A measured value with its reference range and interpretation. */
  observation(options: {
    analyte: AnalyteKey;
    value: number;
    day: number;
    minute: number;
    performer: string;
    contact?: Contact;
    /** Days from sampling until the result is issued. */
    issuedAfterDays?: number;
  }): string {
    const a = ANALYTES[options.analyte];
    const id = this.nextId();
    const value = round(options.value, a.decimals);
    const [low, high] = a.reference[this.person.gender];
    let interpretation: string | undefined;
    if (low !== null && value < low) interpretation = "L";
    else if (high !== null && value > high) interpretation = "H";
    else if (low !== null || high !== null) interpretation = "N";
    const quantity = (v: number) => ({ value: v, unit: a.unit, system: SYSTEMS.ucum, code: a.ucum });
    const rangeText =
      low !== null && high !== null ? `${low}–${high}` : high !== null ? `< ${high}` : low !== null ? `> ${low}` : undefined;
    const issuedMs = this.instant(options.day + (options.issuedAfterDays ?? 0), options.minute + this.rng.int(60, 300));
    const performer = unit(options.performer);
    this.push<Observation>({
      resourceType: "Observation",
      id,
      meta: this.meta(issuedMs),
      status: "final",
      category: [coded(SYSTEMS.observationCategory, a.category)],
      code: {
        coding: [
          { system: SYSTEMS.npu, code: a.npu, display: a.name },
          { system: SYSTEMS.loinc, code: a.loinc },
        ],
        text: a.name,
      },
      subject: this.patientRef,
      ...(options.contact ? { encounter: ref("Encounter", options.contact.id) } : {}),
      effectiveDateTime: localDateTime(options.day, options.minute),
      issued: utcInstant(issuedMs),
      performer: [ref("Organization", performer.id, performer.name)],
      valueQuantity: quantity(value),
      ...(interpretation ? { interpretation: [coded(SYSTEMS.interpretation, interpretation)] } : {}),
      ...(rangeText
        ? {
            referenceRange: [
              { ...(low !== null ? { low: quantity(low) } : {}), ...(high !== null ? { high: quantity(high) } : {}), text: rangeText },
            ],
          }
        : {}),
    });
    return id;
  }

  /** An imaging report with its conclusion. */
  imagingReport(c: Contact, title: string, conclusion: string, loinc: string): string {
    const id = this.nextId();
    const radiology = unit("suRadiology");
    const radiologist = this.staffAt("suRadiology");
    const issuedMs = this.instant(c.day + 1, this.rng.int(9 * 60, 15 * 60));
    this.push<DiagnosticReport>({
      resourceType: "DiagnosticReport",
      id,
      meta: this.meta(issuedMs),
      status: "final",
      category: [coded("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "Radiology")],
      code: coded(SYSTEMS.loinc, loinc, undefined, title),
      subject: this.patientRef,
      encounter: ref("Encounter", c.id),
      effectiveDateTime: localDateTime(c.day, c.minute + 30),
      issued: utcInstant(issuedMs),
      performer: [ref("Organization", radiology.id, radiology.name)],
      resultsInterpreter: [ref("Practitioner", radiologist.id, radiologist.name)],
      conclusion,
    });
    return id;
  }

  medication(
    c: Contact,
    key: DrugKey,
    options: { endedDay?: number; contained?: boolean; dosage?: string } = {},
  ): string {
    const id = this.nextId();
    const drug = DRUGS[key];
    const ended = options.endedDay !== undefined && options.endedDay <= this.clock.today;
    const concept = coded(SYSTEMS.atc, drug.atc, undefined, drug.product);
    const medication = options.contained
      ? {
          contained: [{ resourceType: "Medication" as const, id: "lakemedel", code: concept }],
          medicationReference: { reference: "#lakemedel", display: drug.product },
        }
      : { medicationCodeableConcept: concept };
    this.push<MedicationRequest>({
      resourceType: "MedicationRequest",
      id,
      meta: this.meta(c.recordedMs),
      ...medication,
      status: ended ? "completed" : "active",
      intent: "order",
      subject: this.patientRef,
      encounter: ref("Encounter", c.id),
      authoredOn: utcInstant(c.recordedMs),
      requester: ref("Practitioner", c.staff.id, c.staff.name),
      dosageInstruction: [{ text: options.dosage ?? drug.dosage }],
      ...(ended
        ? { dispenseRequest: { validityPeriod: { start: localDateTime(c.day, c.minute), end: localDateTime(options.endedDay as number, 12 * 60) } } }
        : {}),
    });
    return id;
  }

  allergy(c: Contact, key: AllergenKey): string {
    const id = this.nextId();
    const a = ALLERGENS[key];
    this.push<AllergyIntolerance>({
      resourceType: "AllergyIntolerance",
      id,
      meta: this.meta(c.recordedMs),
      clinicalStatus: coded(SYSTEMS.allergyClinical, "active"),
      verificationStatus: coded(SYSTEMS.allergyVerification, "confirmed"),
      type: "allergy",
      category: [a.category],
      criticality: a.criticality,
      code: coded(SYSTEMS.snomed, a.snomed, undefined, a.display),
      patient: this.patientRef,
      encounter: ref("Encounter", c.id),
      recordedDate: utcInstant(c.recordedMs),
      recorder: ref("Practitioner", c.staff.id, c.staff.name),
      reaction: [{ manifestation: [{ text: a.manifestation }] }],
    });
    return id;
  }

  immunization(options: { vaccine: VaccineKey; day: number; unit: string; dose?: number; professions?: readonly Profession[] }): string {
    const id = this.nextId();
    const v = VACCINES[options.vaccine];
    const u = unit(options.unit);
    const minute = this.rng.int(17, 31) * 30;
    const staff = this.staffAt(options.unit, options.professions);
    const recordedMs = this.instant(options.day, minute + this.rng.int(5, 60));
    this.push<Immunization>({
      resourceType: "Immunization",
      id,
      meta: this.meta(recordedMs),
      status: "completed",
      vaccineCode: coded(SYSTEMS.atc, v.atc, undefined, v.product),
      patient: this.patientRef,
      occurrenceDateTime: localDateTime(options.day, minute),
      recorded: utcInstant(recordedMs),
      primarySource: true,
      lotNumber: `${v.product.slice(0, 2).toUpperCase()}${this.rng.int(1000, 9999)}`,
      performer: [{ actor: ref("Organization", u.id, u.name) }, { actor: ref("Practitioner", staff.id, staff.name) }],
      protocolApplied: [{ targetDisease: [{ text: v.disease }], doseNumberPositiveInt: options.dose ?? 1 }],
    });
    return id;
  }

  referral(c: Contact, options: { to: string; title: string; reason: string; completed?: boolean }): string {
    const id = this.nextId();
    const from = unit(c.unit);
    const to = unit(options.to);
    this.push<ServiceRequest>({
      resourceType: "ServiceRequest",
      id,
      meta: this.meta(c.recordedMs),
      status: options.completed ? "completed" : "active",
      intent: "order",
      category: [coded(SYSTEMS.snomed, "3457005", "Patient referral", "Remiss")],
      code: { text: options.title },
      subject: this.patientRef,
      encounter: ref("Encounter", c.id),
      authoredOn: utcInstant(c.recordedMs),
      requester: ref("Organization", from.id, from.name),
      performer: [ref("Organization", to.id, to.name)],
      reasonCode: [{ text: options.reason }],
      note: [{ text: `Remitterande: ${c.staff.name}, ${c.staff.profession.toLowerCase()}` }],
    });
    return id;
  }

  /**
   * A read of the record in the clinical system (AuditEvent, the DICOM "Patient Record" event with action R), by a
   * member of staff at a unit: the access log the patient may ask for names the unit and the time.
   */
  accessEvent(options: { unit: string; staff: Staff; atMs: number }): string {
    const id = this.nextId();
    const u = unit(options.unit);
    this.push<AuditEvent>({
      resourceType: "AuditEvent",
      id,
      meta: this.meta(options.atMs),
      type: { system: SYSTEMS.dicom, code: "110110", display: "Patient Record" },
      action: "R",
      recorded: utcInstant(options.atMs),
      outcome: "0",
      agent: [
        { role: [{ text: options.staff.profession }], who: ref("Practitioner", options.staff.id, options.staff.name), requestor: true },
        { who: ref("Organization", u.id, u.name), requestor: false },
      ],
      source: { site: "Millennium", observer: { display: "Millennium" } },
      entity: [{ what: this.patientRef, role: { system: SYSTEMS.objectRole, code: "1", display: "Patient" } }],
    });
    return id;
  }

  /** An appointment of a bookable type; past ones fulfilled, future ones booked (on a slot when given). */
  appointment(options: {
    service: string;
    day: number;
    minute: number;
    status: "booked" | "fulfilled" | "cancelled" | "noshow";
    slotId?: string;
    bookedDaysBefore?: number;
    description?: string;
    staff?: Staff;
  }): string {
    const id = this.nextId();
    const s = service(options.service);
    const staff = options.staff ?? this.staffAt(s.unit, s.professions);
    const bookedDay = Math.min(options.day - (options.bookedDaysBefore ?? this.rng.int(5, 30)), this.clock.today);
    const bookedMs = this.instant(bookedDay, this.rng.int(8 * 60, 20 * 60));
    const updatedMs =
      options.status === "booked" ? bookedMs : this.instant(options.day, options.minute + s.minutes + this.rng.int(1, 30));
    this.push<Appointment>({
      resourceType: "Appointment",
      id,
      meta: this.meta(updatedMs, options.status === "booked" ? 1 : 2),
      status: options.status,
      serviceType: [coded(SYSTEMS.appointmentType, s.code, s.name, s.name)],
      appointmentType: coded(SYSTEMS.v20276, "ROUTINE"),
      description: options.description ?? s.name,
      start: localDateTime(options.day, options.minute),
      end: localDateTime(options.day, options.minute + s.minutes),
      minutesDuration: s.minutes,
      ...(options.slotId ? { slot: [ref("Slot", options.slotId)] } : {}),
      created: utcInstant(bookedMs),
      participant: [
        { actor: this.patientRef, required: "required", status: "accepted" },
        { actor: ref("Practitioner", staff.id, staff.name), required: "required", status: "accepted" },
        { actor: ref("HealthcareService", s.id, s.name), required: "information-only", status: "accepted" },
      ],
    });
    return id;
  }

  /**
   * A message thread: the first message opens it; each later one answers the one before. `from` is "patient" (the
   * person, or a guardian named by a RelatedPerson id) or "care" (the unit, signed by a member of staff).
   */
  thread(options: {
    unit: string;
    topic: string;
    day: number;
    messages: { from: "patient" | "care"; text: string; afterDays?: number; guardianRelatedPersonId?: string; guardianName?: string }[];
    /** Messages read by the citizen (all but the last care message, by default). */
    unreadLast?: boolean;
    /** The care team's answers sent by the member of staff (a Practitioner, named), not the unit's group inbox. */
    signedByStaff?: boolean;
    /** The unit closed the conversation: no more replies (the extension can-reply false on each message). */
    closed?: boolean;
  }): string[] {
    const u = unit(options.unit);
    const staff = this.staffAt(options.unit, ["Distriktssköterska", "Sjuksköterska", "Barnsjuksköterska", "Läkare", "Skolsköterska", "Kurator"]);
    const ids: string[] = [];
    let day = options.day;
    let minute = this.rng.int(8 * 60, 18 * 60);
    options.messages.forEach((m, i) => {
      day += m.afterDays ?? (i === 0 ? 0 : this.rng.int(0, 2));
      minute = Math.min(minute + this.rng.int(30, 240), 21 * 60);
      const sentMs = this.instant(day, minute);
      const id = this.nextId();
      const sender =
        m.from === "care"
          ? options.signedByStaff
            ? ref("Practitioner", staff.id, staff.name)
            : ref("Organization", u.id, u.name)
          : m.guardianRelatedPersonId
            ? ref("RelatedPerson", m.guardianRelatedPersonId, m.guardianName)
            : ref("Patient", this.person.id, `${this.person.given} ${this.person.family}`);
      // A member of staff writes for the unit: the unit is among the recipients, as the poller gives it.
      const recipient = m.from === "care" ? [this.patientRef, ...(options.signedByStaff ? [ref("Organization", u.id, u.name)] : [])] : [ref("Organization", u.id, u.name)];
      const body = m.from === "care" ? `${m.text}\n\nVänliga hälsningar\n${staff.name}, ${staff.profession.toLowerCase()}\n${u.name}` : m.text;
      const isLast = i === options.messages.length - 1;
      this.push<Communication>({
        resourceType: "Communication",
        id,
        meta: this.meta(sentMs),
        ...(options.closed ? { extension: [{ url: CAN_REPLY_URL, valueBoolean: false }] } : {}),
        status: "completed",
        category: [{ text: "Meddelande" }],
        subject: this.patientRef,
        topic: { text: options.topic },
        ...(ids.length > 0 ? { inResponseTo: [ref("Communication", ids[ids.length - 1] as string)] } : {}),
        sent: utcInstant(sentMs),
        ...(m.from === "care" && !(isLast && options.unreadLast) ? { received: utcInstant(Math.min(sentMs + 3_600_000 * this.rng.int(2, 30), this.clock.now)) } : {}),
        sender,
        recipient,
        payload: [{ contentString: body }],
      });
      ids.push(id);
    });
    return ids;
  }

  /** A reminder from the unit (the Messages API's notificationType REMINDER): it cannot be answered. */
  reminder(options: { unit: string; topic: string; day: number; text: string; read?: boolean }): string {
    const u = unit(options.unit);
    const sentMs = this.instant(options.day, this.rng.int(7 * 60, 9 * 60));
    const id = this.nextId();
    this.push<Communication>({
      resourceType: "Communication",
      id,
      meta: this.meta(sentMs),
      status: "completed",
      category: [{ coding: [{ system: NOTIFICATION_TYPE_SYSTEM, code: "REMINDER" }], text: "Påminnelse" }],
      subject: this.patientRef,
      topic: { text: options.topic },
      sent: utcInstant(sentMs),
      ...(options.read ? { received: utcInstant(Math.min(sentMs + 3_600_000, this.clock.now)) } : {}),
      sender: ref("Organization", u.id, u.name),
      recipient: [this.patientRef],
      payload: [{ contentString: options.text }],
    });
    return id;
  }
}

/** The extension the poller gives a message that cannot be answered (the unit closed the conversation). */
const CAN_REPLY_URL = "https://vgregion.se/fhir/StructureDefinition/can-reply";
/** The Messages API's notificationType, as the poller gives it. */
const NOTIFICATION_TYPE_SYSTEM = "https://fhir-ehr.cerner.com/patientMessages/CodeSystem/notificationType";
