import type { HealthcareService, Organization, Practitioner, Schedule, Slot } from "@medplum/fhirtypes";
import { isoDate, localDateTime, localInstant, utcInstant, weekday } from "./dates";
import { Random } from "./random";
import { SYSTEMS } from "./terminology";

/**
 * The region's care units, practitioners, bookable appointment types and their free slots: what every patient's
 * record refers to. Fixed (not drawn from the seed), so unit ids and HSA-ids can be written into configuration.
 */

export type ProviderKindCode = "region" | "municipality" | "private";

export type UnitRole =
  | "provider"
  | "division"
  | "primary-care"
  | "child-health"
  | "youth-clinic"
  | "specialist"
  | "emergency"
  | "ward"
  | "lab"
  | "radiology"
  | "child-psychiatry"
  | "home-care"
  | "home-rehab"
  | "school-health"
  | "eye-clinic"
  | "barnahus"
  | "forensic-psychiatry";

export interface UnitDef {
  key: string;
  name: string;
  role: UnitRole;
  /** Only on providers (units without a parent); the rest inherit it. */
  kind?: ProviderKindCode;
  parent?: string;
  /** The visiting address: street and number, postal code, city (the streets are real, the units at them are not). */
  street: string;
  postalCode: string;
  city: string;
}

// Append only: a unit's id and HSA-id follow from its position in this list.
const UNIT_DEFS: UnitDef[] = [
  { key: "region", name: "Västra Götalandsregionen", role: "provider", kind: "region", street: "Östra Hamngatan 45", postalCode: "411 10", city: "Göteborg" },
  { key: "su", name: "Sahlgrenska Universitetssjukhuset", role: "division", parent: "region", street: "Blå stråket 5", postalCode: "413 45", city: "Göteborg" },
  { key: "narhalsan", name: "Närhälsan", role: "division", parent: "region", street: "Lilla Bommen 1", postalCode: "411 04", city: "Göteborg" },
  { key: "suDiabetes", name: "Diabetesmottagningen, Sahlgrenska Universitetssjukhuset", role: "specialist", parent: "su", street: "Gröna stråket 8", postalCode: "413 45", city: "Göteborg" },
  { key: "suEmergency", name: "Akutmottagningen, Sahlgrenska Universitetssjukhuset", role: "emergency", parent: "su", street: "Blå stråket 5", postalCode: "413 45", city: "Göteborg" },
  { key: "suOrthopedics", name: "Ortopedmottagningen, Sahlgrenska Universitetssjukhuset/Mölndal", role: "specialist", parent: "su", street: "Göteborgsvägen 31", postalCode: "431 80", city: "Mölndal" },
  { key: "suCardiology", name: "Kardiologmottagningen, Sahlgrenska Universitetssjukhuset/Östra", role: "specialist", parent: "su", street: "Diagnosvägen 11", postalCode: "416 50", city: "Göteborg" },
  { key: "suLung", name: "Lungmedicinmottagningen, Sahlgrenska Universitetssjukhuset", role: "specialist", parent: "su", street: "Bruna stråket 11", postalCode: "413 45", city: "Göteborg" },
  { key: "suWard", name: "Medicinavdelning 14, Sahlgrenska Universitetssjukhuset", role: "ward", parent: "su", street: "Blå stråket 5", postalCode: "413 45", city: "Göteborg" },
  { key: "suLab", name: "Klinisk kemi, Sahlgrenska Universitetssjukhuset", role: "lab", parent: "su", street: "Bruna stråket 16", postalCode: "413 45", city: "Göteborg" },
  { key: "suRadiology", name: "Bild- och funktionsmedicin, Sahlgrenska Universitetssjukhuset", role: "radiology", parent: "su", street: "Bruna stråket 11B", postalCode: "413 45", city: "Göteborg" },
  { key: "suChildEmergency", name: "Barnakuten, Drottning Silvias barn- och ungdomssjukhus", role: "emergency", parent: "su", street: "Rondvägen 10", postalCode: "416 50", city: "Göteborg" },
  { key: "bup", name: "Barn- och ungdomspsykiatrin (BUP) Göteborg", role: "child-psychiatry", parent: "su", street: "Kungsgatan 12", postalCode: "411 19", city: "Göteborg" },
  { key: "forensic", name: "Rättspsykiatriska regionkliniken", role: "forensic-psychiatry", parent: "su", street: "Lillhagsparken 3", postalCode: "422 50", city: "Göteborg" },
  { key: "barnahus", name: "Barnahus Göteborg", role: "barnahus", parent: "region", street: "Stora Nygatan 19", postalCode: "411 08", city: "Göteborg" },
  { key: "nhKungshojd", name: "Närhälsan Kungshöjd vårdcentral", role: "primary-care", parent: "narhalsan", street: "Kaponjärgatan 4", postalCode: "411 22", city: "Göteborg" },
  { key: "nhKungshojdBvc", name: "Närhälsan Kungshöjd barnavårdscentral", role: "child-health", parent: "narhalsan", street: "Kaponjärgatan 4", postalCode: "411 22", city: "Göteborg" },
  { key: "nhEriksberg", name: "Närhälsan Eriksberg vårdcentral", role: "primary-care", parent: "narhalsan", street: "Eriksbergstorget 9", postalCode: "417 64", city: "Göteborg" },
  { key: "nhBoras", name: "Närhälsan Hässleholmen vårdcentral", role: "primary-care", parent: "narhalsan", street: "Hässleholmsvägen 32", postalCode: "506 40", city: "Borås" },
  { key: "nhTrollhattan", name: "Närhälsan Källstorp vårdcentral", role: "primary-care", parent: "narhalsan", street: "Källstorpsvägen 5", postalCode: "461 73", city: "Trollhättan" },
  { key: "nhSkovde", name: "Närhälsan Ryd vårdcentral", role: "primary-care", parent: "narhalsan", street: "Rydsvägen 20", postalCode: "541 48", city: "Skövde" },
  { key: "nhYouth", name: "Närhälsan Ungdomsmottagning Centrum", role: "youth-clinic", parent: "narhalsan", street: "Drottninggatan 11", postalCode: "411 14", city: "Göteborg" },
  { key: "goteborg", name: "Göteborgs Stad", role: "provider", kind: "municipality", street: "Gustaf Adolfs torg 4A", postalCode: "411 10", city: "Göteborg" },
  { key: "gbgHomeCare", name: "Hemsjukvården Centrum, Göteborgs Stad", role: "home-care", parent: "goteborg", street: "Södra Vägen 12", postalCode: "412 54", city: "Göteborg" },
  { key: "gbgRehab", name: "Hemrehabilitering Centrum, Göteborgs Stad", role: "home-rehab", parent: "goteborg", street: "Södra Vägen 12", postalCode: "412 54", city: "Göteborg" },
  { key: "gbgSchool", name: "Elevhälsans medicinska insats, Göteborgs Stad", role: "school-health", parent: "goteborg", street: "Nordhemsgatan 56", postalCode: "413 06", city: "Göteborg" },
  { key: "boras", name: "Borås Stad", role: "provider", kind: "municipality", street: "Kungsgatan 55", postalCode: "501 80", city: "Borås" },
  { key: "borasHomeCare", name: "Hemsjukvården, Borås Stad", role: "home-care", parent: "boras", street: "Allégatan 6", postalCode: "503 32", city: "Borås" },
  { key: "borasSchool", name: "Elevhälsans medicinska insats, Borås Stad", role: "school-health", parent: "boras", street: "Sandwalls plats 3", postalCode: "503 38", city: "Borås" },
  { key: "trollhattan", name: "Trollhättans Stad", role: "provider", kind: "municipality", street: "Gärdhemsvägen 9", postalCode: "461 83", city: "Trollhättan" },
  { key: "thnHomeCare", name: "Hemsjukvården, Trollhättans Stad", role: "home-care", parent: "trollhattan", street: "Strandgatan 14", postalCode: "461 30", city: "Trollhättan" },
  { key: "thnSchool", name: "Elevhälsan, Trollhättans Stad", role: "school-health", parent: "trollhattan", street: "Drottninggatan 20", postalCode: "461 32", city: "Trollhättan" },
  { key: "skovde", name: "Skövde kommun", role: "provider", kind: "municipality", street: "Fredsgatan 4", postalCode: "541 83", city: "Skövde" },
  { key: "skvHomeCare", name: "Hemsjukvården, Skövde kommun", role: "home-care", parent: "skovde", street: "Storgatan 16", postalCode: "541 30", city: "Skövde" },
  { key: "skvSchool", name: "Elevhälsan, Skövde kommun", role: "school-health", parent: "skovde", street: "Hertig Johans gata 8", postalCode: "541 30", city: "Skövde" },
  { key: "uddevalla", name: "Uddevalla kommun", role: "provider", kind: "municipality", street: "Varvsvägen 1", postalCode: "451 81", city: "Uddevalla" },
  { key: "udvHomeCare", name: "Hemsjukvården, Uddevalla kommun", role: "home-care", parent: "uddevalla", street: "Kungsgatan 21", postalCode: "451 30", city: "Uddevalla" },
  { key: "udvSchool", name: "Elevhälsan, Uddevalla kommun", role: "school-health", parent: "uddevalla", street: "Östergatan 9", postalCode: "451 31", city: "Uddevalla" },
  { key: "halsopartner", name: "Hälsopartner Väst AB", role: "provider", kind: "private", street: "Linnégatan 30", postalCode: "413 04", city: "Göteborg" },
  { key: "hpLinne", name: "Hälsopartner Väst vårdcentral Linnéstaden", role: "primary-care", parent: "halsopartner", street: "Linnégatan 30", postalCode: "413 04", city: "Göteborg" },
  { key: "hpUddevalla", name: "Hälsopartner Väst vårdcentral Uddevalla", role: "primary-care", parent: "halsopartner", street: "Norra Drottninggatan 18", postalCode: "451 31", city: "Uddevalla" },
  { key: "kungsport", name: "Kungsportskliniken AB", role: "provider", kind: "private", street: "Kungsportsavenyen 22", postalCode: "411 36", city: "Göteborg" },
  { key: "kpEye", name: "Kungsportskliniken ögonmottagning", role: "eye-clinic", parent: "kungsport", street: "Kungsportsavenyen 22", postalCode: "411 36", city: "Göteborg" },
  { key: "vastlab", name: "Västlab AB", role: "provider", kind: "private", street: "Mölndalsvägen 85", postalCode: "412 85", city: "Göteborg" },
  { key: "vastlabLab", name: "Västlab laboratoriemedicin", role: "lab", parent: "vastlab", street: "Mölndalsvägen 85", postalCode: "412 85", city: "Göteborg" },
];

/** HSA-id prefixes: the region's, each municipality's and each company's organisation number. */
const HSA_PREFIX: Record<string, string> = {
  region: "SE2321000131",
  goteborg: "SE2120001355",
  boras: "SE2120001561",
  trollhattan: "SE2120001553",
  skovde: "SE2120001678",
  uddevalla: "SE2120001488",
  halsopartner: "SE5599000012",
  kungsport: "SE5599000038",
  vastlab: "SE5599000046",
};

export interface Unit extends UnitDef {
  id: string;
  hsaId: string;
  phone: string;
  /** The provider (root) this unit belongs to. */
  provider: string;
  kindOfProvider: ProviderKindCode;
}

function providerOf(def: UnitDef, byKey: Map<string, UnitDef>): UnitDef {
  let current = def;
  while (current.parent) current = byKey.get(current.parent) as UnitDef;
  return current;
}

const unitList: Unit[] = (() => {
  const byKey = new Map(UNIT_DEFS.map((d) => [d.key, d]));
  return UNIT_DEFS.map((def, i) => {
    const provider = providerOf(def, byKey);
    const serial = String(i + 1).padStart(12, "0");
    return {
      ...def,
      id: String(3_000_001 + i),
      hsaId: `${HSA_PREFIX[provider.key]}-E${serial}`,
      // 031-390 06 00 to 99 is the series kept for fiction.
      phone: `031-390 06 ${String(i + 1).padStart(2, "0")}`,
      provider: provider.key,
      kindOfProvider: provider.kind as ProviderKindCode,
    };
  });
})();

export const UNITS: ReadonlyMap<string, Unit> = new Map(unitList.map((u) => [u.key, u]));

export function unit(key: string): Unit {
  const u = UNITS.get(key);
  if (!u) throw new Error(`no demo unit ${key}`);
  return u;
}

/**
 * Units whose information the region does not show online (Barnahus, forensic psychiatry). Configuration lists their
 * HSA-ids (RECORD_EXCLUDED_UNITS); the demo records include notes from them so the "not shown" notice can be seen.
 */
export const EXCLUDED_UNIT_KEYS = ["barnahus", "forensic"] as const;
export const EXCLUDED_UNITS = EXCLUDED_UNIT_KEYS.map((key) => ({ key, id: unit(key).id, hsaId: unit(key).hsaId, name: unit(key).name }));

/** Keywords of notes the region does not show online (RECORD_EXCLUDED_KEYWORDS); some demo notes contain them. */
export const EXCLUDED_KEYWORDS = ["Våldsutsatt", "Tredje person", "Oro för att barn far illa"] as const;

/** Primary care centres by city, for a patient's listing. */
export const PRIMARY_CARE_BY_CITY: Record<string, string[]> = {
  Göteborg: ["nhKungshojd", "nhEriksberg", "hpLinne"],
  Borås: ["nhBoras"],
  Trollhättan: ["nhTrollhattan"],
  Skövde: ["nhSkovde"],
  Uddevalla: ["hpUddevalla"],
};

export const HOME_CARE_BY_CITY: Record<string, string> = {
  Göteborg: "gbgHomeCare",
  Borås: "borasHomeCare",
  Trollhättan: "thnHomeCare",
  Skövde: "skvHomeCare",
  Uddevalla: "udvHomeCare",
};

export const SCHOOL_HEALTH_BY_CITY: Record<string, string> = {
  Göteborg: "gbgSchool",
  Borås: "borasSchool",
  Trollhättan: "thnSchool",
  Skövde: "skvSchool",
  Uddevalla: "udvSchool",
};

// ---------------------------------------------------------------------------------------------------------------
// Practitioners

export type Profession =
  | "Läkare"
  | "Sjuksköterska"
  | "Distriktssköterska"
  | "Barnsjuksköterska"
  | "Skolsköterska"
  | "Fysioterapeut"
  | "Arbetsterapeut"
  | "Psykolog"
  | "Kurator"
  | "Barnmorska"
  | "Biomedicinsk analytiker"
  | "Undersköterska";

const STAFFING: Partial<Record<UnitRole, Profession[]>> = {
  "primary-care": ["Läkare", "Läkare", "Distriktssköterska", "Distriktssköterska", "Psykolog", "Fysioterapeut"],
  "child-health": ["Barnsjuksköterska", "Barnsjuksköterska", "Läkare"],
  "youth-clinic": ["Barnmorska", "Kurator"],
  specialist: ["Läkare", "Läkare", "Sjuksköterska"],
  emergency: ["Läkare", "Läkare", "Sjuksköterska"],
  ward: ["Läkare", "Sjuksköterska", "Sjuksköterska"],
  lab: ["Biomedicinsk analytiker"],
  radiology: ["Läkare"],
  "child-psychiatry": ["Läkare", "Psykolog"],
  "home-care": ["Sjuksköterska", "Sjuksköterska", "Undersköterska"],
  "home-rehab": ["Fysioterapeut", "Arbetsterapeut"],
  "school-health": ["Skolsköterska", "Läkare"],
  "eye-clinic": ["Läkare", "Sjuksköterska"],
  barnahus: ["Psykolog", "Läkare"],
  "forensic-psychiatry": ["Läkare", "Psykolog"],
};

const STAFF_GIVEN = {
  female: ["Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin", "Sofia", "Helena", "Jenny", "Linda", "Åsa", "Ulrika", "Camilla", "Hanna", "Johanna", "Elin", "Yasmin", "Leila", "Mirela"],
  male: ["Lars", "Mikael", "Anders", "Johan", "Per", "Erik", "Peter", "Magnus", "Fredrik", "Jonas", "Daniel", "Henrik", "Mattias", "Stefan", "Ahmad", "Omar", "Tomas", "Niklas", "David"],
};
const STAFF_FAMILY = ["Ek", "Lund", "Björk", "Strand", "Holmgren", "Sjöberg", "Wallin", "Engström", "Lindholm", "Nyström", "Sundberg", "Forsberg", "Hedlund", "Åberg", "Berglund", "Dahl", "Håkansson", "Blom", "Lindqvist", "Sandberg", "Karimi", "Hosseini", "Kovačević", "Virtanen", "Nowak"];

export interface Staff {
  id: string;
  hsaId: string;
  name: string;
  given: string;
  family: string;
  gender: "female" | "male";
  profession: Profession;
  unit: string;
}

const staffList: Staff[] = (() => {
  const rng = new Random(0x5eed_0001);
  const out: Staff[] = [];
  for (const u of unitList) {
    for (const profession of STAFFING[u.role] ?? []) {
      const gender = rng.chance(0.62) ? "female" : "male";
      const given = rng.pick(STAFF_GIVEN[gender]);
      const family = rng.pick(STAFF_FAMILY);
      const n = out.length + 1;
      out.push({
        id: String(4_000_001 + out.length),
        hsaId: `${HSA_PREFIX[u.provider]}-P${String(n).padStart(12, "0")}`,
        name: `${given} ${family}`,
        given,
        family,
        gender,
        profession,
        unit: u.key,
      });
    }
  }
  return out;
})();

export const STAFF: readonly Staff[] = staffList;

const staffByUnit = new Map<string, Staff[]>();
for (const s of staffList) staffByUnit.set(s.unit, [...(staffByUnit.get(s.unit) ?? []), s]);

/** The unit's staff of a profession (or any, when it has none of that profession). */
export function staffOf(unitKey: string, professions?: readonly Profession[]): Staff[] {
  const all = staffByUnit.get(unitKey) ?? [];
  if (!professions) return all;
  const fit = all.filter((s) => professions.includes(s.profession));
  return fit.length > 0 ? fit : all;
}

// ---------------------------------------------------------------------------------------------------------------
// Appointment types (HealthcareService), schedules and slots

export interface ServiceDef {
  key: string;
  unit: string;
  code: string;
  name: string;
  bookableOnline: boolean;
  /** Bookable online by anyone, not only by those in the unit's care. */
  openBooking?: boolean;
  cancellationDeadlineHours: number;
  minutes: number;
  /** Opening windows (minutes of the day) on weekdays, when bookable online. */
  windows: [number, number][];
  professions: Profession[];
  /** What to do before the visit (HealthcareService.extraDetails), where there is something. */
  preparation?: string;
}

const LAB_PREPARATION = "Du behöver inte vara fastande om inte din mottagning har sagt det. Ta med legitimation.";

const h = (hours: number, minutes = 0) => hours * 60 + minutes;

// Append only, as UNIT_DEFS.
const SERVICE_DEFS: ServiceDef[] = [
  { key: "kungshojdLab", unit: "nhKungshojd", code: "provtagning", name: "Provtagning", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 10, windows: [[h(7, 30), h(10, 30)]], professions: ["Distriktssköterska"], preparation: LAB_PREPARATION },
  { key: "kungshojdDiabetes", unit: "nhKungshojd", code: "diabetesbesok-ssk", name: "Diabetesbesök hos sjuksköterska", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 30, windows: [[h(13), h(16)]], professions: ["Distriktssköterska"], preparation: "Ta med din blodsockermätare eller dina senaste värden och en lista över de läkemedel du tar." },
  { key: "kungshojdAsthma", unit: "nhKungshojd", code: "astmakontroll", name: "Astma- och KOL-kontroll hos sjuksköterska", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 30, windows: [[h(9), h(11, 30)]], professions: ["Distriktssköterska"], preparation: "Ta med dina inhalatorer. Rök inte och undvik tung fysisk ansträngning de sista timmarna före besöket." },
  { key: "kungshojdVaccination", unit: "nhKungshojd", code: "vaccination", name: "Vaccination mot influensa och covid-19", bookableOnline: true, openBooking: true, cancellationDeadlineHours: 24, minutes: 10, windows: [[h(13), h(15)]], professions: ["Distriktssköterska"], preparation: "Ha kläder som gör det lätt att visa överarmen. Har du feber den dagen, boka om tiden." },
  { key: "kungshojdDoctor", unit: "nhKungshojd", code: "lakarbesok", name: "Läkarbesök", bookableOnline: false, cancellationDeadlineHours: 24, minutes: 30, windows: [], professions: ["Läkare"] },
  { key: "bvcVisit", unit: "nhKungshojdBvc", code: "bvc-besok", name: "Besök på barnavårdscentralen", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 30, windows: [[h(9), h(12)]], professions: ["Barnsjuksköterska"], preparation: "Ta med barnets hälsobok om du har en. Barnet vägs och mäts, så klä det i kläder som är lätta att ta av." },
  { key: "bvcVaccination", unit: "nhKungshojdBvc", code: "bvc-vaccination", name: "Vaccination enligt barnvaccinationsprogrammet", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 20, windows: [[h(13), h(15)]], professions: ["Barnsjuksköterska"], preparation: "Ta med barnets hälsobok. Har barnet feber den dagen, boka om tiden." },
  { key: "eriksbergLab", unit: "nhEriksberg", code: "provtagning", name: "Provtagning", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 10, windows: [[h(8), h(10)]], professions: ["Distriktssköterska"], preparation: LAB_PREPARATION },
  { key: "eriksbergNurse", unit: "nhEriksberg", code: "sjukskoterskebesok", name: "Sjuksköterskebesök", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 30, windows: [[h(13), h(15, 30)]], professions: ["Distriktssköterska"] },
  { key: "linneLab", unit: "hpLinne", code: "provtagning", name: "Provtagning", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 10, windows: [[h(7, 30), h(9, 30)]], professions: ["Distriktssköterska"], preparation: LAB_PREPARATION },
  { key: "linneDoctor", unit: "hpLinne", code: "lakarbesok", name: "Läkarbesök", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 20, windows: [[h(9), h(11, 40)], [h(13), h(15)]], professions: ["Läkare"] },
  { key: "diabetesFollowUp", unit: "suDiabetes", code: "diabetes-aterbesok", name: "Återbesök hos diabetessjuksköterska", bookableOnline: true, cancellationDeadlineHours: 72, minutes: 45, windows: [[h(9), h(15)]], professions: ["Sjuksköterska"], preparation: "Ta med din blodsockermätare eller dina senaste värden och en lista över de läkemedel du tar." },
  { key: "diabetesNew", unit: "suDiabetes", code: "nybesok-lakare", name: "Nybesök hos läkare", bookableOnline: false, cancellationDeadlineHours: 72, minutes: 60, windows: [], professions: ["Läkare"] },
  { key: "orthoFollowUp", unit: "suOrthopedics", code: "ortoped-aterbesok", name: "Återbesök på ortopedmottagningen", bookableOnline: false, cancellationDeadlineHours: 72, minutes: 30, windows: [], professions: ["Läkare"] },
  { key: "eyePhoto", unit: "kpEye", code: "ogonbottenfoto", name: "Ögonbottenfotografering", bookableOnline: true, cancellationDeadlineHours: 48, minutes: 15, windows: [[h(8), h(12)]], professions: ["Sjuksköterska"], preparation: "Pupillerna vidgas med droppar: kör inte bil på fyra timmar efter besöket." },
  { key: "youthCounsellor", unit: "nhYouth", code: "kuratorssamtal", name: "Samtal med kurator", bookableOnline: true, openBooking: true, cancellationDeadlineHours: 24, minutes: 45, windows: [[h(13), h(16)]], professions: ["Kurator"] },
  { key: "youthMidwife", unit: "nhYouth", code: "barnmorskebesok", name: "Besök hos barnmorska", bookableOnline: true, openBooking: true, cancellationDeadlineHours: 24, minutes: 30, windows: [[h(10), h(12)]], professions: ["Barnmorska"] },
  { key: "borasLab", unit: "nhBoras", code: "provtagning", name: "Provtagning", bookableOnline: true, cancellationDeadlineHours: 24, minutes: 10, windows: [[h(7, 30), h(9, 30)]], professions: ["Distriktssköterska"], preparation: LAB_PREPARATION },
];

export interface Service extends ServiceDef {
  id: string;
  scheduleId: string | null;
}

const serviceList: Service[] = SERVICE_DEFS.map((def, i) => ({
  ...def,
  id: String(5_000_001 + i),
  scheduleId: def.bookableOnline ? String(5_100_001 + i) : null,
}));

export const SERVICES: ReadonlyMap<string, Service> = new Map(serviceList.map((s) => [s.key, s]));

export function service(key: string): Service {
  const s = SERVICES.get(key);
  if (!s) throw new Error(`no demo appointment type ${key}`);
  return s;
}

/** How many days ahead schedules have slots: 8 weeks, as many as the booking pages show (BOOKING_WEEKS). */
export const SLOT_HORIZON_DAYS = 56;

export interface SlotTime {
  service: string;
  /** Local day number. */
  day: number;
  minute: number;
}

/** The slot id of a time in a service's schedule (stable, so a booked appointment can name it). */
export function slotId(time: SlotTime, today: number): string {
  const s = service(time.service);
  if (!s.scheduleId) throw new Error(`${time.service} has no schedule`);
  return `${s.scheduleId}${String(time.day - today).padStart(2, "0")}${String(time.minute).padStart(4, "0")}`;
}

/** The slot times of a service on a day (none at weekends). */
export function slotTimes(serviceKey: string, day: number): SlotTime[] {
  const s = service(serviceKey);
  if (weekday(day) > 5) return [];
  const out: SlotTime[] = [];
  for (const [from, to] of s.windows) {
    for (let m = from; m + s.minutes <= to; m += s.minutes) out.push({ service: serviceKey, day, minute: m });
  }
  return out;
}

/** The n-th weekday after `today` (n = 1: the next weekday). */
export function workingDay(today: number, n: number): number {
  let day = today;
  let left = n;
  while (left > 0) {
    day += 1;
    if (weekday(day) <= 5) left -= 1;
  }
  return day;
}

// ---------------------------------------------------------------------------------------------------------------
// FHIR resources

const meta = (lastUpdatedMs: number) => ({ versionId: "1", lastUpdated: utcInstant(lastUpdatedMs) });
const orgRef = (u: Unit) => ({ reference: `Organization/${u.id}`, display: u.name });

export function organizationResource(u: Unit, lastUpdatedMs: number): Organization {
  const type: Organization["type"] = [];
  if (u.kind) type.push({ coding: [{ system: SYSTEMS.providerKind, code: u.kind }] });
  else type.push({ coding: [{ system: "http://terminology.hl7.org/CodeSystem/organization-type", code: "prov", display: "Healthcare Provider" }] });
  return {
    resourceType: "Organization",
    id: u.id,
    meta: meta(lastUpdatedMs),
    identifier: [{ system: SYSTEMS.hsaId, value: u.hsaId }],
    active: true,
    type,
    name: u.name,
    telecom: [{ system: "phone", value: u.phone, use: "work" }],
    address: [{ use: "work", type: "physical", line: [u.street], postalCode: u.postalCode, city: u.city, country: "SE" }],
    ...(u.parent ? { partOf: orgRef(unit(u.parent)) } : {}),
    ...messagingExtensions(u.role),
  };
}

/**
 * What a unit says about messages to it (the feed's care_units.open_messaging, message_topics, answer_working_days):
 * a health centre's three topics and 3 working days; a children's health centre, a specialist clinic and the youth
 * clinic their own lists; the youth clinic open to anyone (no earlier care needed). Other units state nothing (the
 * region's topics apply).
 */
const MESSAGING: Partial<Record<UnitRole, { open?: boolean; topics: [code: string, display: string][]; days: number }>> = {
  "primary-care": { topics: [["behandling", "Fråga om behandling"], ["recept", "Förnya recept"], ["ovrigt", "Övrigt"]], days: 3 },
  "child-health": { topics: [["barnets-halsa", "Fråga om mitt barns hälsa"], ["vaccination", "Vaccinationer"], ["ovrigt", "Övrigt"]], days: 2 },
  specialist: { topics: [["behandling", "Fråga om behandling"], ["provsvar", "Provsvar"], ["ombokning", "Av- eller ombokning"]], days: 5 },
  "youth-clinic": { open: true, topics: [["preventivmedel", "Preventivmedel"], ["samtal", "Samtal med kurator"], ["ovrigt", "Övrigt"]], days: 2 },
};

const VGR_SD = "https://vgregion.se/fhir/StructureDefinition";

function messagingExtensions(role: UnitRole): Pick<Organization, "extension"> {
  const m = MESSAGING[role];
  if (!m) return {};
  return {
    extension: [
      ...(m.open ? [{ url: `${VGR_SD}/open-messaging`, valueBoolean: true }] : []),
      ...m.topics.map(([code, display]) => ({ url: `${VGR_SD}/message-topic`, valueCoding: { system: "https://vgregion.se/fhir/CodeSystem/message-topic", code, display } })),
      { url: `${VGR_SD}/answer-time`, valueInteger: m.days },
    ],
  };
}

export function practitionerResource(s: Staff, lastUpdatedMs: number): Practitioner {
  return {
    resourceType: "Practitioner",
    id: s.id,
    meta: meta(lastUpdatedMs),
    identifier: [{ system: SYSTEMS.hsaId, value: s.hsaId }],
    active: true,
    name: [{ use: "official", text: s.name, family: s.family, given: [s.given] }],
    gender: s.gender,
    qualification: [{ code: { text: s.profession } }],
  };
}

function serviceType(s: Service) {
  return [{ coding: [{ system: SYSTEMS.appointmentType, code: s.code, display: s.name }], text: s.name }];
}

export function healthcareServiceResource(s: Service, lastUpdatedMs: number): HealthcareService {
  const u = unit(s.unit);
  return {
    resourceType: "HealthcareService",
    id: s.id,
    meta: meta(lastUpdatedMs),
    extension: [
      { url: SYSTEMS.bookableOnline, valueBoolean: s.bookableOnline },
      ...(s.openBooking ? [{ url: SYSTEMS.openBooking, valueBoolean: true }] : []),
      { url: SYSTEMS.cancellationDeadlineHours, valueInteger: s.cancellationDeadlineHours },
    ],
    active: true,
    providedBy: orgRef(u),
    type: serviceType(s),
    name: s.name,
    telecom: [{ system: "phone", value: u.phone, use: "work" }],
    appointmentRequired: true,
    ...(s.preparation ? { extraDetails: s.preparation } : {}),
  };
}

export function scheduleResource(s: Service, today: number, lastUpdatedMs: number): Schedule {
  const staff = staffOf(s.unit, s.professions)[0];
  return {
    resourceType: "Schedule",
    id: s.scheduleId as string,
    meta: meta(lastUpdatedMs),
    active: true,
    serviceType: serviceType(s),
    actor: [
      { reference: `HealthcareService/${s.id}`, display: s.name },
      orgRef(unit(s.unit)),
      ...(staff ? [{ reference: `Practitioner/${staff.id}`, display: staff.name }] : []),
    ],
    planningHorizon: { start: isoDate(today + 1), end: isoDate(today + SLOT_HORIZON_DAYS) },
  };
}

export function slotResource(time: SlotTime, today: number, busy: boolean, lastUpdatedMs: number): Slot {
  const s = service(time.service);
  return {
    resourceType: "Slot",
    id: slotId(time, today),
    meta: meta(lastUpdatedMs),
    schedule: { reference: `Schedule/${s.scheduleId}` },
    serviceType: serviceType(s),
    status: busy ? "busy" : "free",
    start: localDateTime(time.day, time.minute),
    end: localDateTime(time.day, time.minute + s.minutes),
  };
}

/** Every bookable service's slots over the horizon; the reserved ones (booked by the cast) and about 40% are busy. */
export function* catalogueSlots(today: number, reserved: ReadonlySet<string>, lastUpdatedMs: number): Generator<Slot> {
  const rng = new Random(0x5eed_0002 ^ today);
  for (const s of serviceList) {
    if (!s.scheduleId) continue;
    for (let day = today + 1; day <= today + SLOT_HORIZON_DAYS; day++) {
      for (const time of slotTimes(s.key, day)) {
        const id = slotId(time, today);
        const busy = reserved.has(id) || rng.chance(day - today <= 7 ? 0.7 : 0.35);
        yield slotResource(time, today, busy, lastUpdatedMs);
      }
    }
  }
}

/** The fixed part of the data, in the order a feed would send it (providers before their units). */
export function* catalogueResources(
  today: number,
  now: number,
  reservedSlots: ReadonlySet<string>,
): Generator<Organization | Practitioner | HealthcareService | Schedule | Slot> {
  const established = localInstant(today - 400, h(6));
  for (const u of unitList) yield organizationResource(u, established);
  for (const s of staffList) yield practitionerResource(s, established);
  for (const s of serviceList) yield healthcareServiceResource(s, established);
  const planned = Math.min(now, localInstant(today, h(5)));
  for (const s of serviceList) if (s.scheduleId) yield scheduleResource(s, today, planned);
  yield* catalogueSlots(today, reservedSlots, planned);
}
