import type { Resource } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { mapResource, timestampOf, VGR, type MapResult, type MappedResource } from "./map";
import { isSupportedType } from "./validate";

function map(resource: Record<string, unknown>, fullUrls = new Map()): MapResult {
  const type = resource.resourceType as string;
  if (!isSupportedType(type)) throw new Error(type);
  return mapResource(type, resource as unknown as Resource & { id: string }, { fullUrls });
}

function columns(resource: Record<string, unknown>): Record<string, unknown> {
  const r = map(resource);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value.columns;
}

const subject = { reference: "Patient/p1" };

describe("mapping to the read model", () => {
  it("Patient: names, personnummer, birth date, deceased, protected identity, managing unit", () => {
    const r = map({
      resourceType: "Patient",
      id: "p1",
      meta: { versionId: "3", lastUpdated: "2024-05-01T10:00:00Z", security: [{ code: "sekretessmarkering" }] },
      identifier: [{ system: "http://electronichealth.se/identifier/personnummer", value: "19800101-9986" }],
      name: [{ use: "official", given: ["Skyddad"], family: "uppgift" }],
      deceasedDateTime: "2024-04-01",
      managingOrganization: { reference: "Organization/vc" },
    });
    expect(r.ok).toBe(true);
    const v = (r as { value: MappedResource }).value;
    expect(v.version).toEqual({ versionId: 3, lastUpdated: "2024-05-01T10:00:00Z" });
    expect(v.identifierRefs).toEqual(["Patient?identifier=urn:oid:1.2.752.129.2.1.3.1|198001019986"]);
    expect(v.columns).toMatchObject({
      personnummer: "198001019986",
      birth_date: "1980-01-01",
      deceased: true,
      deceased_at: "2024-04-01T00:00:00Z",
      protected_identity: true,
      managing_care_unit_id: "vc",
      given_name: "Skyddad",
    });
  });

  it("Organization: HSA-id, kind, parent, and a name even when none is sent", () => {
    expect(
      columns({
        resourceType: "Organization",
        id: "o",
        identifier: [{ system: "urn:oid:1.2.752.29.4.19", value: "SE2321000131-E1" }],
        type: [{ coding: [{ system: VGR.providerKind, code: "municipality" }] }],
        partOf: { reference: "Organization/root" },
      }),
    ).toMatchObject({ hsa_id: "SE2321000131-E1", name: "SE2321000131-E1", own_provider_kind: "municipality", parent_id: "root" });
  });

  it("Organization: the visiting address as one line, preferring a physical or work address with lines", () => {
    const organization = (address: unknown) => columns({ resourceType: "Organization", id: "o", name: "Vårdcentralen Högsbo", address });
    expect(
      organization([
        { use: "work", type: "postal", line: ["Box 123"], postalCode: "405 30", city: "Göteborg" },
        { type: "physical", line: [" Kungsgatan 12 ", "Plan 3"], postalCode: "411 19", city: "Göteborg" },
      ]),
    ).toMatchObject({ address: "Kungsgatan 12, Plan 3, 411 19 Göteborg", city: "Göteborg" });
    expect(
      organization([
        { use: "old", line: ["Gamla vägen 1"], city: "Mölndal" },
        { use: "home", line: ["Hemgatan 2"], city: "Borås" },
        { use: "work", line: ["Arbetsgatan 3"], postalCode: "431 30", city: "Mölndal" },
      ]),
    ).toMatchObject({ address: "Arbetsgatan 3, 431 30 Mölndal" });
    // The first address with a line, even without a postal code or city; one without lines is no visiting address.
    expect(organization([{ city: "Kungälv" }, { line: ["Storgatan 5"] }])).toMatchObject({ address: "Storgatan 5", city: "Kungälv" });
    expect(organization([{ line: ["  "], postalCode: "442 31", city: "Kungälv" }])).toMatchObject({ address: null, city: "Kungälv" });
    expect(organization(undefined)).toMatchObject({ address: null, city: null });
  });

  it("Observation: value, unit, reference range, interpretation; components when there is no value", () => {
    expect(
      columns({
        resourceType: "Observation",
        id: "o",
        status: "final",
        code: { coding: [{ system: "http://snomed.info/sct", code: "1" }, { system: "http://loinc.org", code: "2345-7", display: "Glukos" }] },
        subject,
        effectiveDateTime: "2024-02-01T08:00:00+01:00",
        valueQuantity: { value: 7.9, unit: "mmol/L" },
        referenceRange: [{ low: { value: 4 }, high: { value: 6 }, text: "4-6" }],
        interpretation: [{ coding: [{ code: "H" }] }],
        performer: [{ reference: "Organization/lab" }],
      }),
    ).toMatchObject({ section: "results", code: "2345-7", title: "Glukos", value_number: 7.9, unit: "mmol/L", reference_low: 4, reference_high: 6, reference_text: "4-6", interpretation: "H", care_unit_id: "lab", occurred_at: "2024-02-01T08:00:00+01:00" });
    const bp = columns({
      resourceType: "Observation",
      id: "bp",
      status: "final",
      code: { text: "Blodtryck" },
      subject,
      component: [
        { code: { text: "Systoliskt" }, valueQuantity: { value: 120, unit: "mm[Hg]" } },
        { code: { text: "Diastoliskt" }, valueQuantity: { value: 80, unit: "mm[Hg]" } },
      ],
    });
    expect(bp.value_text).toBe("Systoliskt: 120 mm[Hg]; Diastoliskt: 80 mm[Hg]");
    expect((bp.details as { components: unknown[] }).components).toHaveLength(2);
  });

  it("notes: the text of a DocumentReference attachment, or a Composition's sections", () => {
    expect(
      columns({
        resourceType: "DocumentReference",
        id: "d",
        status: "current",
        type: { text: "Epikris" },
        subject,
        date: "2024-01-02T10:00:00Z",
        custodian: { reference: "Organization/avd" },
        content: [{ attachment: { contentType: "text/plain; charset=utf-8", data: Buffer.from("Utskriven i gott skick.").toString("base64") } }],
      }),
    ).toMatchObject({ section: "notes", title: "Epikris", text: "Utskriven i gott skick.", care_unit_id: "avd" });
    expect(
      columns({
        resourceType: "Composition",
        id: "c",
        status: "final",
        type: { text: "Journalanteckning" },
        subject,
        date: "2024-01-02",
        author: [{ reference: "Practitioner/dr" }],
        title: "Besök",
        section: [{ title: "Bedömning", text: { status: "generated", div: "<div><p>Lugnt.</p></div>" } }],
      }),
    ).toMatchObject({ title: "Besök", text: "Bedömning\nLugnt.", practitioner_id: "dr", occurred_at: "2024-01-02T00:00:00Z" });
  });

  it("diagnoses prefer the ICD-10 code; allergies list reactions; referrals name both units", () => {
    expect(
      columns({
        resourceType: "Condition",
        id: "c",
        subject,
        code: { coding: [{ system: "http://snomed.info/sct", code: "44054006" }, { system: "http://hl7.org/fhir/sid/icd-10-se", code: "E11.9", display: "Typ 2-diabetes" }] },
        onsetDateTime: "2019",
      }),
    ).toMatchObject({ code: "E11.9", code_system: "http://hl7.org/fhir/sid/icd-10-se", occurred_at: "2019-01-01T00:00:00Z" });
    expect(
      columns({
        resourceType: "AllergyIntolerance",
        id: "a",
        patient: subject,
        code: { text: "Jordnöt" },
        reaction: [{ manifestation: [{ text: "Nässelutslag" }, { text: "Svullnad" }] }],
      }),
    ).toMatchObject({ section: "allergies", title: "Jordnöt", text: "Nässelutslag, Svullnad" });
    expect(
      columns({
        resourceType: "ServiceRequest",
        id: "s",
        status: "active",
        subject,
        code: { text: "Remiss till ögonklinik" },
        requester: { reference: "Organization/vc" },
        performer: [{ reference: "Organization/ogon" }],
      }).details,
    ).toMatchObject({ fromUnitId: "vc", toUnitId: "ogon" });
  });

  it("booking: bookable appointment types, slots and appointments", () => {
    expect(
      columns({
        resourceType: "HealthcareService",
        id: "h",
        name: "Provtagning",
        providedBy: { reference: "Organization/vc" },
        appointmentRequired: true,
        extension: [
          { url: VGR.bookableOnline, valueBoolean: true },
          { url: VGR.cancellationDeadline, valueInteger: 24 },
        ],
      }),
    ).toMatchObject({ name: "Provtagning", care_unit_id: "vc", bookable_online: true, open_booking: false, cancellation_deadline_hours: 24, preparation: null });
    expect(
      columns({ resourceType: "HealthcareService", id: "h", appointmentRequired: true, extension: [{ url: VGR.openBooking, valueBoolean: true }] }),
    ).toMatchObject({ bookable_online: false, open_booking: true });
    expect(
      columns({ resourceType: "HealthcareService", id: "h", extraDetails: "  Ta med legitimation.\n  " }),
    ).toMatchObject({ preparation: "Ta med legitimation." });
    expect(columns({ resourceType: "HealthcareService", id: "h", extraDetails: " \n " })).toMatchObject({ preparation: null });
    expect(
      columns({ resourceType: "Slot", id: "sl", schedule: { reference: "Schedule/s" }, status: "free", start: "2026-04-01T08:00:00Z", end: "2026-04-01T08:15:00Z" }),
    ).toMatchObject({ schedule_id: "s", status: "free", starts_at: "2026-04-01T08:00:00Z" });
    expect(
      columns({
        resourceType: "Appointment",
        id: "a",
        status: "booked",
        start: "2026-04-01T08:00:00Z",
        slot: [{ reference: "Slot/sl" }],
        participant: [{ actor: { reference: "Practitioner/dr" } }, { actor: { reference: "Patient/p1" } }, { actor: { reference: "HealthcareService/h" } }],
      }),
    ).toMatchObject({ person_id: "p1", practitioner_id: "dr", appointment_type_id: "h", slot_ids: ["sl"] });
  });

  it("messages: direction from the sender, thread from the message answered", () => {
    expect(
      columns({
        resourceType: "Communication",
        id: "m2",
        status: "completed",
        subject,
        sender: { reference: "Practitioner/dr", display: "Dr Ek" },
        recipient: [{ reference: "Patient/p1" }],
        inResponseTo: [{ reference: "Communication/m1" }],
        payload: [{ contentString: "Svar" }],
      }),
    ).toMatchObject({ direction: "care", thread_id: "m1", parent_id: "m1", sender_name: "Dr Ek", body: "Svar" });
    expect(columns({ resourceType: "Communication", id: "m1", status: "completed", subject, sender: { reference: "RelatedPerson/rp" } })).toMatchObject({
      direction: "patient",
      thread_id: "m1",
    });
  });

  it("messages: opened by the unit, can be answered, the text exactly as sent", () => {
    const citizen = { resourceType: "Communication", id: "m3", status: "completed", subject, sender: { reference: "Patient/p1" }, recipient: [{ reference: "Organization/vc" }], sent: "2026-12-01T09:00:00Z" };
    expect(columns(citizen)).toMatchObject({ opened_by_unit_at: null, can_reply: true });
    expect(columns({ ...citizen, received: "2026-12-01T10:00:00Z" })).toMatchObject({ opened_by_unit_at: "2026-12-01T10:00:00Z" });
    // The Messages API's OPENED without a time: the time it was sent.
    const opened = [{ url: "https://fhir-ehr.cerner.com/patientMessages/StructureDefinition/status", valueCode: "OPENED" }];
    expect(columns({ ...citizen, extension: opened })).toMatchObject({ opened_by_unit_at: "2026-12-01T09:00:00Z" });
    // On a care team's message, received is the citizen's reading (the portal's read_at), not the unit's opening.
    const care = { ...citizen, id: "m4", sender: { reference: "Organization/vc" }, recipient: [subject], received: "2026-12-02T10:00:00Z" };
    expect(columns(care)).toMatchObject({ direction: "care", opened_by_unit_at: null, can_reply: true });
    expect(columns({ ...care, extension: [{ url: VGR.canReply, valueBoolean: false }] })).toMatchObject({ can_reply: false });
    expect(columns({ ...care, category: [{ coding: [{ system: "https://fhir-ehr.cerner.com/patientMessages/CodeSystem/notificationType", code: "REMINDER" }] }] })).toMatchObject({ can_reply: false });
    expect(columns({ ...care, category: [{ text: "Påminnelse" }] })).toMatchObject({ can_reply: false });
    // One text payload is kept byte for byte; several are joined, each trimmed.
    expect(columns({ ...citizen, payload: [{ contentString: "  Hej\r\n\n\n\tdå  " }] })).toMatchObject({ body: "  Hej\r\n\n\n\tdå  " });
    expect(columns({ ...citizen, payload: [{ contentString: " a " }, { contentString: " b " }] })).toMatchObject({ body: "a\n\nb" });
  });

  it("Organization: open messaging, its message topics in order, and the answer time in working days", () => {
    const unit = (extension: unknown[]) => columns({ resourceType: "Organization", id: "vc", name: "Vårdcentralen", extension });
    expect(unit([])).toMatchObject({ open_messaging: false, message_topics: null, answer_working_days: null });
    expect(
      unit([
        { url: VGR.openMessaging, valueBoolean: true },
        { url: VGR.messageTopic, valueCoding: { code: "behandling", display: "Fråga om behandling" } },
        { url: VGR.messageTopic, valueCoding: { code: "recept", display: "Förnya recept" } },
        { url: VGR.messageTopic, valueCoding: { code: "recept", display: "Twice" } },
        { url: VGR.messageTopic, valueCoding: { code: "ovrigt" } },
        { url: VGR.answerTime, valueInteger: 3 },
      ]),
    ).toMatchObject({
      open_messaging: true,
      message_topics: [
        { code: "behandling", display: "Fråga om behandling" },
        { code: "recept", display: "Förnya recept" },
        { code: "ovrigt", display: "ovrigt" },
      ],
      answer_working_days: 3,
    });
    expect(unit([{ url: VGR.answerTime, valueInteger: -1 }])).toMatchObject({ answer_working_days: null });
  });

  it("access events: when, about whom, and from which unit", () => {
    expect(
      columns({
        resourceType: "AuditEvent",
        id: "ae",
        type: { code: "rest" },
        action: "R",
        recorded: "2024-03-01T10:00:00+01:00",
        agent: [{ who: { reference: "Practitioner/dr" }, requestor: true }, { who: { reference: "Organization/akut", display: "Akuten" }, requestor: false }],
        entity: [{ what: { reference: "Patient/p1" } }],
      }),
    ).toMatchObject({ person_id: "p1", care_unit_id: "akut", care_unit_name: "Akuten", action: "R", occurred_at: "2024-03-01T10:00:00+01:00" });
  });

  it("skips what is not about a patient, rejects a bad personnummer, hides entered-in-error", () => {
    expect(map({ resourceType: "Observation", id: "o", status: "final", code: { text: "x" }, subject: { reference: "Group/g" } })).toEqual({ ok: false, skip: "not-about-a-patient" });
    expect(map({ resourceType: "Observation", id: "o", status: "final", code: { text: "x" } })).toEqual({ ok: false, skip: "no-patient" });
    expect(map({ resourceType: "Patient", id: "p", identifier: [{ system: "urn:oid:1.2.752.129.2.1.3.1", value: "198001019987" }] })).toMatchObject({
      ok: false,
      path: "Patient.identifier[0].value",
    });
    const hidden = map({ resourceType: "Condition", id: "c", subject, verificationStatus: { coding: [{ code: "entered-in-error" }] } });
    expect(hidden.ok && hidden.value.hidden).toBe(true);
  });

  it("pads partial dates to instants PostgreSQL reads alike in any time zone", () => {
    expect(timestampOf("2020")).toBe("2020-01-01T00:00:00Z");
    expect(timestampOf("2020-05")).toBe("2020-05-01T00:00:00Z");
    expect(timestampOf("2020-05-06T07:08:09+02:00")).toBe("2020-05-06T07:08:09+02:00");
  });
});
