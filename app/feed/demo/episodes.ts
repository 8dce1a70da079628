import type { RecordBuilder, Contact } from "./builder";
import { HOME_CARE_BY_CITY, SCHOOL_HEALTH_BY_CITY, SERVICES, unit } from "./catalogue";
import { addMonths, addYears, yearsBetween } from "./dates";
import { ANALYTES, type AnalyteKey } from "./terminology";

/**
 * Pieces of a record that a clinical system would hold after real care: a contact, its note, what was found and
 * prescribed. Each piece takes the person's builder and draws its variation from the person's own random stream.
 */

const h = (hours: number, minutes = 0) => hours * 60 + minutes;

export function ageOn(b: RecordBuilder, day: number): number {
  return yearsBetween(b.person.birthDay, day);
}

/** The last day anything can have happened: yesterday, or the day of death. */
export function lastDay(b: RecordBuilder): number {
  return Math.min(b.clock.today - 1, b.person.deceasedDay ?? Number.POSITIVE_INFINITY);
}

export function labUnitFor(careUnit: string): string {
  return unit(careUnit).kindOfProvider === "private" ? "vastlabLab" : "suLab";
}

/** The bookable appointment type a unit offers for a kind of visit, if any. */
export function serviceAt(unitKey: string, code: string): string | undefined {
  for (const s of SERVICES.values()) if (s.unit === unitKey && s.code === code) return s.key;
  return undefined;
}

const baselines = new WeakMap<RecordBuilder, Map<AnalyteKey, number>>();

/** The person's own usual value of an analyte (people differ; one person stays near their own value). */
export function baseline(b: RecordBuilder, key: AnalyteKey): number {
  let map = baselines.get(b);
  if (!map) {
    map = new Map();
    baselines.set(b, map);
  }
  let v = map.get(key);
  if (v === undefined) {
    const a = ANALYTES[key];
    let typical: number = a.typical;
    if (key === "hemoglobin") typical = b.person.gender === "female" ? 134 : 149;
    if (key === "creatinine") typical = b.person.gender === "female" ? 66 : 84;
    if (key === "weight") typical = b.person.gender === "female" ? 70 : 84;
    v = b.rng.normal(typical, a.spread * 0.8);
    map.set(key, v);
  }
  return v;
}

/** A value near the person's baseline, shifted by `shift` (for an illness or a trend). */
export function sample(b: RecordBuilder, key: AnalyteKey, shift = 0): number {
  const a = ANALYTES[key];
  return Math.max(a.decimals > 0 ? 0.1 : 1, baseline(b, key) + shift + b.rng.normal(0, a.spread * 0.35));
}

/** A blood sample taken at a care unit and analysed by its laboratory. */
export function labVisit(
  b: RecordBuilder,
  options: { unit: string; day: number; values: [AnalyteKey, number][]; reason?: string; appointment?: boolean },
): Contact {
  const minute = b.rng.int(h(7, 30) / 10, h(10) / 10) * 10;
  const c = b.contact({
    unit: options.unit,
    day: options.day,
    minute,
    type: "lab",
    reason: options.reason ?? "Provtagning",
    professions: ["Distriktssköterska", "Sjuksköterska", "Barnsjuksköterska", "Biomedicinsk analytiker"],
    minutes: 10,
  });
  const performer = labUnitFor(options.unit);
  const issuedAfterDays = b.rng.chance(0.7) ? 0 : 1;
  for (const [analyte, value] of options.values) {
    b.observation({ analyte, value, day: options.day, minute: minute + 5, performer, contact: c, issuedAfterDays });
  }
  if (options.appointment) {
    const s = serviceAt(options.unit, "provtagning");
    if (s) b.appointment({ service: s, day: options.day, minute, status: "fulfilled" });
  }
  return c;
}

/** Days from `from` to `to` (both included) every `months` months, with a little jitter, never at weekends. */
export function everyMonths(b: RecordBuilder, from: number, to: number, months: number): number[] {
  const out: number[] = [];
  for (let day = from, n = 0; day <= to && n < 200; n++) {
    let d = day + b.rng.int(-10, 10);
    const wd = ((((d + 3) % 7) + 7) % 7) + 1;
    if (wd === 6) d -= 1;
    if (wd === 7) d += 1;
    if (d >= from && d <= to) out.push(d);
    day = addMonths(day, months);
  }
  return out;
}

// -----------------------------------------------------------------------------------------------------------------
// Acute episodes

export const ACUTE_KINDS = [
  "uri",
  "uti",
  "lumbago",
  "sprain",
  "otitis",
  "conjunctivitis",
  "pneumonia",
  "gastroenteritis",
  "tonsillitis",
  "radiusFracture",
] as const;
export type AcuteKind = (typeof ACUTE_KINDS)[number];

/** Which acute illnesses are likely at an age and sex. */
export function acuteKindsFor(b: RecordBuilder, day: number): [AcuteKind, number][] {
  const age = ageOn(b, day);
  const female = b.person.gender === "female";
  return [
    ["uri", age < 10 ? 5 : 3],
    ["uti", female ? (age > 15 ? 3 : 1) : age > 70 ? 1 : 0.1],
    ["lumbago", age >= 20 ? 2 : 0.1],
    ["sprain", age >= 8 && age <= 50 ? 1.5 : 0.3],
    ["otitis", age < 8 ? 4 : 0.2],
    ["conjunctivitis", age < 10 ? 1.5 : 0.5],
    ["pneumonia", age > 65 ? 1.5 : 0.4],
    ["gastroenteritis", 1],
    ["tonsillitis", age >= 4 && age <= 30 ? 1.5 : 0.3],
    ["radiusFracture", age > 60 || (age >= 6 && age <= 16) ? 0.6 : 0.2],
  ];
}

export function acuteEpisode(b: RecordBuilder, kind: AcuteKind, day: number): void {
  const r = b.rng;
  const primary = b.person.primaryCare;
  const child = ageOn(b, day) < 16;
  const days = r.int(2, 7);
  switch (kind) {
    case "uri": {
      const c = b.contact({ unit: primary, day, type: r.chance(0.4) ? "phone" : "visit", reason: "Halsont och hosta", professions: ["Distriktssköterska", "Läkare"] });
      b.note(
        c,
        c.staff.profession === "Läkare" ? "visit" : "phone",
        [
          `Kontaktorsak: Halsont, snuva och hosta sedan ${days} dagar.`,
          `Aktuellt: ${r.pick(["Feber upp till 38,5 grader de första dagarna, nu feberfri.", "Ingen feber.", "Lätt feber i går kväll."])} Ingen andnöd. Äter och dricker.`,
          `Status: Allmäntillstånd gott. ${r.pick(["Svalg lätt rodnat, inga beläggningar.", "Svalg utan anmärkning."])} Lungor: vesikulära andningsljud bilateralt.`,
          "Bedömning: Virusorsakad övre luftvägsinfektion. Antibiotika har ingen effekt.",
          "Åtgärd: Egenvårdsråd om vila, vätska och febernedsättande vid behov. Ny kontakt vid andningsbesvär eller om besvären kvarstår efter en vecka.",
        ].join("\n"),
      );
      b.condition(c, "uri", { resolvedDay: day + 10 });
      return;
    }
    case "uti": {
      const c = b.contact({ unit: primary, day, type: "visit", reason: "Sveda vid vattenkastning", professions: ["Distriktssköterska", "Läkare"] });
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: Sveda och täta trängningar sedan ${days} dagar.`,
          "Aktuellt: Ingen feber, ingen flanksmärta.",
          "Status: Opåverkad. U-sticka: nitrit positiv, leukocyter 2+.",
          "Bedömning: Okomplicerad nedre urinvägsinfektion.",
          "Åtgärd: Nitrofurantoin i 5 dagar. Hör av dig om du får feber eller ont i ryggen.",
        ].join("\n"),
      );
      b.condition(c, "uti", { resolvedDay: day + 7 });
      b.medication(c, "nitrofurantoin", { endedDay: day + 5 });
      return;
    }
    case "lumbago": {
      const c = b.contact({ unit: primary, day, type: "visit", reason: "Ryggsmärta", professions: ["Läkare", "Fysioterapeut"] });
      b.note(
        c,
        c.staff.profession === "Fysioterapeut" ? "physio" : "visit",
        [
          `Kontaktorsak: Ländryggssmärta sedan ${days} dagar, ${r.pick(["efter lyft i trädgården", "utan känd utlösande orsak", "efter flytt"])}.`,
          "Aktuellt: Ingen utstrålning i benen. Inga problem med blåsa eller tarm.",
          "Status: Palpationsöm paravertebralt L4–S1. Lasègue negativ bilateralt. Normal kraft och känsel i benen.",
          "Bedömning: Akut lumbago utan tecken på nervpåverkan.",
          "Åtgärd: Fortsätt vara i rörelse. Receptfria smärtstillande vid behov. Hemövningar enligt utdelat program.",
        ].join("\n"),
      );
      b.condition(c, "lumbago", { resolvedDay: day + 30 });
      if (r.chance(0.5)) b.medication(c, "ibuprofen", { endedDay: day + 14 });
      return;
    }
    case "sprain": {
      const emergency = child ? "suChildEmergency" : "suEmergency";
      const c = b.contact({ unit: emergency, day, type: "emergency", reason: "Vrickad fot", minute: r.int(h(15), h(21)), professions: ["Läkare"] });
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: Vrickade vänster fot ${r.pick(["under fotbollsträning", "i en trappa", "vid löpning i skogen"])} i dag.`,
          "Status: Svullnad och ömhet framför laterala malleolen. Kan belasta med smärta. Ottawa-kriterier negativa.",
          "Bedömning: Distorsion av fotleden utan misstanke om fraktur.",
          "Åtgärd: Högläge, kyla och kompression första dygnet. Successiv belastning. Ingen röntgen behövs.",
        ].join("\n"),
      );
      b.condition(c, "sprain", { resolvedDay: day + 28 });
      return;
    }
    case "otitis": {
      const c = b.contact({ unit: primary, day, type: "visit", reason: "Öronvärk", professions: ["Läkare"] });
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: Öronvärk och feber sedan ${r.int(1, 3)} dagar. Föräldern berättar om orolig sömn.`,
          "Status: Allmäntillstånd gott. Höger trumhinna röd och buktande. Vänster trumhinna normal.",
          "Bedömning: Akut mediaotit höger sida.",
          r.chance(0.5)
            ? "Åtgärd: Amoxicillin enligt vikt i 5 dagar. Smärtlindring vid behov."
            : "Åtgärd: Avvaktar med antibiotika. Smärtlindring. Ny bedömning om inte bättre inom tre dagar.",
        ].join("\n"),
      );
      b.condition(c, "otitis", { resolvedDay: day + 10 });
      if (r.chance(0.5)) b.medication(c, "amoxicillin", { endedDay: day + 5 });
      return;
    }
    case "conjunctivitis": {
      const c = b.contact({ unit: primary, day, type: "phone", reason: "Röda ögon", professions: ["Distriktssköterska", "Barnsjuksköterska"] });
      b.note(
        c,
        "phone",
        [
          "Kontaktorsak: Röda, kliande ögon med gult sekret på morgonen sedan två dagar.",
          "Aktuellt: Ingen smärta, ingen synpåverkan.",
          "Bedömning: Sannolikt okomplicerad konjunktivit.",
          "Åtgärd: Rengöring med ljummet vatten flera gånger dagligen. Ny kontakt vid smärta eller synpåverkan.",
        ].join("\n"),
      );
      b.condition(c, "conjunctivitis", { resolvedDay: day + 10 });
      return;
    }
    case "pneumonia": {
      const c = b.contact({ unit: primary, day, type: "visit", reason: "Feber och hosta", professions: ["Läkare"] });
      b.observation({ analyte: "crp", value: r.int(60, 180), day, minute: c.minute + 10, performer: unit(primary).kindOfProvider === "private" ? "vastlabLab" : primary, contact: c });
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: Feber, hosta och trötthet sedan ${days} dagar.`,
          "Status: Andningsfrekvens 22. Saturation 94 %. Dämpade andningsljud och rassel basalt höger.",
          "Bedömning: Samhällsförvärvad pneumoni. CRP förhöjt.",
          "Åtgärd: Penicillin V i 10 dagar. Lungröntgen efter sex veckor. Återbesök vid utebliven förbättring.",
        ].join("\n"),
      );
      b.condition(c, "pneumonia", { resolvedDay: day + 21 });
      b.medication(c, "phenoxymethylpenicillin", { endedDay: day + 10 });
      if (day + 45 <= lastDay(b)) {
        const xray = b.contact({ unit: "suRadiology", day: day + 45, type: "visit", reason: "Kontrollröntgen efter pneumoni", professions: ["Läkare"] });
        b.imagingReport(xray, "Röntgen lungor", "Inga kvarvarande infiltrat. Normal hjärtstorlek. Fria sinus.", "36643-5");
      }
      return;
    }
    case "gastroenteritis": {
      const c = b.contact({ unit: primary, day, type: "phone", reason: "Kräkningar och diarré", professions: ["Distriktssköterska", "Barnsjuksköterska"] });
      b.note(
        c,
        "phone",
        [
          "Kontaktorsak: Kräkningar och diarré sedan i går.",
          "Aktuellt: Dricker små mängder, kissar. Ingen blod i avföringen.",
          "Bedömning: Sannolikt viral magsjuka utan tecken på uttorkning.",
          "Åtgärd: Råd om vätskeersättning. Ny kontakt vid tecken på uttorkning eller om besvären kvarstår efter tre dagar.",
        ].join("\n"),
      );
      b.condition(c, "gastroenteritis", { resolvedDay: day + 5 });
      return;
    }
    case "tonsillitis": {
      const c = b.contact({ unit: primary, day, type: "visit", reason: "Halsont och feber", professions: ["Läkare"] });
      b.note(
        c,
        "visit",
        [
          "Kontaktorsak: Kraftigt halsont och feber sedan två dagar.",
          "Status: Förstorade tonsiller med beläggningar. Ömma lymfkörtlar på halsen. Ingen hosta. Strep A-test positivt.",
          "Bedömning: Streptokocktonsillit.",
          "Åtgärd: Penicillin V i 10 dagar.",
        ].join("\n"),
      );
      b.condition(c, "tonsillitis", { resolvedDay: day + 10 });
      b.medication(c, "phenoxymethylpenicillin", { endedDay: day + 10 });
      return;
    }
    case "radiusFracture": {
      const emergency = child ? "suChildEmergency" : "suEmergency";
      const c = b.contact({ unit: emergency, day, type: "emergency", reason: "Fall mot utsträckt hand", minute: r.int(h(10), h(20)), professions: ["Läkare"] });
      b.imagingReport(c, "Röntgen handled", "Fraktur i distala radius utan felställning. Ingen ledengagemang.", "37638-4");
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: Föll ${r.pick(["på isen", "från cykeln", "i trappan hemma"])} och tog emot sig med höger hand.`,
          "Status: Svullnad och felställning saknas. Palpationsömhet över distala radius. Distalstatus utan anmärkning.",
          "Bedömning: Odislocerad distal radiusfraktur enligt röntgen.",
          "Åtgärd: Gipsskena. Kontrollröntgen och återbesök ortopedmottagningen om en vecka. Gipstid fyra veckor.",
        ].join("\n"),
      );
      b.condition(c, "radiusFracture", { resolvedDay: day + 42 });
      if (!child) b.medication(c, "paracetamol", { endedDay: day + 14 });
      if (day + 7 <= lastDay(b) && !child) {
        const f = b.contact({ unit: "suOrthopedics", day: day + 7, type: "visit", reason: "Kontroll efter radiusfraktur", professions: ["Läkare"] });
        b.note(f, "visit", "Återbesök: Kontrollröntgen visar oförändrat läge. Fortsatt gips i totalt fyra veckor, därefter rörelseträning enligt fysioterapeut.");
        b.appointment({ service: "orthoFollowUp", day: f.day, minute: f.minute, status: "fulfilled", bookedDaysBefore: 7 });
      }
      return;
    }
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Long-term conditions

export const CHRONIC_KINDS = [
  "diabetes2",
  "hypertension",
  "hyperlipidemia",
  "hypothyroidism",
  "asthma",
  "atrialFibrillation",
  "heartFailure",
  "depression",
  "adhd",
  "eczema",
  "glaucoma",
  "copd",
  "rhinitis",
  "migraine",
  "gonarthrosis",
] as const;
export type ChronicKind = (typeof CHRONIC_KINDS)[number];

/** The yearly chance of getting each long-term condition at an age. */
export function chronicRisk(kind: ChronicKind, age: number, female: boolean): number {
  switch (kind) {
    case "diabetes2":
      return age >= 40 ? 0.12 : 0;
    case "hypertension":
      return age >= 40 ? Math.min(0.5, (age - 35) / 80) : 0;
    case "hyperlipidemia":
      return age >= 45 ? 0.15 : 0;
    case "hypothyroidism":
      return age >= 25 ? (female ? 0.08 : 0.02) : 0;
    case "asthma":
      return age >= 3 ? 0.08 : 0;
    case "atrialFibrillation":
      return age >= 65 ? 0.12 : 0;
    case "heartFailure":
      return age >= 72 ? 0.08 : 0;
    case "depression":
      return age >= 16 ? 0.07 : 0;
    case "adhd":
      return age >= 7 && age <= 30 ? 0.05 : 0;
    case "eczema":
      return age < 12 ? 0.12 : 0.02;
    case "glaucoma":
      return age >= 60 ? 0.06 : 0;
    case "copd":
      return age >= 55 ? 0.06 : 0;
    case "rhinitis":
      return age >= 6 && age <= 60 ? 0.1 : 0;
    case "migraine":
      return age >= 14 && age <= 60 ? (female ? 0.08 : 0.03) : 0;
    case "gonarthrosis":
      return age >= 55 ? 0.07 : 0;
  }
}

export interface ChronicOptions {
  /** How well a treated value is controlled: 0 good ... 1 poor. */
  control?: number;
  /** Last day of care for this condition (defaults to the record's last day). */
  until?: number;
}

/** A long-term condition from its onset: the diagnosis, treatment and the follow-up it brings year after year. */
export function chronicCondition(b: RecordBuilder, kind: ChronicKind, onset: number, options: ChronicOptions = {}): void {
  const r = b.rng;
  const until = options.until ?? lastDay(b);
  const control = options.control ?? r.next();
  const primary = b.person.primaryCare;
  const doctor = (day: number, reason: string, unitKey = primary) =>
    b.contact({ unit: unitKey, day, type: "visit", reason, professions: ["Läkare"] });
  const nurse = (day: number, reason: string, unitKey = primary) =>
    b.contact({ unit: unitKey, day, type: "visit", reason, professions: ["Distriktssköterska", "Sjuksköterska", "Barnsjuksköterska"] });
  const child = ageOn(b, onset) < 16;

  switch (kind) {
    case "diabetes2": {
      const start = r.int(56, 72);
      labVisit(b, { unit: primary, day: onset - 7, values: [["hba1c", start], ["glucose", r.float(7.5, 11)], ["creatinine", sample(b, "creatinine")], ["ldl", sample(b, "ldl", 0.6)]], reason: "Hälsokontroll" });
      const c = doctor(onset, "Förhöjt blodsocker");
      b.note(
        c,
        "visit",
        [
          "Kontaktorsak: Genomgång av provsvar efter hälsokontroll.",
          `Aktuellt: HbA1c ${start} mmol/mol vid två tillfällen. Viss trötthet och törst senaste månaderna. ${r.pick(["Ingen ärftlighet känd.", "Mamma har typ 2-diabetes.", "Pappa har diabetes."])}`,
          `Status: Vikt ${Math.round(baseline(b, "weight") + 8)} kg. Blodtryck ${r.int(128, 148)}/${r.int(78, 92)}. Fotstatus utan anmärkning.`,
          "Bedömning: Nydebuterad typ 2-diabetes.",
          "Åtgärd: Metformin insätts med långsam upptrappning. Remiss för ögonbottenfotografering. Kostråd och fysisk aktivitet på recept. Diabetessköterska om tre månader.",
        ].join("\n"),
      );
      b.condition(c, "diabetes2");
      b.medication(c, "metformin");
      if (onset + 20 <= until) b.referral(c, { to: "kpEye", title: "Ögonbottenfotografering", reason: "Nydebuterad typ 2-diabetes, screening för retinopati", completed: true });
      const visits = everyMonths(b, addMonths(onset, 3), until, 6);
      visits.forEach((day, i) => {
        const years = (day - onset) / 365;
        const settled = 44 + control * 16;
        const hba1c = settled + (start - settled) * Math.exp(-years * 3) + years * control * 1.5 + r.normal(0, 2.5);
        const values: [AnalyteKey, number][] = [["hba1c", hba1c], ["creatinine", sample(b, "creatinine", years * 1.5)]];
        if (i % 2 === 0) values.push(["ldl", sample(b, "ldl", 0.2 + control * 0.6)], ["uAlbCrea", sample(b, "uAlbCrea", control * 1.5)]);
        labVisit(b, { unit: primary, day: day - 7, values, reason: "Diabeteskontroll, provtagning", appointment: true });
        const v = nurse(day, "Diabeteskontroll");
        b.note(
          v,
          "nurse",
          [
            "Kontaktorsak: Regelbunden diabeteskontroll.",
            `Aktuellt: HbA1c ${Math.round(hba1c)} mmol/mol. ${hba1c > 52 ? "Över målvärdet." : "Inom målvärdet."} ${r.pick(["Promenerar dagligen.", "Har svårt att hinna motionera.", "Följer kostråden väl.", "Har gått ned något i vikt."])}`,
            `Status: Blodtryck ${r.int(122, 146)}/${r.int(72, 90)}. Fötter: ${r.pick(["normal känsel med monofilament", "torr hud på hälarna, i övrigt utan anmärkning", "inga sår"])}.`,
            `Åtgärd: ${hba1c > 52 ? "Diskuterat kost och motion. Läkare informerad om värdet." : "Fortsatt samma behandling."} Ny kontroll om sex månader.`,
          ].join("\n"),
        );
        const booked = serviceAt(primary, "diabetesbesok-ssk");
        if (booked) b.appointment({ service: booked, day, minute: v.minute, status: "fulfilled" });
        if (i === 4 && control > 0.6) {
          const d = doctor(day + 14, "Otillräcklig diabeteskontroll");
          b.note(d, "visit", "Bedömning: HbA1c över målvärdet trots metformin i full dos.\nÅtgärd: Tillägg av sitagliptin. Ny provtagning om tre månader.");
          b.medication(d, "sitagliptin");
        }
      });
      for (const day of everyMonths(b, onset + 30, until, 24)) {
        const e = b.contact({ unit: "kpEye", day, type: "visit", reason: "Ögonbottenfotografering", professions: ["Sjuksköterska", "Läkare"] });
        b.note(e, "eyeExam", `Ögonbottenfotografering båda ögonen efter pupillvidgning.\nBedömning: ${r.chance(0.85) ? "Ingen diabetesretinopati." : "Enstaka mikroaneurysm vänster öga, lätt bakgrundsretinopati."}\nÅtgärd: Ny fotografering om två år.`);
        b.appointment({ service: "eyePhoto", day, minute: e.minute, status: "fulfilled" });
      }
      return;
    }
    case "hypertension": {
      const c = doctor(onset, "Förhöjt blodtryck");
      const sys = r.int(150, 170);
      b.observation({ analyte: "systolic", value: sys, day: onset, minute: c.minute + 5, performer: primary, contact: c });
      b.observation({ analyte: "diastolic", value: r.int(92, 104), day: onset, minute: c.minute + 5, performer: primary, contact: c });
      b.note(
        c,
        "visit",
        [
          "Kontaktorsak: Uppföljning av förhöjt blodtryck vid upprepade mätningar.",
          `Aktuellt: Hemmamätningar i genomsnitt ${sys - 5}/${r.int(90, 98)}. Inga bröstsmärtor, ingen andfåddhet.`,
          "Status: Hjärta: regelbunden rytm, inga blåsljud. EKG: sinusrytm, inga hypertrofitecken.",
          "Bedömning: Essentiell hypertoni.",
          "Åtgärd: Ramipril insätts. Kontroll av kreatinin och kalium om två veckor. Sjuksköterskekontroll om tre månader.",
        ].join("\n"),
      );
      b.condition(c, "hypertension");
      b.medication(c, "ramipril");
      for (const [i, day] of everyMonths(b, addMonths(onset, 3), until, 12).entries()) {
        labVisit(b, { unit: primary, day: day - 5, values: [["creatinine", sample(b, "creatinine", i)], ["potassium", sample(b, "potassium", 0.1)], ["sodium", sample(b, "sodium")]], reason: "Blodtryckskontroll, provtagning" });
        const v = nurse(day, "Blodtryckskontroll");
        const s = 128 + control * 20 + r.normal(0, 6);
        b.observation({ analyte: "systolic", value: s, day, minute: v.minute + 5, performer: primary, contact: v });
        b.observation({ analyte: "diastolic", value: 78 + control * 10 + r.normal(0, 4), day, minute: v.minute + 5, performer: primary, contact: v });
        b.note(v, "nurse", `Blodtryckskontroll. Blodtryck ${Math.round(s)}/${Math.round(80 + control * 8)} sittande efter vila.\n${s > 140 ? "Över målvärdet, läkare informerad." : "Välreglerat."} Tar sin medicin som ordinerat.`);
        if (i === 2 && control > 0.6) {
          const d = doctor(day + 10, "Otillräcklig blodtryckskontroll");
          b.note(d, "visit", "Bedömning: Blodtrycket över målvärdet trots ramipril.\nÅtgärd: Tillägg av amlodipin.");
          b.medication(d, "amlodipine");
        }
      }
      return;
    }
    case "hyperlipidemia": {
      labVisit(b, { unit: primary, day: onset - 10, values: [["ldl", r.float(4.1, 5.2)], ["alat", sample(b, "alat")]], reason: "Blodfetter" });
      const c = doctor(onset, "Förhöjda blodfetter");
      b.note(c, "visit", "Kontaktorsak: Genomgång av blodfetter.\nBedömning: Hyperkolesterolemi med förhöjd kardiovaskulär risk.\nÅtgärd: Atorvastatin insätts. Ny kontroll av LDL och ALAT om tre månader.");
      b.condition(c, "hyperlipidemia");
      b.medication(c, "atorvastatin");
      for (const day of everyMonths(b, addMonths(onset, 3), until, 12)) {
        labVisit(b, { unit: primary, day, values: [["ldl", 2.1 + control * 1.4 + r.normal(0, 0.25)], ["alat", sample(b, "alat", 0.05)]], reason: "Uppföljning blodfetter" });
      }
      return;
    }
    case "hypothyroidism": {
      labVisit(b, { unit: primary, day: onset - 8, values: [["tsh", r.float(7, 14)], ["ft4", r.float(8.5, 11.5)], ["hemoglobin", sample(b, "hemoglobin")]], reason: "Trötthet" });
      const c = doctor(onset, "Trötthet, avvikande sköldkörtelprover");
      b.note(c, "visit", "Kontaktorsak: Trötthet, frusenhet och viktuppgång sedan några månader.\nStatus: Torr hud, i övrigt utan anmärkning.\nBedömning: Hypotyreos.\nÅtgärd: Levaxin insätts. Kontroll av TSH och fritt T4 om sex veckor.");
      b.condition(c, "hypothyroidism");
      b.medication(c, "levothyroxine");
      for (const [i, day] of everyMonths(b, onset + 45, until, 12).entries()) {
        const tsh = i === 0 ? r.float(4.2, 6) : 1.2 + control * 3.5 + r.normal(0, 0.5);
        labVisit(b, { unit: primary, day, values: [["tsh", Math.max(0.1, tsh)], ["ft4", sample(b, "ft4")]], reason: "Kontroll sköldkörtel" });
      }
      return;
    }
    case "asthma": {
      const c = doctor(onset, child ? "Återkommande hosta och pip i bröstet" : "Andfåddhet och hosta");
      b.note(
        c,
        "visit",
        [
          `Kontaktorsak: ${child ? "Återkommande nattlig hosta och pip i bröstet vid förkylning och ansträngning." : "Hosta och andfåddhet vid ansträngning och i kyla."}`,
          "Status: Lungor: enstaka ronki vid forcerad utandning. PEF 78 % av förväntat, reversibilitet positiv.",
          "Bedömning: Astma.",
          "Åtgärd: Inhalationssteroid morgon och kväll samt luftrörsvidgande vid behov. Inhalationsteknik genomgången. Astmakontroll hos sjuksköterska om tre månader.",
        ].join("\n"),
      );
      b.condition(c, "asthma");
      b.medication(c, "budesonide");
      b.medication(c, "salbutamol");
      for (const day of everyMonths(b, addMonths(onset, 3), until, 12)) {
        const v = nurse(day, "Astmakontroll");
        b.note(v, "nurse", `Astmakontroll.\nAktuellt: ${r.pick(["Inga nattliga besvär.", "Besvär främst vid förkylning.", "Använder luftrörsvidgande 1–2 gånger i veckan."])} ACT ${r.int(18, 25)} poäng.\nÅtgärd: Inhalationsteknik kontrollerad. Oförändrad behandling.`);
        const booked = serviceAt(primary, "astmakontroll");
        if (booked) b.appointment({ service: booked, day, minute: v.minute, status: "fulfilled" });
      }
      return;
    }
    case "atrialFibrillation": {
      const c = b.contact({ unit: "suEmergency", day: onset, type: "emergency", reason: "Hjärtklappning", minute: r.int(h(8), h(22)), professions: ["Läkare"] });
      b.note(c, "visit", "Kontaktorsak: Oregelbunden hjärtklappning sedan i morse.\nStatus: Oregelbunden rytm, frekvens 118. Blodtryck 142/88.\nEKG: Förmaksflimmer med snabb kammarfrekvens.\nBedömning: Nyupptäckt förmaksflimmer. CHA2DS2-VASc 3.\nÅtgärd: Metoprolol och Eliquis insätts. Remiss till kardiologmottagningen.");
      b.observation({ analyte: "hemoglobin", value: sample(b, "hemoglobin"), day: onset, minute: c.minute + 20, performer: "suLab", contact: c });
      b.observation({ analyte: "creatinine", value: sample(b, "creatinine", 8), day: onset, minute: c.minute + 20, performer: "suLab", contact: c });
      b.condition(c, "atrialFibrillation");
      b.medication(c, "apixaban");
      b.medication(c, "metoprolol");
      b.referral(c, { to: "suCardiology", title: "Remiss kardiologmottagningen", reason: "Nyupptäckt förmaksflimmer, ställningstagande till konvertering", completed: onset + 40 <= until });
      if (onset + 40 <= until) {
        const k = doctor(onset + 40, "Förmaksflimmer, bedömning", "suCardiology");
        b.note(k, "visit", "Bedömning: Permanent förmaksflimmer, frekvensreglerat. Ingen konvertering.\nÅtgärd: Fortsatt Eliquis och metoprolol. Uppföljning i primärvården.");
      }
      for (const day of everyMonths(b, addMonths(onset, 12), until, 12)) {
        labVisit(b, { unit: primary, day, values: [["hemoglobin", sample(b, "hemoglobin", -2)], ["creatinine", sample(b, "creatinine", 10)]], reason: "Kontroll inför fortsatt antikoagulantia" });
      }
      return;
    }
    case "heartFailure": {
      const c = b.contact({ unit: "suWard", day: onset, type: "inpatient", reason: "Andfåddhet och bensvullnad", days: r.int(3, 7), professions: ["Läkare"] });
      b.note(c, "admission", "Inskrivningsorsak: Tilltagande andfåddhet och bensvullnad sedan två veckor.\nStatus: Halvsittande, andningsfrekvens 24. Bilaterala rassel basalt. Pittingödem till knäna.\nBedömning: Hjärtsvikt.\nPlan: Diuretika intravenöst, ekokardiografi.");
      b.observation({ analyte: "ntProBnp", value: r.int(1800, 5200), day: onset, minute: c.minute + 30, performer: "suLab", contact: c });
      b.observation({ analyte: "sodium", value: r.int(132, 137), day: onset, minute: c.minute + 30, performer: "suLab", contact: c });
      b.note(c, "discharge", "Epikris: Vårdad för nydebuterad hjärtsvikt med nedsatt ejektionsfraktion (EF 35 %). God effekt av diuretika, viktnedgång 4 kg.\nLäkemedel: Furosemid insatt.\nUppföljning: Hjärtsviktssköterska vårdcentralen om två veckor. Vikt dagligen, hör av dig vid viktökning över två kilo på tre dagar.", { signedLaterDays: 5 });
      b.condition(c, "heartFailure");
      b.medication(c, "furosemide");
      for (const day of everyMonths(b, addMonths(onset, 2), until, 6)) {
        labVisit(b, { unit: primary, day, values: [["ntProBnp", r.int(400, 2400)], ["potassium", sample(b, "potassium", -0.3)], ["sodium", sample(b, "sodium", -2)], ["creatinine", sample(b, "creatinine", 20)]], reason: "Hjärtsviktskontroll" });
      }
      return;
    }
    case "depression": {
      const c = doctor(onset, "Nedstämdhet");
      b.note(c, "visit", `Kontaktorsak: Nedstämdhet, sömnsvårigheter och orkeslöshet sedan ${r.int(2, 6)} månader.\nAktuellt: PHQ-9 ${r.int(14, 19)} poäng. Inga suicidtankar.\nBedömning: Medelsvår depressiv episod.\nÅtgärd: Sertralin insätts. Remiss till psykolog på vårdcentralen. Återbesök om fyra veckor.`);
      b.condition(c, "depression", { resolvedDay: r.chance(0.6) ? onset + r.int(240, 600) : undefined });
      b.medication(c, "sertraline", { endedDay: r.chance(0.6) ? onset + r.int(240, 600) : undefined });
      let day = onset + 14;
      for (let i = 0; i < r.int(3, 6) && day <= until; i++) {
        const p = b.contact({ unit: primary, day, type: r.chance(0.3) ? "video" : "visit", reason: "Samtalsbehandling", professions: ["Psykolog"], minutes: 45 });
        b.note(p, "psychology", `Samtal ${i + 1}. ${r.pick(["Arbetat med beteendeaktivering.", "Genomgång av sömnschema.", "Fokus på återgång i arbete.", "Rapporterar något bättre stämningsläge."])} Plan: fortsatta samtal varannan vecka.`);
        day += 14 + r.int(0, 7);
      }
      return;
    }
    case "adhd": {
      const childCase = ageOn(b, onset) < 18;
      const assess = childCase ? "bup" : primary;
      const c = doctor(onset, "Utredning koncentrationssvårigheter", assess);
      b.note(c, "visit", `Kontaktorsak: Neuropsykiatrisk utredning avslutad.\nAktuellt: Långvariga svårigheter med koncentration, impulsivitet och struktur${childCase ? " i skolan och hemma" : " i arbetet"}.\nBedömning: ADHD, kombinerad form.\nÅtgärd: Concerta insätts med uppföljning av puls, blodtryck och vikt. Psykoedukation.`);
      b.condition(c, "adhd");
      b.medication(c, "methylphenidate");
      for (const day of everyMonths(b, addMonths(onset, 6), until, 12)) {
        const v = nurse(day, "Uppföljning läkemedel ADHD", assess);
        b.note(v, "nurse", `Uppföljning ADHD-läkemedel.\nPuls ${r.int(68, 92)}, blodtryck ${r.int(108, 128)}/${r.int(62, 78)}. ${r.pick(["Fungerar bättre i skolan.", "Aptiten något nedsatt vid lunch.", "Sover bra."])}\nÅtgärd: Oförändrad dos.`);
      }
      return;
    }
    case "eczema": {
      const c = b.contact({ unit: primary, day: onset, type: "visit", reason: "Torr och kliande hud", professions: ["Läkare"] });
      b.note(c, "visit", `Kontaktorsak: Torra, kliande eksem ${child ? "i armvecken och knävecken" : "på händerna"} sedan några veckor.\nBedömning: Atopiskt eksem.\nÅtgärd: Mjukgörande kräm dagligen, Locoid kortare perioder vid skov.`);
      b.condition(c, "eczema");
      b.medication(c, "hydrocortisone", { endedDay: onset + 21 });
      return;
    }
    case "glaucoma": {
      const ref = doctor(onset - 30, "Synförändring");
      b.note(ref, "visit", "Kontaktorsak: Upplever att synen blivit sämre. Optiker har uppmätt högt ögontryck.\nÅtgärd: Remiss till ögonmottagning.");
      b.referral(ref, { to: "kpEye", title: "Remiss ögonmottagning", reason: "Förhöjt ögontryck, misstänkt glaukom", completed: true });
      const c = b.contact({ unit: "kpEye", day: onset, type: "visit", reason: "Förhöjt ögontryck", professions: ["Läkare"] });
      b.note(c, "visit", `Ögontryck ${r.int(26, 31)} mmHg höger, ${r.int(24, 30)} mmHg vänster. Synfältsundersökning visar begynnande bortfall.\nBedömning: Primärt öppenvinkelglaukom.\nÅtgärd: Latanoprost till kvällen. Återbesök om tre månader.`);
      b.condition(c, "glaucoma");
      b.medication(c, "latanoprost");
      for (const day of everyMonths(b, addMonths(onset, 6), until, 12)) {
        const v = b.contact({ unit: "kpEye", day, type: "visit", reason: "Glaukomkontroll", professions: ["Läkare", "Sjuksköterska"] });
        b.note(v, "visit", `Glaukomkontroll. Ögontryck ${r.int(15, 21)} mmHg bilateralt. Stabilt synfält.\nÅtgärd: Fortsatt behandling.`);
      }
      return;
    }
    case "copd": {
      const c = doctor(onset, "Långvarig hosta och andfåddhet");
      b.note(c, "visit", "Kontaktorsak: Hosta med slem och andfåddhet vid ansträngning i flera år. Tidigare rökare, 30 paketår.\nSpirometri: FEV1/FVC 0,62 efter bronkdilatation, FEV1 64 % av förväntat.\nBedömning: KOL, GOLD 2.\nÅtgärd: Spiriva insätts. Rökavvänjning erbjuden. Influensa- och pneumokockvaccination rekommenderas.");
      b.condition(c, "copd");
      b.medication(c, "tiotropium");
      for (const day of everyMonths(b, addMonths(onset, 12), until, 12)) {
        const v = nurse(day, "KOL-kontroll");
        b.note(v, "nurse", `KOL-kontroll. CAT ${r.int(9, 22)} poäng. ${r.pick(["Inga exacerbationer senaste året.", "En exacerbation i vintras."])} Inhalationsteknik kontrollerad.`);
      }
      return;
    }
    case "rhinitis": {
      const c = b.contact({ unit: primary, day: onset, type: r.chance(0.5) ? "phone" : "visit", reason: "Besvär under pollensäsong", professions: ["Läkare", "Distriktssköterska"] });
      b.note(c, "phone", "Kontaktorsak: Nästäppa, nysningar och kliande ögon varje vår.\nBedömning: Allergisk rinokonjunktivit, sannolikt björkpollen.\nÅtgärd: Cetirizin under säsong.");
      b.condition(c, "rhinitis");
      b.allergy(c, "birchPollen");
      b.medication(c, "cetirizine");
      return;
    }
    case "migraine": {
      const c = doctor(onset, "Återkommande huvudvärk");
      b.note(c, "visit", `Kontaktorsak: Återkommande halvsidig, pulserande huvudvärk med illamående ${r.int(1, 4)} gånger i månaden.\nStatus: Neurologstatus utan anmärkning.\nBedömning: Migrän utan aura.\nÅtgärd: Sumatriptan vid anfall. Huvudvärksdagbok.`);
      b.condition(c, "migraine");
      b.medication(c, "sumatriptan");
      return;
    }
    case "gonarthrosis": {
      const c = doctor(onset, "Knäsmärta");
      b.note(c, "visit", "Kontaktorsak: Belastningsvärk i höger knä sedan ett år, stelhet på morgonen.\nStatus: Krepitationer, lätt svullnad, ingen instabilitet.\nBedömning: Knäartros.\nÅtgärd: Artrosskola hos fysioterapeut. Paracetamol vid behov.");
      b.imagingReport(c, "Röntgen höger knä", "Medial ledspaltsförsmalning och osteofyter, förenligt med artros.", "26282-6");
      b.condition(c, "gonarthrosis");
      b.medication(c, "paracetamol");
      return;
    }
  }
}

// -----------------------------------------------------------------------------------------------------------------
// Child health, school health, vaccinations, home care

/** The Swedish child health programme (BVC) and vaccination programme up to the day given. */
export function childHealth(b: RecordBuilder, options: { bvc?: string; school?: string; until?: number } = {}): void {
  const r = b.rng;
  const birth = b.person.birthDay;
  const until = options.until ?? lastDay(b);
  const bvc = options.bvc ?? (b.person.city === "Göteborg" ? "nhKungshojdBvc" : b.person.primaryCare);
  const school = options.school ?? SCHOOL_HEALTH_BY_CITY[b.person.city] ?? "gbgSchool";
  const at = (days: number) => birth + days;
  const vaccinate = (day: number, vaccine: Parameters<RecordBuilder["immunization"]>[0]["vaccine"], dose: number, unitKey: string) => {
    if (day <= until) b.immunization({ vaccine, day, unit: unitKey, dose, professions: ["Barnsjuksköterska", "Skolsköterska", "Distriktssköterska"] });
  };
  const visit = (day: number, title: string, text: string, unitKey = bvc) => {
    if (day > until) return;
    const c = b.contact({ unit: unitKey, day, type: "visit", reason: title, professions: ["Barnsjuksköterska", "Skolsköterska", "Distriktssköterska"] });
    b.note(c, "nurse", text);
    const weight = Math.round(3.5 + Math.min(yearsBetween(birth, day), 12) * 3.2 + r.normal(0, 1));
    b.observation({ analyte: "weight", value: weight, day, minute: c.minute + 5, performer: unitKey, contact: c });
  };
  visit(at(r.int(5, 9)), "Hembesök nyfödd", "Hembesök. Amning fungerar. Navel läkt. Föräldrarna mår bra. Informerat om BVC-programmet.");
  vaccinate(at(42 + r.int(0, 10)), "rotavirus", 1, bvc);
  vaccinate(at(91 + r.int(0, 7)), "hexavalent", 1, bvc);
  vaccinate(at(91 + r.int(0, 7)), "pneumococcalChild", 1, bvc);
  vaccinate(at(91 + r.int(0, 7)), "rotavirus", 2, bvc);
  vaccinate(at(152 + r.int(0, 7)), "hexavalent", 2, bvc);
  vaccinate(at(152 + r.int(0, 7)), "pneumococcalChild", 2, bvc);
  visit(at(183 + r.int(0, 10)), "Sexmånadersbesök", "Sexmånadersbesök. Följer sin tillväxtkurva. Börjat med smakportioner. Motorik åldersadekvat.");
  vaccinate(at(365 + r.int(0, 14)), "hexavalent", 3, bvc);
  vaccinate(at(365 + r.int(0, 14)), "pneumococcalChild", 3, bvc);
  visit(at(548 + r.int(0, 14)), "Artonmånadersbesök", "Artonmånadersbesök. Går själv, säger enstaka ord. Språkutveckling åldersadekvat.");
  vaccinate(at(548 + r.int(0, 14)), "mmr", 1, bvc);
  visit(at(3 * 365 + r.int(0, 30)), "Treårsbesök", "Treårsbesök. Pratar i meningar. Syn och hörsel utan anmärkning vid screening.");
  visit(at(4 * 365 + r.int(0, 30)), "Fyraårsbesök", "Fyraårsbesök. Synundersökning normal. Trivs på förskolan.");
  visit(at(5 * 365 + r.int(0, 30)), "Femårsbesök", "Femårsbesök. Tillväxt och utveckling normal.");
  vaccinate(at(5 * 365 + r.int(0, 30)), "dtapIpv", 4, bvc);
  visit(at(6 * 365 + r.int(30, 120)), "Hälsobesök förskoleklass", "Hälsobesök i förskoleklass. Längd och vikt följer kurvan. Syn och hörsel normal.", school);
  vaccinate(at(7 * 365 + r.int(0, 200)), "mmr", 2, school);
  visit(at(9 * 365 + r.int(0, 120)), "Hälsobesök årskurs 4", "Hälsosamtal årskurs 4. Trivs i skolan. Rör sig regelbundet. Sover bra.", school);
  vaccinate(at(11 * 365 + r.int(0, 120)), "hpv", 1, school);
  vaccinate(at(11 * 365 + r.int(180, 300)), "hpv", 2, school);
  visit(at(13 * 365 + r.int(0, 120)), "Hälsobesök årskurs 7", "Hälsosamtal årskurs 7 enligt elevhälsans program. Längd och vikt normala. Inga besvär.", school);
  vaccinate(at(14 * 365 + r.int(30, 200)), "dtap", 5, school);
}

/** Adult vaccinations: seasonal influenza and covid-19 for the elderly and risk groups, TBE for some. */
export function adultVaccinations(b: RecordBuilder, options: { riskGroup?: boolean } = {}): void {
  const r = b.rng;
  const until = lastDay(b);
  const start = Math.max(b.clock.today - 7 * 365, addYears(b.person.birthDay, 18));
  const vcUnit = b.person.primaryCare;
  for (let day = start; day <= until; day += 365) {
    const year = new Date(day * 86_400_000).getUTCFullYear();
    const autumn = Math.floor(Date.UTC(year, 9, 15) / 86_400_000) + r.int(0, 40);
    if (autumn > until || autumn < start) continue;
    const eligible = ageOn(b, autumn) >= 65 || options.riskGroup;
    if (eligible && r.chance(0.8)) b.immunization({ vaccine: "influenza", day: autumn, unit: vcUnit, professions: ["Distriktssköterska"] });
    if (eligible && r.chance(0.6)) b.immunization({ vaccine: "covid", day: autumn + r.int(0, 3), unit: vcUnit, professions: ["Distriktssköterska"] });
  }
  if (ageOn(b, until) >= 18 && r.chance(0.25)) {
    const first = until - r.int(200, 2000);
    if (first > start) {
      b.immunization({ vaccine: "tbe", day: first, unit: vcUnit, dose: 1, professions: ["Distriktssköterska"] });
      if (first + 30 <= until) b.immunization({ vaccine: "tbe", day: first + 30 + r.int(0, 20), unit: vcUnit, dose: 2, professions: ["Distriktssköterska"] });
      if (first + 300 <= until) b.immunization({ vaccine: "tbe", day: first + 300 + r.int(0, 40), unit: vcUnit, dose: 3, professions: ["Distriktssköterska"] });
    }
  }
  if (ageOn(b, until) >= 65 && r.chance(0.5)) {
    const day = Math.max(start, addYears(b.person.birthDay, 65) + r.int(30, 300));
    if (day <= until) b.immunization({ vaccine: "pneumococcalAdult", day, unit: vcUnit, professions: ["Distriktssköterska"] });
  }
}

/** Municipal home health care: regular home visits by the municipality's nurses, with weight and blood pressure. */
export function homeCare(b: RecordBuilder, from: number, until = lastDay(b), homeCareUnit?: string): void {
  const r = b.rng;
  const u = homeCareUnit ?? HOME_CARE_BY_CITY[b.person.city] ?? "gbgHomeCare";
  const first = b.contact({ unit: u, day: from, type: "home", reason: "Inskrivning i hemsjukvården", professions: ["Sjuksköterska"], minutes: 60 });
  b.note(first, "homeVisit", "Inskrivning i kommunal hemsjukvård efter samordnad individuell plan (SIP).\nBehov: läkemedelshantering, viktkontroll, tillsyn. Patienten bor ensam i lägenhet med hiss. Hemtjänst morgon och kväll.");
  let weight = baseline(b, "weight");
  for (let day = from + r.int(20, 35); day <= until; day += r.int(21, 40)) {
    const c = b.contact({ unit: u, day, type: "home", reason: "Hembesök", professions: ["Sjuksköterska", "Undersköterska"] });
    weight += r.normal(-0.1, 0.6);
    b.observation({ analyte: "weight", value: weight, day, minute: c.minute + 10, performer: u, contact: c });
    if (r.chance(0.5)) {
      b.observation({ analyte: "systolic", value: sample(b, "systolic", 4), day, minute: c.minute + 10, performer: u, contact: c });
      b.observation({ analyte: "diastolic", value: sample(b, "diastolic"), day, minute: c.minute + 10, performer: u, contact: c });
    }
    b.note(
      c,
      "homeVisit",
      `Hembesök. ${r.pick(["Patienten mår efter omständigheterna bra.", "Tröttare än vanligt senaste veckan.", "Pigg och glad, har varit ute på promenad med hemtjänsten.", "Lite svullen om anklarna."])} Vikt ${Math.round(weight * 10) / 10} kg.\nLäkemedel: dosett fylld för två veckor. ${r.pick(["Inga problem med läkemedelsintaget.", "Glömt kvällsdosen vid ett tillfälle."])}`,
    );
  }
}

/** Message threads on everyday matters with the person's own care centre. */
export function everydayThreads(b: RecordBuilder, count: number): void {
  const r = b.rng;
  const until = lastDay(b);
  const topics = [
    {
      topic: "Förnya recept",
      messages: [
        { from: "patient" as const, text: "Hej! Jag behöver förnya mitt recept, det tar slut om en vecka. Tack på förhand." },
        { from: "care" as const, text: "Hej! Receptet är förnyat och finns på apoteket i morgon." },
      ],
    },
    {
      topic: "Fråga om provsvar",
      messages: [
        { from: "patient" as const, text: "Hej, jag såg att mina provsvar har kommit. Behöver jag göra något?" },
        { from: "care" as const, text: "Hej! Läkaren har tittat på svaren och de ser bra ut. Ingen åtgärd behövs nu." },
        { from: "patient" as const, text: "Tack för snabbt svar!" },
      ],
    },
    {
      topic: "Intyg",
      messages: [
        { from: "patient" as const, text: "Hej! Jag behöver ett intyg till arbetsgivaren om mitt besök förra veckan. Hur gör jag?" },
        { from: "care" as const, text: "Hej! Vi har skickat intyget med post till din folkbokföringsadress." },
      ],
    },
    {
      topic: "Fråga om läkemedel",
      messages: [
        { from: "patient" as const, text: "Hej, kan jag ta ibuprofen samtidigt som mina andra mediciner?" },
        { from: "care" as const, text: "Hej! Med dina nuvarande läkemedel rekommenderar vi paracetamol i stället. Hör av dig om du har fler frågor." },
      ],
    },
  ];
  for (let i = 0; i < count; i++) {
    const t = r.pick(topics);
    const day = until - r.int(3, 900);
    if (day < b.person.birthDay + 18 * 365) continue;
    b.thread({ unit: b.person.primaryCare, topic: t.topic, day, messages: t.messages });
  }
}

/** A booked future appointment, and sometimes a cancelled one. */
export function futureAppointments(b: RecordBuilder, codes: string[]): void {
  const r = b.rng;
  for (const code of codes) {
    const s = serviceAt(b.person.primaryCare, code);
    if (!s) continue;
    const day = b.clock.today + r.int(3, 40);
    const wd = ((((day + 3) % 7) + 7) % 7) + 1;
    if (wd > 5) continue;
    const minute = r.int(h(8) / 10, h(15) / 10) * 10;
    b.appointment({ service: s, day, minute, status: r.chance(0.9) ? "booked" : "cancelled", bookedDaysBefore: r.int(2, 30) });
  }
}
