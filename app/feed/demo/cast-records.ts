import type { RecordBuilder } from "./builder";
import type { CastKey, CastPerson, ResolvedBooking } from "./cast";
import { addMonths, addYears } from "./dates";
import {
  acuteEpisode,
  adultVaccinations,
  childHealth,
  chronicCondition,
  everyMonths,
  homeCare,
  labVisit,
  lastDay,
  sample,
} from "./episodes";

/**
 * What each named demo person's record holds beyond the generic pieces: the entries the demo walks through (results
 * outside the range, entries of the last days, withheld notes, bookings on both sides of a birthday).
 */
export function castRecord(b: RecordBuilder, who: CastPerson, bookings: ResolvedBooking[], guardianOf: GuardianLookup): void {
  const today = b.clock.today;
  const r = b.rng;
  const mine = bookings.filter((x) => x.person === who.key);
  const book = (booking: ResolvedBooking) =>
    b.appointment({
      service: booking.service,
      day: booking.day,
      minute: booking.minute,
      status: "booked",
      slotId: booking.slotId,
      bookedDaysBefore: r.int(5, 20),
      ...(booking.description ? { description: booking.description } : {}),
    });

  switch (who.key as CastKey) {
    case "main": {
      chronicCondition(b, "hypertension", addYears(today, -8) + 40, { control: 0.5 });
      chronicCondition(b, "diabetes2", addYears(today, -6) - 75, { control: 0.7 });
      chronicCondition(b, "hyperlipidemia", addYears(today, -5) + 10, { control: 0.55 });
      // Yearly check with blood count: an iron deficiency two years ago, treated.
      everyMonths(b, addYears(today, -7), today - 60, 12).forEach((day, i) => {
        const anaemic = i === 5;
        labVisit(b, {
          unit: "nhKungshojd",
          day,
          values: [
            ["hemoglobin", anaemic ? 106 : sample(b, "hemoglobin")],
            ["ferritin", anaemic ? 8 : sample(b, "ferritin")],
            ["creatinine", sample(b, "creatinine", i * 1.5)],
            ["tsh", sample(b, "tsh")],
          ],
          reason: "Årskontroll",
          appointment: true,
        });
      });
      // Knee replacement: referral, operation and rehabilitation at home by the municipality.
      const knee = addMonths(today, -22);
      chronicCondition(b, "gonarthrosis", addYears(knee, -1));
      const ref = b.contact({ unit: "nhKungshojd", day: knee - 120, type: "visit", reason: "Knäsmärta trots artrosskola", professions: ["Läkare"] });
      b.note(ref, "visit", "Kontaktorsak: Tilltagande smärta i höger knä trots artrosskola och smärtlindring. Svårt att gå längre än 500 meter.\nBedömning: Uttalad knäartros.\nÅtgärd: Remiss till ortopedmottagningen för ställningstagande till knäprotes.");
      b.referral(ref, { to: "suOrthopedics", title: "Remiss ortopedmottagningen", reason: "Uttalad knäartros höger, ställningstagande till protesoperation", completed: true });
      const op = b.contact({ unit: "suOrthopedics", day: knee, type: "inpatient", reason: "Planerad knäprotesoperation", days: 3, professions: ["Läkare"] });
      b.note(op, "admission", "Inskrivning för planerad total knäprotes höger. Opererad i spinalbedövning utan komplikationer.");
      b.note(op, "discharge", "Epikris: Total knäprotes höger. Okomplicerat förlopp. Mobiliserad med rollator.\nLäkemedel: Smärtlindring enligt schema i två veckor.\nUppföljning: Hemrehabilitering i kommunens regi. Återbesök ortoped om tre månader.", { signedLaterDays: 4 });
      b.medication(op, "oxycodone", { endedDay: knee + 14 });
      for (let i = 0; i < 5; i++) {
        const v = b.contact({ unit: "gbgRehab", day: knee + 6 + i * 7, type: "home", reason: "Hemrehabilitering efter knäprotes", professions: ["Fysioterapeut", "Arbetsterapeut"], minutes: 45 });
        b.note(v, "physio", [
          "Hembesök fysioterapeut, Göteborgs Stad.",
          `Böjer knät till ${85 + i * 8} grader, sträcker till ${-8 + i * 2} grader. Går ${["med rollator inomhus", "med rollator utomhus kortare sträcka", "med kryckkäpp", "utan hjälpmedel inomhus", "utan hjälpmedel 1 km"][i]}.`,
          "Plan: fortsatt träningsprogram enligt utdelad instruktion.",
        ].join("\n"));
      }
      b.thread({
        unit: "gbgRehab",
        topic: "Träningsprogram efter knäoperationen",
        day: knee + 20,
        messages: [
          { from: "patient", text: "Hej! Jag har fått ont på utsidan av knät när jag gör övning tre. Ska jag fortsätta?" },
          { from: "care", text: "Hej Anna! Gör övning tre med mindre böjning de närmaste dagarna. Vi tittar på det vid nästa hembesök." },
        ],
      });
      // A note about her, with information from a third party (withheld online by keyword).
      const call = b.contact({ unit: "nhKungshojd", day: today - 240, type: "phone", reason: "Samtal från anhörig", professions: ["Distriktssköterska"] });
      b.note(call, "phone", "Tredje person: dottern ringer och berättar att patienten verkar nedstämd och har slutat ta sina promenader. Dottern vill inte att patienten ska veta att hon ringt.\nÅtgärd: Läkare informerad. Patienten kallas till ordinarie kontroll.");
      acuteEpisode(b, "uri", today - 400);
      acuteEpisode(b, "uti", today - 900);
      acuteEpisode(b, "lumbago", today - 1500);
      const allergyVisit = b.contact({ unit: "nhKungshojd", day: addYears(today, -9), type: "visit", reason: "Utslag efter penicillin", professions: ["Läkare"] });
      b.note(allergyVisit, "visit", "Kontaktorsak: Kliande nässelutslag över bålen dag tre av penicillinbehandling för halsfluss.\nBedömning: Trolig penicillinallergi.\nÅtgärd: Penicillinet sätts ut. Allergi registrerad.");
      b.allergy(allergyVisit, "penicillin");
      adultVaccinations(b, { riskGroup: true });
      // The last fortnight: new results (HbA1c and LDL above the range) and a nurse's note, a re-signed note.
      labVisit(b, { unit: "nhKungshojd", day: today - 5, values: [["hba1c", 57], ["ldl", 3.4], ["creatinine", sample(b, "creatinine", 9)], ["uAlbCrea", 3.6]], reason: "Diabeteskontroll, provtagning" });
      const nurse = b.contact({ unit: "nhKungshojd", day: today - 2, type: "visit", reason: "Diabeteskontroll", professions: ["Distriktssköterska"] });
      b.note(nurse, "nurse", "Kontaktorsak: Diabeteskontroll.\nAktuellt: HbA1c 57 mmol/mol, högre än vid förra kontrollen. LDL 3,4 mmol/L. Lätt förhöjd albumin i urinen.\nBedömning: Försämrad glukoskontroll. Läkare kontaktad.\nÅtgärd: Läkarbesök för att se över behandlingen. Ögonbottenfotografering redan bokad.", { versionId: 2, signedLaterDays: 1 });
      b.referral(nurse, { to: "suDiabetes", title: "Remiss diabetesmottagningen", reason: "Stigande HbA1c trots två läkemedel, ställningstagande till fortsatt behandling" });
      b.thread({
        unit: "nhKungshojd",
        topic: "Mina provsvar",
        day: today - 4,
        messages: [
          { from: "patient", text: "Hej! Jag ser att mitt långtidssocker har gått upp. Behöver jag ändra något innan jag träffar sköterskan?" },
          { from: "care", text: "Hej Anna! Fortsätt som vanligt med dina mediciner. Vi går igenom svaren tillsammans vid besöket." , afterDays: 1 },
          { from: "patient", text: "Tack, då ses vi på torsdag.", afterDays: 0 },
          { from: "care", text: "Hej igen! Efter besöket har vi skickat en remiss till diabetesmottagningen. De kallar dig inom några veckor.", afterDays: 2 },
        ],
        unreadLast: true,
      });
      b.thread({
        unit: "kpEye",
        topic: "Ombokning av ögonbottenfotografering",
        day: today - 30,
        messages: [
          { from: "patient", text: "Hej, jag kan inte komma på min tid i nästa vecka. Kan jag få en ny tid?" },
          { from: "care", text: "Hej! Vi har bokat om dig. Den nya tiden syns under Bokade tider." },
        ],
      });
      b.appointment({ service: "kungshojdLab", day: today - 5, minute: 8 * 60, status: "fulfilled", bookedDaysBefore: 12 });
      b.appointment({ service: "eyePhoto", day: today - 24, minute: 9 * 60, status: "cancelled", bookedDaysBefore: 60 });
      // Tomorrow, whatever the weekday: always inside the eye clinic's 48-hour cancellation deadline.
      b.appointment({ service: "eyePhoto", day: today + 1, minute: 9 * 60 + 15, status: "booked", bookedDaysBefore: 20, description: "Ögonbottenfotografering, diabeteskontroll" });
      for (const booking of mine) book(booking);
      // Added last, so that what was generated before keeps its ids: a named nurse answering (the answer unread), and a
      // conversation the unit closed.
      b.thread({
        unit: "nhKungshojd",
        topic: "Fråga om behandling",
        day: today - 3,
        messages: [
          { from: "patient", text: "Hej! Ska jag ta metforminet före eller efter maten?" },
          { from: "care", text: "Hej Anna! Ta det i samband med maten, så blir magen lugnare.", afterDays: 1 },
        ],
        signedByStaff: true,
        unreadLast: true,
      });
      b.thread({
        unit: "suOrthopedics",
        topic: "Återbesök efter knäoperationen",
        day: today - 60,
        messages: [
          { from: "patient", text: "Hej! Behöver jag komma på återbesök nu när knät fungerar bra?" },
          { from: "care", text: "Hej! Nej, du behöver inget återbesök. Vi avslutar kontakten här. Hör av dig till din vårdcentral om något händer." },
        ],
        closed: true,
      });
      return;
    }
    case "guardian": {
      acuteEpisode(b, "lumbago", today - 300);
      acuteEpisode(b, "sprain", today - 2100);
      labVisit(b, { unit: "nhKungshojd", day: today - 420, values: [["hemoglobin", sample(b, "hemoglobin")], ["glucose", sample(b, "glucose")], ["ldl", 3.3], ["creatinine", sample(b, "creatinine")]], reason: "Hälsokontroll" });
      adultVaccinations(b);
      return;
    }
    case "coGuardian": {
      chronicCondition(b, "hypothyroidism", addYears(today, -4), { control: 0.3 });
      acuteEpisode(b, "uti", today - 700);
      return;
    }
    case "majaMother":
    case "protectedGuardian":
    case "teen14Guardian": {
      acuteEpisode(b, r.pick(["uri", "gastroenteritis", "conjunctivitis"] as const), today - r.int(100, 900));
      acuteEpisode(b, "uri", today - r.int(1000, 2000));
      return;
    }
    case "blockedGuardian": {
      acuteEpisode(b, "lumbago", today - 800);
      return;
    }
    case "holmMother": {
      chronicCondition(b, "depression", today - 500);
      const c = b.contact({ unit: "nhKungshojd", day: today - 380, type: "visit", reason: "Samtal", professions: ["Läkare"] });
      b.note(c, "visit", "Kontaktorsak: Återbesök nedstämdhet.\nAktuellt: Våldsutsatt i nära relation enligt egen uppgift. Har kontakt med socialtjänsten. Barnet bor hos patienten.\nÅtgärd: Information om stödlinjer och kvinnojour. Kurator erbjuden.");
      return;
    }
    case "child5": {
      // The five-year visit and booster are booked, not yet done.
      childHealth(b, { until: Math.min(lastDay(b), addYears(who.birthDay, 5) - 1) });
      acuteEpisode(b, "otitis", addYears(who.birthDay, 2) + 40);
      acuteEpisode(b, "otitis", today - 200);
      acuteEpisode(b, "uri", today - 9);
      chronicCondition(b, "eczema", addYears(who.birthDay, 1) + 90);
      b.thread({
        unit: "nhKungshojdBvc",
        topic: "Femårsbesök och vaccination",
        day: today - 20,
        messages: [
          { from: "patient", text: "Hej! Kan Elsa få sin femårsvaccination vid samma besök som femårskontrollen?", guardianRelatedPersonId: guardianOf("child5", "guardian"), guardianName: "Johan Lindqvist" },
          { from: "care", text: "Hej! Ja, vi gör båda vid samma tillfälle. Boka gärna två tider efter varandra samma dag." },
        ],
      });
      for (const booking of mine) book(booking);
      // Added last, so that what was generated before keeps its ids.
      b.reminder({ unit: "nhKungshojdBvc", topic: "Påminnelse: femårsbesök", day: today - 1, text: "Hej! Det är dags för Elsas femårsbesök. Boka en tid under Boka tid eller ring oss." });
      return;
    }
    case "child12": {
      childHealth(b);
      chronicCondition(b, "asthma", addYears(who.birthDay, 7) + 60, { control: 0.3 });
      acuteEpisode(b, "tonsillitis", today - 500);
      acuteEpisode(b, "uri", today - 6);
      const s = b.contact({ unit: "gbgSchool", day: today - 330, type: "visit", reason: "Hälsosamtal", professions: ["Skolsköterska"] });
      b.note(s, "nurse", "Hälsosamtal på elevens initiativ. Oro för att barn far illa: eleven berättar om bråk i hemmet. Orosanmälan till socialtjänsten gjord enligt skollagen. Uppföljning med kurator.");
      b.thread({
        unit: "nhKungshojd",
        topic: "Astmamedicin",
        day: today - 45,
        messages: [
          { from: "patient", text: "Hej! Oskars inhalator tar snart slut. Kan ni förnya receptet?", guardianRelatedPersonId: guardianOf("child12", "coGuardian"), guardianName: "Karin Lindqvist" },
          { from: "care", text: "Hej Karin! Receptet är förnyat." },
        ],
      });
      for (const booking of mine) book(booking);
      return;
    }
    case "child13": {
      childHealth(b);
      acuteEpisode(b, "sprain", addYears(who.birthDay, 12) + 100);
      acuteEpisode(b, "uri", today - 12);
      b.thread({
        unit: "nhYouth",
        topic: "Fråga till kurator",
        day: today - 10,
        messages: [
          { from: "patient", text: "Hej, jag vill prata med någon om stress i skolan. Hur gör jag?" },
          { from: "care", text: "Hej Maja! Du kan boka en tid för samtal med kurator här i 1177 eller ringa oss. Välkommen!" },
        ],
      });
      for (const booking of mine) book(booking);
      return;
    }
    case "child15": {
      childHealth(b);
      chronicCondition(b, "adhd", addYears(who.birthDay, 10) + 30, { control: 0.2 });
      acuteEpisode(b, "gastroenteritis", today - 250);
      return;
    }
    case "child17": {
      childHealth(b);
      chronicCondition(b, "rhinitis", addYears(who.birthDay, 11));
      acuteEpisode(b, "tonsillitis", today - 90);
      const y = b.contact({ unit: "nhYouth", day: today - 160, type: "visit", reason: "Samtal", professions: ["Barnmorska"] });
      b.note(y, "counselling", "Besök på ungdomsmottagningen. Samtal om hälsa och levnadsvanor. Ingen åtgärd.");
      for (const booking of mine) book(booking);
      return;
    }
    case "child8": {
      childHealth(b);
      acuteEpisode(b, "otitis", addYears(who.birthDay, 3));
      acuteEpisode(b, "uri", today - 3);
      const bh = b.contact({ unit: "barnahus", day: today - 150, type: "visit", reason: "Samverkansärende", professions: ["Läkare"], minutes: 60 });
      b.note(bh, "visit", "Barnahus. Medicinsk bedömning på begäran av polis och socialtjänst. Barnet undersökt i närvaro av stödperson. Fynd dokumenterade i separat utlåtande.");
      const bh2 = b.contact({ unit: "barnahus", day: today - 120, type: "visit", reason: "Krisstöd", professions: ["Psykolog"], minutes: 45 });
      b.note(bh2, "psychology", "Barnahus. Krisstödjande samtal. Barnet berättar om sömnsvårigheter. Plan: två uppföljande samtal.");
      return;
    }
    case "protectedChild": {
      childHealth(b);
      chronicCondition(b, "eczema", addYears(who.birthDay, 2));
      acuteEpisode(b, "uri", today - 80);
      return;
    }
    case "deceased": {
      const death = who.deceasedDay as number;
      chronicCondition(b, "atrialFibrillation", addYears(death, -7), { until: death - 1 });
      chronicCondition(b, "heartFailure", addYears(death, -3), { until: death - 1 });
      chronicCondition(b, "copd", addYears(death, -6), { until: death - 1 });
      homeCare(b, death - 700, death - 2);
      const lungRef = b.contact({ unit: "nhKungshojd", day: death - 260, type: "visit", reason: "Viktnedgång och blodig hosta", professions: ["Läkare"] });
      b.note(lungRef, "visit", "Kontaktorsak: Viktnedgång 6 kg på tre månader och blodtingerade upphostningar.\nBedömning: Misstänkt lungcancer.\nÅtgärd: Remiss enligt standardiserat vårdförlopp till lungmedicin. Datortomografi beställd.");
      b.referral(lungRef, { to: "suLung", title: "Remiss lungmedicin, standardiserat vårdförlopp", reason: "Misstänkt lungcancer", completed: true });
      b.imagingReport(lungRef, "Datortomografi thorax", "Tumör 4 cm i höger överlob med förstorade lymfkörtlar i mediastinum. Förenligt med lungcancer.", "24627-2");
      const lung = b.contact({ unit: "suLung", day: death - 240, type: "visit", reason: "Lungcancer, besked", professions: ["Läkare"], minutes: 60 });
      b.note(lung, "visit", "Besked om icke-småcellig lungcancer, spridd till lymfkörtlar. Patienten och dottern närvarande. Med hänsyn till hjärtsvikt och KOL bedöms kurativ behandling inte möjlig.\nPlan: Palliativ inriktning i samverkan med hemsjukvården.");
      b.condition(lung, "lungCancer");
      b.medication(lung, "oxycodone");
      acuteEpisode(b, "pneumonia", death - 400);
      adultVaccinations(b, { riskGroup: true });
      const last = b.contact({ unit: "gbgHomeCare", day: death, type: "home", reason: "Dödsfall i hemmet", professions: ["Sjuksköterska"] });
      b.note(last, "homeVisit", "Patienten avled lugnt i hemmet i närvaro av dottern. Dödsfallet konstaterat av sjuksköterska, läkare informerad.");
      b.thread({
        unit: "nhKungshojd",
        topic: "Hjärtsviktsmedicin",
        day: death - 90,
        messages: [
          { from: "patient", text: "Hej, jag har gått upp två kilo på tre dagar. Ska jag ta en extra tablett?" },
          { from: "care", text: "Hej Gunnar! Ta en extra furosemid i dag. Hemsjukvården kommer och väger dig i morgon." },
        ],
      });
      return;
    }
    case "teen14": {
      childHealth(b);
      chronicCondition(b, "asthma", addYears(who.birthDay, 9), { control: 0.5 });
      acuteEpisode(b, "radiusFracture", today - 180);
      b.thread({
        unit: "nhKungshojd",
        topic: "Astma vid träning",
        day: today - 14,
        messages: [
          { from: "patient", text: "Hej! Jag får svårt att andas när jag springer på fotbollen. Kan jag ta min spray innan träningen?" },
          { from: "care", text: "Hej Leo! Ja, ta 1–2 doser Airomir en kvart före träningen. Vi ses på astmakontrollen." },
        ],
      });
      for (const booking of mine) book(booking);
      return;
    }
    case "teen16": {
      childHealth(b);
      chronicCondition(b, "migraine", addYears(who.birthDay, 14) + 90);
      acuteEpisode(b, "tonsillitis", today - 11);
      b.thread({
        unit: "nhYouth",
        topic: "Tid hos kurator",
        day: today - 8,
        messages: [
          { from: "patient", text: "Hej, jag har bokat en tid men undrar om jag kan ta med en kompis?" },
          { from: "care", text: "Hej Ebba! Det går bra att ta med en kompis i början av samtalet." },
        ],
      });
      for (const booking of mine) book(booking);
      return;
    }
    case "teen16Guardian":
      return;
  }
}

/** The RelatedPerson id of a guardian of a child in the cast (for messages a guardian sent). */
export type GuardianLookup = (childKey: CastKey, guardianKey: CastKey) => string;
