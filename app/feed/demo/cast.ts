import { workingDay, slotTimes, slotId } from "./catalogue";
import { addYears, dayNumber, stockholmDay, ymd } from "./dates";
import { genderOfBirthNumber, testPersonnummer } from "./personnummer";

/**
 * The named demo people: whom the development identity provider lists and whom the demo walks through. Ages are
 * computed from the day the data is generated, so each rule that turns on a birthday has someone on either side of
 * it on any day: a child whose 13th birthday is a few weeks away, one who has just turned 13, a 14- and a 16-year-old
 * who sign in themselves. Their personnummer therefore change with the generation day; find them by patient id.
 */

export type CastKey =
  | "main"
  | "guardian"
  | "coGuardian"
  | "majaMother"
  | "child5"
  | "child12"
  | "child13"
  | "child15"
  | "child17"
  | "holmMother"
  | "blockedGuardian"
  | "child8"
  | "protectedGuardian"
  | "protectedChild"
  | "deceased"
  | "teen14"
  | "teen14Guardian"
  | "teen16"
  | "teen16Guardian";

export interface CastEntry {
  key: CastKey;
  /** The Patient id, or null for a guardian the clinical system knows only as a RelatedPerson. */
  patientId: string | null;
  given: string;
  family: string;
  /**
   * What this person shows in the demo, in English, for developers (tests, documentation). What the portal and the
   * development identity provider say about a person comes from the database and the locale files.
   */
  role: string;
  /** Guardians: the cast keys of their children. */
  childrenKeys?: CastKey[];
}

const entries: CastEntry[] = [
  { key: "main", patientId: "10000001", given: "Anna", family: "Lindberg", role: "Adult with a rich record from region, municipality and a private clinic; diabetes, results over years, messages, bookings" },
  { key: "guardian", patientId: "10000002", given: "Johan", family: "Lindqvist", role: "Guardian of five children aged about 5, 12 (13 in a few weeks), 13, 15 and 17", childrenKeys: ["child5", "child12", "child13", "child15", "child17"] },
  { key: "coGuardian", patientId: "10000003", given: "Karin", family: "Lindqvist", role: "Guardian of four children (all but Maja)", childrenKeys: ["child5", "child12", "child15", "child17"] },
  { key: "majaMother", patientId: "10000004", given: "Sofia", family: "Berg", role: "Guardian of one child who has just turned 13", childrenKeys: ["child13"] },
  { key: "child5", patientId: "10000005", given: "Elsa", family: "Lindqvist", role: "Child aged 5: guardians act for her" },
  { key: "child12", patientId: "10000006", given: "Oskar", family: "Lindqvist", role: "Child aged 12 whose 13th birthday is a few weeks away" },
  { key: "child13", patientId: "10000007", given: "Maja", family: "Lindqvist", role: "Child who turned 13 a few weeks ago: guardians no longer have access" },
  { key: "child15", patientId: "10000008", given: "Alva", family: "Lindqvist", role: "Child aged 15" },
  { key: "child17", patientId: "10000009", given: "Wilma", family: "Lindqvist", role: "Child aged 17: reads her own record" },
  { key: "holmMother", patientId: "10000010", given: "Lina", family: "Holm", role: "Guardian of an 8-year-old; a note of hers is withheld (keyword)", childrenKeys: ["child8"] },
  { key: "blockedGuardian", patientId: "10000011", given: "Mikael", family: "Holm", role: "Guardian whom a care unit has blocked from the child's information", childrenKeys: ["child8"] },
  { key: "child8", patientId: "10000012", given: "Theo", family: "Holm", role: "Child aged 8 with notes from Barnahus (withheld online)" },
  { key: "protectedGuardian", patientId: "10000013", given: "Nadia", family: "Haddad", role: "Guardian of a child with protected identity (no online access)", childrenKeys: ["protectedChild"] },
  { key: "protectedChild", patientId: "10000014", given: "Skyddad uppgift", family: "Skyddad uppgift", role: "Child aged 10 with protected identity" },
  { key: "deceased", patientId: "10000015", given: "Gunnar", family: "Persson", role: "Deceased person: the account is closed" },
  { key: "teen14", patientId: "10000016", given: "Leo", family: "Karlsson", role: "Aged 14: signs in himself, books and messages, cannot read his record" },
  { key: "teen14Guardian", patientId: "10000017", given: "Petra", family: "Karlsson", role: "Guardian of a 14-year-old (no access since the 13th birthday)", childrenKeys: ["teen14"] },
  { key: "teen16", patientId: "10000018", given: "Ebba", family: "Nilsson", role: "Aged 16: signs in herself and reads her own record" },
  { key: "teen16Guardian", patientId: null, given: "Henrik", family: "Nilsson", role: "Guardian of a 16-year-old; not a patient himself" },
];

/** The cast, without what depends on the day (birth dates, personnummer). */
export const demoCast: readonly CastEntry[] = entries;

export function castEntry(key: CastKey): CastEntry {
  return demoCast.find((c) => c.key === key) as CastEntry;
}

/** Age in years and days past the birthday (a negative `days` means the next birthday is that many days away). */
interface ChildAge {
  years: number;
  days: number;
}

/** Adults: a fixed birthday (month, day) and an age this year. */
interface AdultAge {
  age: number;
  month: number;
  day: number;
}

const AGES: Record<CastKey, { birthNumber: number; child?: ChildAge; adult?: AdultAge; deceasedDaysAgo?: number }> = {
  main: { birthNumber: 990, adult: { age: 54, month: 4, day: 12 } },
  guardian: { birthNumber: 991, adult: { age: 45, month: 9, day: 3 } },
  coGuardian: { birthNumber: 992, adult: { age: 42, month: 2, day: 17 } },
  majaMother: { birthNumber: 994, adult: { age: 40, month: 11, day: 23 } },
  child5: { birthNumber: 996, child: { years: 5, days: 130 } },
  child12: { birthNumber: 993, child: { years: 13, days: -18 } },
  child13: { birthNumber: 998, child: { years: 13, days: 40 } },
  child15: { birthNumber: 990, child: { years: 15, days: 160 } },
  child17: { birthNumber: 992, child: { years: 17, days: 100 } },
  holmMother: { birthNumber: 996, adult: { age: 38, month: 6, day: 8 } },
  blockedGuardian: { birthNumber: 995, adult: { age: 41, month: 1, day: 29 } },
  child8: { birthNumber: 997, child: { years: 8, days: 200 } },
  protectedGuardian: { birthNumber: 998, adult: { age: 39, month: 8, day: 14 } },
  protectedChild: { birthNumber: 994, child: { years: 10, days: 50 } },
  deceased: { birthNumber: 999, adult: { age: 86, month: 5, day: 30 }, deceasedDaysAgo: 45 },
  teen14: { birthNumber: 999, child: { years: 14, days: 150 } },
  teen14Guardian: { birthNumber: 990, adult: { age: 44, month: 10, day: 2 } },
  teen16: { birthNumber: 994, child: { years: 16, days: 220 } },
  teen16Guardian: { birthNumber: 997, adult: { age: 47, month: 3, day: 21 } },
};

export interface CastPerson extends CastEntry {
  personnummer: string;
  gender: "female" | "male";
  /** Local day number of birth. */
  birthDay: number;
  deceasedDay?: number;
}

/** The cast with birth dates and personnummer as of a day (a Date, or a local day number). */
export function buildDemoCast(today: Date | number): CastPerson[] {
  const day = typeof today === "number" ? today : stockholmDay(today);
  return demoCast.map((entry) => {
    const a = AGES[entry.key];
    let birthDay: number;
    if (a.child) {
      birthDay = addYears(day - a.child.days, -a.child.years);
    } else {
      const adult = a.adult as AdultAge;
      birthDay = dayNumber(ymd(day).year - adult.age, adult.month, adult.day);
    }
    return {
      ...entry,
      personnummer: testPersonnummer(birthDay, a.birthNumber),
      gender: genderOfBirthNumber(a.birthNumber),
      birthDay,
      ...(a.deceasedDaysAgo !== undefined ? { deceasedDay: day - a.deceasedDaysAgo } : {}),
    };
  });
}

/** Future appointments the cast has booked on slots (so the slots are busy and the bookings can be cancelled). */
export interface CastBooking {
  person: CastKey;
  service: string;
  /** The n-th weekday from today. */
  workingDay: number;
  /** Index of the slot on that day. */
  slot: number;
  description?: string;
}

export const CAST_BOOKINGS: readonly CastBooking[] = [
  { person: "main", service: "kungshojdLab", workingDay: 6, slot: 2, description: "Provtagning inför diabeteskontroll" },
  { person: "main", service: "kungshojdDiabetes", workingDay: 9, slot: 1 },
  { person: "child5", service: "bvcVisit", workingDay: 5, slot: 1, description: "Femårsbesök" },
  { person: "child5", service: "bvcVaccination", workingDay: 5, slot: 3, description: "Vaccination mot difteri, stelkramp, kikhosta och polio (femårsdos)" },
  { person: "child12", service: "kungshojdAsthma", workingDay: 4, slot: 0 },
  { person: "child12", service: "kungshojdAsthma", workingDay: 20, slot: 2, description: "Astmakontroll efter 13-årsdagen" },
  { person: "child13", service: "youthCounsellor", workingDay: 7, slot: 1 },
  { person: "child17", service: "youthMidwife", workingDay: 3, slot: 2 },
  { person: "teen14", service: "kungshojdAsthma", workingDay: 8, slot: 3 },
  { person: "teen16", service: "youthCounsellor", workingDay: 10, slot: 0 },
];

export interface ResolvedBooking extends CastBooking {
  day: number;
  minute: number;
  slotId: string;
}

export function resolveCastBookings(today: number): ResolvedBooking[] {
  return CAST_BOOKINGS.map((booking) => {
    const day = workingDay(today, booking.workingDay);
    const times = slotTimes(booking.service, day);
    const time = times[Math.min(booking.slot, times.length - 1)];
    if (!time) throw new Error(`no slot for ${booking.service} on working day ${booking.workingDay}`);
    return { ...booking, day, minute: time.minute, slotId: slotId(time, today) };
  });
}
