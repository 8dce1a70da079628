import type { AuditEvent, Encounter, Reference } from "@medplum/fhirtypes";
import Personnummer from "personnummer";
import { describe, expect, it } from "vitest";
import type { DemoResource } from "./builder";
import { buildDemoCast, demoCast, resolveCastBookings, type CastKey } from "./cast";
import { FOLLOW_UP_DAYS } from "./access-events";
import { EXCLUDED_KEYWORDS, EXCLUDED_UNITS, SERVICES, SLOT_HORIZON_DAYS, STAFF, UNITS } from "./catalogue";
import { clockOf, generateDemoResources, Population } from "./generate";
import { luhnCheckDigit, testPersonnummer } from "./personnummer";
import { SYSTEMS } from "./terminology";

const TODAY = new Date("2026-03-15T10:00:00Z");
const NOW = TODAY.getTime();
const DAY = 86_400_000;

const all = [...generateDemoResources({ today: TODAY, patients: 300, seed: 7 })];
const byRef = new Map(all.map((r) => [`${r.resourceType}/${r.id}`, r]));
const cast = buildDemoCast(TODAY);
const castId = (key: CastKey) => cast.find((c) => c.key === key)?.patientId as string;

type AnyResource = DemoResource & Record<string, unknown>;

function subjectOf(r: DemoResource): string | undefined {
  const x = r as AnyResource;
  const ref = (x.subject ?? x.patient) as Reference | undefined;
  if (ref?.reference) return ref.reference;
  if (r.resourceType === "Appointment") return r.participant.find((p) => p.actor?.reference?.startsWith("Patient/"))?.actor?.reference;
  if (r.resourceType === "AuditEvent") return r.entity?.find((e) => e.what?.reference?.startsWith("Patient/"))?.what?.reference;
  return undefined;
}

const SECTION: Partial<Record<string, string>> = {
  DocumentReference: "notes",
  Condition: "diagnoses",
  Observation: "results",
  DiagnosticReport: "results",
  MedicationRequest: "medications",
  AllergyIntolerance: "allergies",
  Immunization: "vaccinations",
  Encounter: "care_contacts",
  ServiceRequest: "referrals",
};

/** The care unit an entry comes from, as CONVENTIONS.md finds it: the resource's organisation, else its Encounter's. */
function unitOf(r: DemoResource): string | undefined {
  const orgs: (Reference | undefined)[] = [];
  switch (r.resourceType) {
    case "DocumentReference":
      orgs.push(r.custodian);
      break;
    case "Observation":
    case "DiagnosticReport":
      orgs.push(...(r.performer ?? []));
      break;
    case "Immunization":
      orgs.push(...(r.performer ?? []).map((p) => p.actor));
      break;
    case "Encounter":
      orgs.push(r.serviceProvider);
      break;
    case "ServiceRequest":
      orgs.push(r.requester);
      break;
    default:
      break;
  }
  const own = orgs.find((o) => o?.reference?.startsWith("Organization/"));
  if (own) return own.reference?.slice("Organization/".length);
  const x = r as AnyResource;
  const enc = ((x.encounter as Reference | undefined) ?? (x.context as { encounter?: Reference[] } | undefined)?.encounter?.[0])?.reference;
  const encounter = enc ? byRef.get(enc) : undefined;
  return encounter?.resourceType === "Encounter" ? encounter.serviceProvider?.reference?.slice("Organization/".length) : undefined;
}

const kindOfUnitId = new Map([...UNITS.values()].map((u) => [u.id, u.kindOfProvider]));

function noteText(r: DemoResource): string {
  if (r.resourceType !== "DocumentReference") return "";
  return Buffer.from(r.content[0]?.attachment.data ?? "", "base64").toString("utf8");
}

describe("determinism", () => {
  it("gives byte-identical output for the same seed and day, and other output for another seed", () => {
    const again = JSON.stringify([...generateDemoResources({ today: TODAY, patients: 300, seed: 7 })]);
    expect(again).toBe(JSON.stringify(all));
    const other = JSON.stringify([...generateDemoResources({ today: TODAY, patients: 300, seed: 8 })]);
    expect(other).not.toBe(again);
  });

  it("generates any patient alone exactly as in the whole run", () => {
    const population = new Population(7, clockOf(TODAY), 300);
    const alone = [...population.patientResources(123)];
    const id = alone[0]?.id;
    expect(alone[0]?.resourceType).toBe("Patient");
    const inRun = all.filter((r) => r.id === id || subjectOf(r) === `Patient/${id}` || (r.resourceType === "RelatedPerson" && r.patient.reference === `Patient/${id}`));
    expect(JSON.stringify(alone)).toBe(JSON.stringify(inRun));
  });
});

describe("personnummer", () => {
  const patients = all.filter((r) => r.resourceType === "Patient");
  const related = all.filter((r) => r.resourceType === "RelatedPerson");

  it("are valid test numbers in the 980-999 series, one per patient, matching birth date and sex", () => {
    const seen = new Set<string>();
    for (const p of patients) {
      const pnr = p.identifier?.[0]?.value as string;
      expect([SYSTEMS.personnummer, SYSTEMS.personnummerOid]).toContain(p.identifier?.[0]?.system);
      expect(pnr).toMatch(/^\d{12}$/);
      expect(Personnummer.valid(pnr), pnr).toBe(true);
      expect(Number(pnr.slice(8, 11))).toBeGreaterThanOrEqual(980);
      expect(p.birthDate).toBe(`${pnr.slice(0, 4)}-${pnr.slice(4, 6)}-${pnr.slice(6, 8)}`);
      expect(Number(pnr[10]) % 2 === 1 ? "male" : "female").toBe(p.gender);
      expect(seen.has(pnr), pnr).toBe(false);
      seen.add(pnr);
    }
    for (const r of related) expect(Personnummer.valid(r.identifier?.[0]?.value as string)).toBe(true);
  });

  it("computes the Luhn check digit the way Skatteverket does", () => {
    expect(luhnCheckDigit("811218987")).toBe(6); // 19811218-9876, the personnummer package's own example
    expect(testPersonnummer(Date.UTC(1981, 11, 18) / DAY, 987)).toBe("198112189876");
    expect(() => testPersonnummer(0, 123)).toThrow();
  });

  it("never collide across 50,000 generated patients", () => {
    const population = new Population(1, clockOf(TODAY), 50_000);
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const { birthDay, birthNumber } = population.birth(i);
      seen.add(`${birthDay}-${birthNumber}`);
    }
    expect(seen.size).toBe(50_000);
  });
});

describe("the cast's ages, relative to the day of generation", () => {
  const age = (birth: string, on: string) => {
    const [by, bm, bd] = birth.split("-").map(Number) as [number, number, number];
    const [ty, tm, td] = on.split("-").map(Number) as [number, number, number];
    return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  };
  const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
  // Ordinary days, a leap day, New Year's Eve late in the evening (already 1 January in Sweden) and a summer day.
  const days = ["2026-03-15T10:00:00Z", "2028-02-29T12:00:00Z", "2026-12-31T23:30:00Z", "2027-07-01T08:00:00Z", "2030-10-10T10:00:00Z"];

  for (const instant of days) {
    it(`fits the demo on ${instant}`, () => {
      const people = buildDemoCast(new Date(instant));
      const local = new Date(new Date(instant).getTime() + 3_600_000 * (instant.includes("-07-") ? 2 : 1)).toISOString().slice(0, 10);
      const localDay = Date.parse(`${local}T00:00:00Z`) / DAY;
      const ageOf = (key: CastKey) => age(iso(people.find((p) => p.key === key)!.birthDay), local);
      expect(ageOf("child5")).toBe(5);
      expect(ageOf("child12")).toBe(12);
      expect(ageOf("child13")).toBe(13);
      expect(ageOf("child15")).toBe(15);
      expect(ageOf("child17")).toBe(17);
      expect(ageOf("child8")).toBe(8);
      expect(ageOf("protectedChild")).toBe(10);
      expect(ageOf("teen14")).toBe(14);
      expect(ageOf("teen16")).toBe(16);
      for (const p of people) if (!p.key.startsWith("child") && !p.key.startsWith("teen1") && p.key !== "protectedChild") expect(ageOf(p.key)).toBeGreaterThanOrEqual(37);
      // Oskar turns 13 within the next weeks; Maja turned 13 within the last weeks.
      const oskar = people.find((p) => p.key === "child12")!;
      const birthday13 = Date.parse(`${iso(oskar.birthDay + 0).replace(/^\d{4}/, String(new Date(oskar.birthDay * DAY).getUTCFullYear() + 13))}T00:00:00Z`) / DAY;
      expect(birthday13 - localDay).toBeGreaterThanOrEqual(14);
      expect(birthday13 - localDay).toBeLessThanOrEqual(28);
      const maja = people.find((p) => p.key === "child13")!;
      const majaBirthday13 = Date.parse(`${iso(maja.birthDay).replace(/^\d{4}/, String(new Date(maja.birthDay * DAY).getUTCFullYear() + 13))}T00:00:00Z`) / DAY;
      expect(localDay - majaBirthday13).toBeGreaterThanOrEqual(20);
      expect(localDay - majaBirthday13).toBeLessThanOrEqual(60);
      for (const p of people) expect(Personnummer.valid(p.personnummer)).toBe(true);
      expect(new Set(people.map((p) => p.personnummer)).size).toBe(people.length);
    });
  }

  it("names the cast and the fifty patients `npm start` loads beside it all differently, on any day and with any seed", () => {
    for (const [instant, seed] of [["2026-03-15T10:00:00Z", 7], ["2027-07-01T08:00:00Z", 20_240_901], ["2028-02-29T12:00:00Z", 1]] as const) {
      const names = [...generateDemoResources({ today: new Date(instant), patients: 50, seed, catalogue: false })]
        .filter((r) => r.resourceType === "Patient")
        .map((r) => r.name?.[0]?.text);
      expect(names.filter((n, i) => names.indexOf(n) !== i), `${instant}, seed ${seed}`).toEqual([]);
    }
  });

  it("lists every cast member, guardians with their children", () => {
    expect(new Set(demoCast.map((c) => c.key)).size).toBe(demoCast.length);
    expect(demoCast.find((c) => c.key === "guardian")?.childrenKeys).toHaveLength(5);
    const patients = new Set(all.filter((r) => r.resourceType === "Patient").map((r) => r.id));
    for (const c of demoCast) if (c.patientId) expect(patients.has(c.patientId)).toBe(true);
  });
});

describe("references", () => {
  it("all resolve to a resource of the data set (or to a contained one)", () => {
    const problems: string[] = [];
    const walk = (node: unknown, owner: DemoResource) => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, owner));
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "reference" && typeof value === "string") {
          if (value.startsWith("#")) {
            const contained = (owner as AnyResource).contained as { id: string }[] | undefined;
            if (!contained?.some((c) => c.id === value.slice(1))) problems.push(`${owner.resourceType}/${owner.id} → ${value}`);
          } else if (!byRef.has(value)) problems.push(`${owner.resourceType}/${owner.id} → ${value}`);
        } else walk(value, owner);
      }
    };
    for (const r of all) walk(r, r);
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("has unique ids per resource type", () => {
    expect(byRef.size).toBe(all.length);
  });
});

describe("coverage of what the portal shows", () => {
  const main = castId("main");
  const mine = all.filter((r) => subjectOf(r) === `Patient/${main}`);

  it("gives the main person entries in every record section, from all three kinds of provider", () => {
    const sections = new Set(mine.map((r) => SECTION[r.resourceType]).filter(Boolean));
    expect([...sections].sort()).toEqual(["allergies", "care_contacts", "diagnoses", "medications", "notes", "referrals", "results", "vaccinations"]);
    const kinds = new Set(mine.filter((r) => SECTION[r.resourceType]).map((r) => kindOfUnitId.get(unitOf(r) ?? "")));
    expect(kinds).toEqual(new Set(["region", "municipality", "private"]));
    for (const r of mine.filter((x) => SECTION[x.resourceType])) expect(unitOf(r), `${r.resourceType}/${r.id}`).toBeDefined();
  });

  it("gives the main person repeated results over several years, some outside the reference range", () => {
    const observations = mine.filter((r) => r.resourceType === "Observation");
    for (const name of ["B-HbA1c", "P-Kreatinin", "B-Hb", "P-LDL-kolesterol"]) {
      const series = observations.filter((o) => o.code.text === name);
      const years = new Set(series.map((o) => o.effectiveDateTime?.slice(0, 4)));
      expect(years.size, name).toBeGreaterThanOrEqual(4);
      for (const o of series) expect(o.referenceRange?.length, name).toBe(1);
    }
    const flagged = observations.filter((o) => ["H", "L"].includes(o.interpretation?.[0]?.coding?.[0]?.code ?? ""));
    expect(new Set(flagged.map((o) => o.code.text)).size).toBeGreaterThanOrEqual(3);
    for (const o of observations) {
      const range = o.referenceRange?.[0];
      const value = o.valueQuantity?.value as number;
      const code = o.interpretation?.[0]?.coding?.[0]?.code;
      if (range?.high?.value !== undefined && value > range.high.value) expect(code).toBe("H");
      if (range?.low?.value !== undefined && value < range.low.value) expect(code).toBe("L");
    }
  });

  it("has entries recorded within the last 14 days, and nothing recorded after now", () => {
    const recent = mine.filter((r) => SECTION[r.resourceType] && Date.parse(r.meta?.lastUpdated as string) > NOW - 14 * DAY);
    expect(new Set(recent.map((r) => SECTION[r.resourceType]))).toEqual(new Set(["notes", "results", "care_contacts", "referrals"]));
    for (const r of all) expect(Date.parse(r.meta?.lastUpdated as string), `${r.resourceType}/${r.id}`).toBeLessThanOrEqual(NOW);
    for (const r of all.filter((x) => x.resourceType === "Encounter")) expect(Date.parse(r.period?.start as string)).toBeLessThan(NOW);
  });

  it("has notes from the excluded units and notes with each excluded keyword", () => {
    const excludedIds = new Set(EXCLUDED_UNITS.map((u) => u.id));
    const notes = all.filter((r) => r.resourceType === "DocumentReference");
    const fromExcluded = notes.filter((n) => excludedIds.has(unitOf(n) ?? ""));
    expect(fromExcluded.some((n) => subjectOf(n) === `Patient/${castId("child8")}`)).toBe(true);
    expect(EXCLUDED_UNITS.map((u) => u.name)).toEqual(["Barnahus Göteborg", "Rättspsykiatriska regionkliniken"]);
    for (const keyword of EXCLUDED_KEYWORDS) {
      expect(notes.some((n) => subjectOf(n)?.startsWith("Patient/1000") && noteText(n).includes(keyword)), keyword).toBe(true);
    }
    expect(notes.some((n) => n.meta?.versionId === "2")).toBe(true);
  });

  it("has bookable appointment types with free slots in the coming weeks, and the cast's bookings on busy slots", () => {
    const slots = all.filter((r) => r.resourceType === "Slot");
    for (const s of SERVICES.values()) {
      const hs = byRef.get(`HealthcareService/${s.id}`);
      expect(hs?.resourceType).toBe("HealthcareService");
      if (hs?.resourceType !== "HealthcareService") continue;
      expect(hs.extension?.find((e) => e.url === SYSTEMS.bookableOnline)?.valueBoolean).toBe(s.bookableOnline);
      expect(hs.extension?.find((e) => e.url === SYSTEMS.cancellationDeadlineHours)?.valueInteger).toBe(s.cancellationDeadlineHours);
      if (!s.bookableOnline) continue;
      const free = slots.filter((x) => x.schedule.reference === `Schedule/${s.scheduleId}` && x.status === "free" && Date.parse(x.start) < NOW + 14 * DAY);
      expect(free.length, s.key).toBeGreaterThan(0);
      // The booking pages show 8 weeks: the last of them has free times too.
      const last = slots.filter((x) => x.schedule.reference === `Schedule/${s.scheduleId}` && x.status === "free" && Date.parse(x.start) >= NOW + 49 * DAY);
      expect(last.length, s.key).toBeGreaterThan(0);
      expect(Math.max(...last.map((x) => Date.parse(x.start)))).toBeLessThan(NOW + (SLOT_HORIZON_DAYS + 1) * DAY);
    }
    const today = clockOf(TODAY).today;
    for (const booking of resolveCastBookings(today)) {
      const slot = byRef.get(`Slot/${booking.slotId}`);
      expect(slot?.resourceType === "Slot" && slot.status).toBe("busy");
      const appointment = all.find((r) => r.resourceType === "Appointment" && r.slot?.some((x) => x.reference === `Slot/${booking.slotId}`));
      expect(appointment?.resourceType === "Appointment" && appointment.status).toBe("booked");
    }
  });

  it("gives the main person a booking inside its cancellation deadline and others outside it", () => {
    const booked = mine.filter((r) => r.resourceType === "Appointment" && r.status === "booked");
    const hoursAway = booked.map((r) => (r.resourceType === "Appointment" ? (Date.parse(r.start as string) - NOW) / 3_600_000 : 0));
    expect(hoursAway.some((h) => h > 0 && h < 48)).toBe(true);
    expect(hoursAway.filter((h) => h > 72).length).toBeGreaterThanOrEqual(2);
  });

  it("books Oskar's appointments on both sides of his 13th birthday", () => {
    const oskar = cast.find((c) => c.key === "child12")!;
    const birthday = new Date(oskar.birthDay * DAY);
    birthday.setUTCFullYear(birthday.getUTCFullYear() + 13);
    const starts = all
      .filter((r) => r.resourceType === "Appointment" && r.status === "booked" && subjectOf(r) === `Patient/${oskar.patientId}`)
      .map((r) => (r.resourceType === "Appointment" ? Date.parse(r.start as string) : 0));
    expect(starts.some((s) => s < birthday.getTime())).toBe(true);
    expect(starts.some((s) => s > birthday.getTime() + DAY)).toBe(true);
  });

  it("has guardians (one blocked), a protected child, a deceased person and guardians' messages", () => {
    const guardianships = all.filter((r) => r.resourceType === "RelatedPerson");
    const blocked = guardianships.filter((r) => r.extension?.some((e) => e.url === SYSTEMS.guardianBlocked && e.valueBoolean));
    expect(blocked.some((r) => r.patient.reference === `Patient/${castId("child8")}`)).toBe(true);
    const johan = cast.find((c) => c.key === "guardian")!;
    expect(guardianships.filter((r) => r.identifier?.[0]?.value === johan.personnummer)).toHaveLength(5);
    const protectedChild = byRef.get(`Patient/${castId("protectedChild")}`);
    expect(protectedChild?.resourceType === "Patient" && protectedChild.meta?.security?.[0]?.code).toBe("sekretessmarkering");
    expect(protectedChild?.resourceType === "Patient" && protectedChild.name?.[0]?.text).toBe("Skyddad uppgift");
    const deceased = byRef.get(`Patient/${castId("deceased")}`);
    expect(deceased?.resourceType === "Patient" && Date.parse(deceased.deceasedDateTime as string)).toBeLessThan(NOW);
    const messages = all.filter((r) => r.resourceType === "Communication");
    expect(messages.some((m) => m.sender?.reference?.startsWith("RelatedPerson/"))).toBe(true);
    expect(messages.some((m) => m.sender?.reference?.startsWith("Organization/") && m.inResponseTo)).toBe(true);
  });

  it("gives generated patients a plausible amount of data, with guardians for children", () => {
    const generated = all.filter((r) => r.resourceType === "Patient" && Number(r.id) >= 20_000_000).length;
    const theirs = all.filter((r) => Number(subjectOf(r)?.slice(8)) >= 20_000_000).length;
    expect(generated).toBe(300);
    expect(theirs / generated).toBeGreaterThan(60);
    expect(theirs / generated).toBeLessThan(250);
    const children = all.filter((r) => r.resourceType === "RelatedPerson" && Number(r.patient.reference?.slice(8)) >= 20_000_000);
    expect(children.length).toBeGreaterThan(20);
  });
});

describe("the clinical system's access events (AuditEvent)", () => {
  const events = all.filter((r): r is AuditEvent => r.resourceType === "AuditEvent");
  const encounters = all.filter((r): r is Encounter => r.resourceType === "Encounter");
  const encountersOf = new Map<string, Encounter[]>();
  for (const e of encounters) encountersOf.set(e.subject?.reference ?? "", [...(encountersOf.get(e.subject?.reference ?? "") ?? []), e]);
  const staffById = new Map(STAFF.map((s) => [`Practitioner/${s.id}`, s]));
  const unitIdOfKey = new Map([...UNITS.values()].map((u) => [u.key, `Organization/${u.id}`]));

  it("are each a read of one patient's record at a unit of one of their care contacts, during it or days after, never after now", () => {
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      const where = `AuditEvent/${e.id}`;
      expect(e.action, where).toBe("R");
      const patient = subjectOf(e) as string;
      expect(patient, where).toMatch(/^Patient\/\d+$/);
      const unitRef = e.agent.find((a) => a.who?.reference?.startsWith("Organization/"))?.who?.reference;
      const reader = e.agent.find((a) => a.who?.reference?.startsWith("Practitioner/"));
      const at = Date.parse(e.recorded);
      expect(at, where).toBeLessThanOrEqual(NOW);
      const contact = (encountersOf.get(patient) ?? []).find(
        (c) => c.serviceProvider?.reference === unitRef && at >= Date.parse(c.period?.start as string) && at <= Date.parse(c.period?.end as string) + (FOLLOW_UP_DAYS + 1) * DAY,
      );
      expect(contact, `${where}: no care contact of ${patient} at ${unitRef} around ${e.recorded}`).toBeDefined();
      // The reader works at that unit, and the event says as what.
      const staff = staffById.get(reader?.who?.reference ?? "");
      expect(staff && unitIdOfKey.get(staff.unit), where).toBe(unitRef);
      expect(reader?.role?.[0]?.text, where).toBe(staff?.profession);
    }
  });

  it("come with every care contact, a few at most, for the cast and the generated patients alike", () => {
    expect(events.length / encounters.length).toBeGreaterThanOrEqual(1);
    expect(events.length / encounters.length).toBeLessThan(2);
    const read = new Set(events.map((e) => subjectOf(e)));
    for (const c of cast) {
      if (c.patientId && encountersOf.has(`Patient/${c.patientId}`)) expect(read.has(`Patient/${c.patientId}`), c.key).toBe(true);
    }
    expect([...read].filter((p) => Number(p?.slice(8)) >= 20_000_000).length).toBeGreaterThan(250);
  });

  it("show Anna's record read by a nurse at her health centre and by a doctor at the hospital", () => {
    const annas = events.filter((e) => subjectOf(e) === `Patient/${castId("main")}`);
    const readers = annas.map((e) => {
      const unitRef = e.agent.find((a) => a.who?.reference?.startsWith("Organization/"))?.who?.reference;
      return `${e.agent.find((a) => a.requestor)?.role?.[0]?.text} at ${[...UNITS.values()].find((u) => `Organization/${u.id}` === unitRef)?.role}`;
    });
    expect(readers).toContain("Distriktssköterska at primary-care");
    expect(readers).toContain("Läkare at specialist");
  });
});
