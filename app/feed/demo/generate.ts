import type { Patient, RelatedPerson } from "@medplum/fhirtypes";
import { clinicalReads } from "./access-events";
import { RecordBuilder, type Clock, type DemoResource, type Person } from "./builder";
import { buildDemoCast, resolveCastBookings, type CastKey, type CastPerson } from "./cast";
import { castRecord } from "./cast-records";
import { catalogueResources, PRIMARY_CARE_BY_CITY } from "./catalogue";
import { addYears, stockholmDay, yearsBetween } from "./dates";
import {
  ACUTE_KINDS,
  acuteEpisode,
  acuteKindsFor,
  adultVaccinations,
  ageOn,
  CHRONIC_KINDS,
  childHealth,
  chronicCondition,
  chronicRisk,
  everydayThreads,
  everyMonths,
  futureAppointments,
  homeCare,
  labVisit,
  lastDay,
  sample,
  type ChronicKind,
} from "./episodes";
import { FAMILY_NAMES, GIVEN_NAMES, PLACES } from "./names";
import { guardianResource, household, patientResource, type GuardianInfo } from "./people";
import { genderOfBirthNumber, testPersonnummer } from "./personnummer";
import { Random, mixSeed } from "./random";
import { SYSTEMS } from "./terminology";

export const DEFAULT_SEED = 20_240_901;

export interface DemoOptions {
  /** Same seed and same `today` give byte-identical output. */
  seed?: number;
  /** The instant the data is generated at: ages, past and future are relative to it. Defaults to now. */
  today?: Date;
  /** How many generated patients beside the cast. */
  patients?: number;
  /** Include the named demo people (default true). */
  cast?: boolean;
  /** Include the care units, practitioners, appointment types and slots (default true). */
  catalogue?: boolean;
}

export function clockOf(today: Date): Clock {
  return { now: today.getTime(), today: stockholmDay(today) };
}

/**
 * Every resource of the demo data, in the order a feed would send it: the catalogue (units before their subunits),
 * then each person (Patient, their guardians, then their record). A generator: 20,000 patients stream in constant
 * memory.
 */
export function* generateDemoResources(options: DemoOptions = {}): Generator<DemoResource> {
  const seed = (options.seed ?? DEFAULT_SEED) >>> 0;
  const clock = clockOf(options.today ?? new Date());
  const withCast = options.cast ?? true;
  const bookings = withCast ? resolveCastBookings(clock.today) : [];
  if (options.catalogue ?? true) {
    yield* catalogueResources(clock.today, clock.now, new Set(bookings.map((b) => b.slotId)));
  }
  if (withCast) yield* castResources(seed, clock);
  const count = options.patients ?? 0;
  if (count > 0) {
    const population = new Population(seed, clock, count);
    for (let i = 0; i < count; i++) yield* population.patientResources(i);
  }
}

// -----------------------------------------------------------------------------------------------------------------
// The cast

function* castResources(seed: number, clock: Clock): Generator<DemoResource> {
  const cast = buildDemoCast(clock.today);
  const byKey = new Map(cast.map((c) => [c.key, c]));
  const bookings = resolveCastBookings(clock.today);
  const guardianIds = new Map<string, string>();
  const guardianOf = (childKey: CastKey, guardianKey: CastKey) => {
    const id = guardianIds.get(`${childKey}/${guardianKey}`);
    if (!id) throw new Error(`${guardianKey} is not a guardian of ${childKey}`);
    return id;
  };
  const castPeople = cast.filter((c) => c.patientId !== null);
  for (const [index, who] of castPeople.entries()) {
    const rng = new Random(mixSeed(seed, 1_000_000 + index));
    const person = castAsPerson(who);
    const b = new RecordBuilder(person, clock, rng, Number(who.patientId));
    const home = household(rng, person.city);
    b.resources.push(patientResource(person, clock, rng, { home, identifierSystem: index % 3 === 2 ? SYSTEMS.personnummerOid : SYSTEMS.personnummer }));
    for (const guardian of cast.filter((g) => g.childrenKeys?.includes(who.key))) {
      const id = b.nextId();
      guardianIds.set(`${who.key}/${guardian.key}`, id);
      const info: GuardianInfo = {
        personnummer: guardian.personnummer,
        given: guardian.given,
        family: guardian.family,
        gender: guardian.gender,
        ...(guardian.patientId ? { patientId: guardian.patientId } : {}),
        ...(guardian.key === "blockedGuardian" ? { blocked: true } : {}),
      };
      b.resources.push(guardianResource(id, person, info, clock));
    }
    // Ebba's guardian is not a patient: the child's record still names him.
    if (who.key === "teen16") {
      const henrik = byKey.get("teen16Guardian") as CastPerson;
      const id = b.nextId();
      guardianIds.set("teen16/teen16Guardian", id);
      b.resources.push(guardianResource(id, person, { personnummer: henrik.personnummer, given: henrik.given, family: henrik.family, gender: henrik.gender }, clock));
    }
    castRecord(b, who, bookings, guardianOf);
    clinicalReads(b);
    yield* b.resources;
  }
}

function castAsPerson(who: CastPerson): Person {
  return {
    id: who.patientId as string,
    personnummer: who.personnummer,
    given: who.given,
    family: who.family,
    gender: who.gender,
    birthDay: who.birthDay,
    city: "Göteborg",
    primaryCare: "nhKungshojd",
    ...(who.deceasedDay !== undefined ? { deceasedDay: who.deceasedDay } : {}),
    ...(who.key === "protectedChild" ? { protectedIdentity: true } : {}),
  };
}

// -----------------------------------------------------------------------------------------------------------------
// Generated patients

const PRIMES = [7919, 7927, 7933, 7937, 7949, 7951, 7963];
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export const FIRST_GENERATED_PATIENT_ID = 20_000_000;

interface Basics extends Person {
  index: number;
}

/**
 * The generated population. Patient i's birth day and birth number come from a bijection of i (so personnummer never
 * collide, up to ten per day of the 92 years covered), and so does the given name (the names in turn); everything else
 * comes from their own random stream, so any patient can be generated alone and in any order.
 */
export class Population {
  private readonly firstDay: number;
  private readonly days: number;
  private readonly step: number;
  private readonly offset: number;
  private readonly firstName: number;

  constructor(
    private readonly seed: number,
    private readonly clock: Clock,
    readonly count: number,
  ) {
    this.firstDay = addYears(clock.today, -92);
    this.days = clock.today - 20 - this.firstDay;
    if (count > this.days * 10) throw new Error(`at most ${this.days * 10} generated patients`);
    this.step = PRIMES.find((p) => gcd(p, this.days) === 1) as number;
    this.offset = mixSeed(seed, 0xb1_27) % this.days;
    this.firstName = mixSeed(seed, 0x6e_61) % GIVEN_NAMES.female.length;
  }

  birth(i: number): { birthDay: number; birthNumber: number } {
    const slot = i % this.days;
    const round = Math.floor(i / this.days);
    const birthDay = this.firstDay + ((slot * this.step + this.offset) % this.days);
    return { birthDay, birthNumber: 980 + ((round + slot) % 10) };
  }

  basics(i: number): Basics {
    const { birthDay, birthNumber } = this.birth(i);
    const rng = new Random(mixSeed(this.seed ^ 0x9e37_79b9, i));
    const gender = genderOfBirthNumber(birthNumber);
    const place = rng.weighted(PLACES.map((p) => [p, p.weight] as const));
    const age = yearsBetween(birthDay, this.clock.today);
    const deceased = rng.chance(age >= 75 ? 0.06 : 0.003) && age >= 1;
    const deceasedDay = deceased ? this.clock.today - rng.int(7, 700) : undefined;
    return {
      index: i,
      id: String(FIRST_GENERATED_PATIENT_ID + i),
      personnummer: testPersonnummer(birthDay, birthNumber),
      // In turn, not drawn: among any fifty patients in a row no two of a sex share a given name.
      given: GIVEN_NAMES[gender][(this.firstName + i) % GIVEN_NAMES[gender].length] as string,
      family: rng.pick(FAMILY_NAMES),
      gender,
      birthDay,
      city: place.city,
      primaryCare: rng.pick(PRIMARY_CARE_BY_CITY[place.city] as string[]),
      ...(deceasedDay !== undefined && deceasedDay > birthDay ? { deceasedDay } : {}),
      ...(rng.chance(0.003) ? { protectedIdentity: true } : {}),
    };
  }

  /** Up to two living adults of the population, 20 to 45 years older than the child, as its guardians. */
  guardians(child: Basics): Basics[] {
    const found: Basics[] = [];
    const wanted = mixSeed(this.seed, child.index) % 4 === 0 ? 1 : 2;
    for (let k = 1; k <= 60 && found.length < wanted; k++) {
      const j = (child.index + k * 7907) % this.count;
      if (j === child.index) continue;
      const { birthDay } = this.birth(j);
      const gap = (child.birthDay - birthDay) / 365.25;
      if (gap < 20 || gap > 45) continue;
      const candidate = this.basics(j);
      if (candidate.deceasedDay !== undefined || candidate.protectedIdentity) continue;
      if (found.some((f) => f.gender === candidate.gender)) continue;
      found.push(candidate);
    }
    return found;
  }

  *patientResources(i: number): Generator<DemoResource> {
    let person: Basics = this.basics(i);
    const age = yearsBetween(person.birthDay, this.clock.today);
    const guardians = age < 18 ? this.guardians(person) : [];
    const first = guardians[0];
    if (first) person = { ...person, family: first.family, city: first.city, primaryCare: first.primaryCare };
    const rng = new Random(mixSeed(this.seed, i));
    const b = new RecordBuilder(person, this.clock, rng, FIRST_GENERATED_PATIENT_ID + i);
    const home = household(rng, person.city);
    const patient: Patient = patientResource(person, this.clock, rng, {
      home,
      identifierSystem: i % 4 === 3 ? SYSTEMS.personnummerOid : SYSTEMS.personnummer,
    });
    b.resources.push(patient);
    for (const g of guardians) {
      const related: RelatedPerson = guardianResource(
        b.nextId(),
        person,
        { personnummer: g.personnummer, given: g.given, family: g.family, gender: g.gender, patientId: g.id, ...(rng.chance(0.01) ? { blocked: true } : {}) },
        this.clock,
      );
      b.resources.push(related);
    }
    generatedRecord(b);
    clinicalReads(b);
    yield* b.resources;
  }
}

/** A plausible record for a generated person: long-term conditions by age, acute illnesses, vaccinations, care. */
function generatedRecord(b: RecordBuilder): void {
  const r = b.rng;
  const person = b.person;
  const end = lastDay(b);
  if (end <= person.birthDay + 10) return;
  const from = Math.max(person.birthDay + 1, b.clock.today - 8 * 365);
  const years = (end - from) / 365;
  const age = ageOn(b, end);
  const female = person.gender === "female";

  if (addYears(person.birthDay, 18) > b.clock.today - 8 * 365) childHealth(b);
  if (age >= 18) adultVaccinations(b);

  const chronic: ChronicKind[] = [];
  for (const kind of CHRONIC_KINDS) {
    if (!r.chance(chronicRisk(kind, age, female) * 1.5)) continue;
    let onset = r.int(Math.max(from - 3 * 365, person.birthDay + 365), Math.max(end - 60, from));
    if (chronicRisk(kind, ageOn(b, onset), female) === 0) onset = Math.max(onset, end - r.int(60, 700));
    if (chronicRisk(kind, ageOn(b, onset), female) === 0 || onset <= person.birthDay) continue;
    chronicCondition(b, kind, onset, { control: r.next() });
    chronic.push(kind);
  }

  const acuteCount = Math.round(years * r.float(0.8, 2.2));
  for (let n = 0; n < acuteCount; n++) {
    const day = r.int(from, end);
    if (day <= person.birthDay + 30) continue;
    const kind = r.weighted(acuteKindsFor(b, day));
    if (ACUTE_KINDS.includes(kind)) acuteEpisode(b, kind, day);
  }

  if (age >= 18) {
    for (const day of everyMonths(b, from + r.int(0, 700), end, r.int(18, 36))) {
      labVisit(b, {
        unit: person.primaryCare,
        day,
        values: [["hemoglobin", sample(b, "hemoglobin")], ["glucose", sample(b, "glucose")], ["creatinine", sample(b, "creatinine")], ["ldl", sample(b, "ldl", age > 50 ? 0.4 : 0)]],
        reason: "Hälsokontroll",
        appointment: r.chance(0.5),
      });
    }
  }

  if (r.chance(0.15)) {
    const c = b.contact({ unit: person.primaryCare, day: r.int(from, end), type: "visit", reason: "Allergi", professions: ["Läkare"] });
    const allergen = r.pick(["penicillin", "peanut", "cat", "nickel", "sulfonamide", "egg"] as const);
    b.note(c, "visit", "Kontaktorsak: Genomgång av tidigare allergisk reaktion.\nÅtgärd: Allergi registrerad i journalen.");
    b.allergy(c, allergen);
  }

  if (age >= 80 && (chronic.includes("heartFailure") || r.chance(0.3))) homeCare(b, Math.max(from, end - r.int(200, 900)), end);

  if (age >= 20 && age <= 65 && r.chance(0.004)) {
    const c = b.contact({ unit: "forensic", day: r.int(from, end), type: "visit", reason: "Rättspsykiatrisk undersökning", professions: ["Läkare", "Psykolog"], minutes: 90 });
    b.note(c, "psychology", "Rättspsykiatrisk undersökning enligt beslut. Utlåtande lämnas separat till domstolen.");
  }

  if (age >= 13 && age <= 23 && r.chance(0.3)) {
    const c = b.contact({ unit: "nhYouth", day: Math.max(from, end - r.int(10, 900)), type: "visit", reason: "Samtal", professions: ["Kurator", "Barnmorska"] });
    b.note(c, "counselling", "Besök på ungdomsmottagningen. Samtal om hälsa, relationer och sömn. Återkommer vid behov.");
  }

  if (person.deceasedDay === undefined) {
    if (age >= 18 && r.chance(0.4)) everydayThreads(b, r.int(1, 3));
    const codes: string[] = [];
    if (chronic.includes("diabetes2")) codes.push("provtagning", "diabetesbesok-ssk");
    if (chronic.includes("asthma") || chronic.includes("copd")) codes.push("astmakontroll");
    if (codes.length === 0 && r.chance(0.15)) codes.push(r.pick(["provtagning", "lakarbesok", "sjukskoterskebesok"]));
    futureAppointments(b, codes);
  }
}
