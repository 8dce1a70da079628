import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import type { RecordSection } from "../../db/schema/vocabulary";
import { logAccess } from "~/audit/access-log.server";
import { createPerson } from "~/identity/test-factories";
import { recordExport } from "./export.server";
import { keywordPattern, resolveRecordRules, type RecordRules } from "~/disclosure/exclusions.server";
import { adoptKeywordRules } from "~/disclosure/keyword-verdicts.server";
import { r4Problems } from "./fhir-r4";
import { loadOverview, overviewRefs } from "./overview.server";
import { exportEntries, likePattern, printEntries, resultTrend, sectionPage, type RecordScope } from "./queries.server";
import { PAGE_SIZE } from "./sections";
import { createAppointment, createCareUnit, createEntry, createMessage, createPractitioner } from "./test-factories";

/**
 * The record's queries against a real database: Anna's record from three kinds of provider, Bo's record beside it
 * (which must never leak into Anna's pages), a Barnahus unit and a forensic ward under an excluded clinic, and notes
 * with an excluded keyword.
 */

let db: TestDatabase;
let anna: string;
let bo: string;
let rules: RecordRules;
const unit = {} as Record<"region" | "vc" | "lab" | "municipality" | "homeCare" | "private" | "privateVc" | "barnahus" | "forensic" | "forensicWard", string>;
const refs = {} as Record<string, string>;

const day = (iso: string) => new Date(`${iso}T10:00:00Z`);
const NOW = new Date("2026-11-20T12:00:00Z");

function scope(subjectPersonId = anna, hideEntriesAfter: Date | null = null): RecordScope {
  return { subjectPersonId, hideEntriesAfter, rules };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const d = db.db;
  anna = (await createPerson(d, { givenName: "Anna", birthDate: "1970-01-01" })).id;
  bo = (await createPerson(d, { givenName: "Bo", birthDate: "1972-02-02" })).id;

  unit.region = await createCareUnit(d, { name: "Västra Götalandsregionen", providerKind: "region", phone: "010-441 00 00" });
  unit.vc = await createCareUnit(d, { name: "Vårdcentralen Kungshöjd", providerKind: "region", parentId: unit.region, providerId: unit.region, phone: "031-390 06 16" });
  unit.lab = await createCareUnit(d, { name: "Klinisk kemi", providerKind: "region", parentId: unit.region, providerId: unit.region });
  unit.barnahus = await createCareUnit(d, { name: "Barnahus Göteborg", providerKind: "region", parentId: unit.region, providerId: unit.region, hsaId: "SE-BARNAHUS" });
  unit.forensic = await createCareUnit(d, { name: "Rättspsykiatrin", providerKind: "region", parentId: unit.region, providerId: unit.region, hsaId: "SE-FORENSIC" });
  unit.forensicWard = await createCareUnit(d, { name: "Rättspsykiatrin avdelning 3", providerKind: "region", parentId: unit.forensic, providerId: unit.region });
  unit.municipality = await createCareUnit(d, { name: "Göteborgs Stad", providerKind: "municipality" });
  unit.homeCare = await createCareUnit(d, { name: "Hemsjukvården Centrum", providerKind: "municipality", parentId: unit.municipality, providerId: unit.municipality });
  unit.private = await createCareUnit(d, { name: "Hälsopartner AB", providerKind: "private" });
  unit.privateVc = await createCareUnit(d, { name: "Hälsopartner Linné", providerKind: "private", parentId: unit.private, providerId: unit.private });
  // The entries below are judged against these keywords as they are written: the pages read the stored verdicts.
  // (The tests of rules as parameters use other keywords, which the pages search the text for.)
  await adoptKeywordRules(d, keywordPattern(["Våldsutsatt", "Tredje person"]));
  rules = await resolveRecordRules(d, { units: ["SE-BARNAHUS", "SE-FORENSIC", "SE-NOT-ARRIVED"], keywords: ["Våldsutsatt", "Tredje person"] });

  const doctor = await createPractitioner(d, { name: "Eva Ek", profession: "Läkare" });
  refs.noteVc = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-03-01"), careUnitId: unit.vc, practitionerId: doctor, title: "Besöksanteckning", text: "Halsont sedan tre dagar." });
  refs.noteHome = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-04-01"), careUnitId: unit.homeCare, title: "Hemsjukvård", text: "Såromläggning." });
  refs.notePrivate = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-05-01"), careUnitId: unit.privateVc, title: "Besök", text: "Förkylning, halsont." });
  refs.noteKeyword = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-06-01"), careUnitId: unit.vc, title: "Anteckning", text: "Patienten uppger att hon är VÅLDSUTSATT." });
  refs.noteBarnahus = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-06-02"), careUnitId: unit.barnahus, title: "Samtal", text: "Samtal." });
  refs.noteForensicWard = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-06-03"), careUnitId: unit.forensicWard, title: "Ronden", text: "Rond." });
  refs.noteUnresolved = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-06-04"), careUnitReference: "Organization?identifier=urn:oid:1.2.752.29.4.19|SE-NOT-ARRIVED", title: "Okänd", text: "Okänd enhet." });
  const forensicContact = await createEntry(d, { personId: anna, section: "care_contacts", occurredAt: day("2026-06-05"), careUnitId: unit.forensic, title: "Besök", id: "enc-forensic" });
  refs.forensicContact = forensicContact;
  refs.noteViaEncounter = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-06-05"), encounterId: "enc-forensic", title: "Utan egen enhet", text: "Enheten kommer från vårdkontakten." });
  refs.noteDeleted = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-07-01"), careUnitId: unit.vc, title: "Felregistrerad", text: "halsont", deletedAt: day("2026-07-02") });
  refs.noteRecent = await createEntry(d, { personId: anna, section: "notes", occurredAt: day("2026-11-15"), recordedAt: day("2026-11-15"), careUnitId: unit.vc, title: "Ny anteckning", text: "Nytt provsvar diskuterat." });
  refs.noteBo = await createEntry(d, { personId: bo, section: "notes", occurredAt: day("2026-05-05"), careUnitId: unit.vc, title: "Bos anteckning", text: "halsont" });
  refs.referralToBarnahus = await createEntry(d, { personId: anna, section: "referrals", occurredAt: day("2026-06-01"), careUnitId: unit.vc, title: "Remiss", details: { fromUnitId: unit.vc, toUnitId: unit.barnahus } });
  refs.referralToLab = await createEntry(d, { personId: anna, section: "referrals", occurredAt: day("2026-06-01"), careUnitId: unit.vc, title: "Remiss provtagning", details: { fromUnitId: unit.vc, toUnitId: unit.lab } });

  for (const [i, value] of [48, 52, 61, 44].entries()) {
    refs[`hba1c${i}`] = await createEntry(d, {
      personId: anna, section: "results", occurredAt: day(`2025-0${i + 1}-10`), careUnitId: unit.lab, title: "B-HbA1c", code: "59261-8",
      valueNumber: value, unit: "mmol/mol", referenceLow: 27, referenceHigh: 42, interpretation: "H",
    });
  }
  refs.hba1cForensic = await createEntry(d, { personId: anna, section: "results", occurredAt: day("2025-06-10"), careUnitId: unit.forensicWard, title: "B-HbA1c", code: "59261-8", valueNumber: 70 });
  refs.hba1cBo = await createEntry(d, { personId: bo, section: "results", occurredAt: day("2025-07-10"), careUnitId: unit.lab, title: "B-HbA1c", code: "59261-8", valueNumber: 99 });
  refs.medCurrent = await createEntry(d, { personId: anna, section: "medications", occurredAt: day("2025-01-10"), careUnitId: unit.vc, title: "Metformin", text: "1 tablett 2 gånger dagligen", status: "active" });
  refs.medEnded = await createEntry(d, { personId: anna, section: "medications", occurredAt: day("2024-01-10"), careUnitId: unit.vc, title: "Ibuprofen", text: "vid behov", status: "completed" });
  refs.medBo = await createEntry(d, { personId: bo, section: "medications", occurredAt: day("2025-01-10"), careUnitId: unit.vc, title: "Bos medicin", status: "active" });
  refs.allergy = await createEntry(d, { personId: anna, section: "allergies", occurredAt: day("2020-01-10"), careUnitId: unit.vc, title: "Penicillin", text: "Utslag", details: { criticality: "high" } });
  refs.allergyBo = await createEntry(d, { personId: bo, section: "allergies", occurredAt: day("2020-01-10"), careUnitId: unit.vc, title: "Bos allergi" });

  refs.apptAnna = await createAppointment(d, { personId: anna, startsAt: new Date("2026-12-01T08:00:00Z"), typeName: "Diabetesbesök", careUnitId: unit.vc });
  refs.apptPast = await createAppointment(d, { personId: anna, startsAt: new Date("2026-10-01T08:00:00Z"), status: "fulfilled" });
  refs.apptCancelled = await createAppointment(d, { personId: anna, startsAt: new Date("2026-12-02T08:00:00Z"), status: "cancelled" });
  refs.apptBo = await createAppointment(d, { personId: bo, startsAt: new Date("2026-12-01T08:00:00Z") });
  refs.msgUnread = await createMessage(d, { personId: anna, sentAt: new Date("2026-11-19T08:00:00Z"), topic: "Provsvar", careUnitId: unit.vc });
  refs.msgRead = await createMessage(d, { personId: anna, sentAt: new Date("2026-11-18T08:00:00Z"), topic: "Läst", readAt: new Date("2026-11-18T09:00:00Z") });
  refs.msgOwn = await createMessage(d, { personId: anna, sentAt: new Date("2026-11-18T07:00:00Z"), topic: "Min fråga", direction: "patient" });
  refs.msgBarnahus = await createMessage(d, { personId: anna, sentAt: new Date("2026-11-19T09:00:00Z"), topic: "Kallelse", careUnitId: unit.barnahus });
  refs.msgBo = await createMessage(d, { personId: bo, sentAt: new Date("2026-11-19T08:00:00Z"), topic: "Bos meddelande" });
});

afterAll(async () => {
  await db?.destroy();
});

const refsOf = (entries: { ref: string }[]) => entries.map((e) => e.ref);
// What a section page reads (sectionPage), one half at a time.
const listSectionEntries = async (...args: Parameters<typeof sectionPage>) => (await sectionPage(...args)).page;
const sectionFacets = async (d: TestDatabase["db"], s: RecordScope, section: RecordSection) => (await sectionPage(d, s, section, {})).facets;

describe("exclusion rules", () => {
  it("resolve the listed units and every unit below them", () => {
    expect(rules.excludedUnitIds.sort()).toEqual([unit.barnahus, unit.forensic, unit.forensicWard].sort());
  });

  it("never show entries from excluded units, notes with excluded keywords, tombstones or another subject's entries", async () => {
    expect(rules.keywordVerdicts).toBe(1);
    const page = await listSectionEntries(db.db, scope(), "notes", {});
    expect(refsOf(page.entries)).toEqual([refs.noteRecent, refs.notePrivate, refs.noteHome, refs.noteVc]);
  });

  it("withhold a referral to an excluded unit, but not one to another unit", async () => {
    const page = await listSectionEntries(db.db, scope(), "referrals", {});
    expect(refsOf(page.entries)).toEqual([refs.referralToLab]);
  });

  it("say where something was withheld: a withheld note's unit by name, an excluded unit only by its provider", async () => {
    const facets = await sectionFacets(db.db, scope(), "notes");
    expect(facets.withheld).toEqual([
      { askName: "Vårdcentralen Kungshöjd", askPhone: "031-390 06 16" },
      { askName: "Västra Götalandsregionen", askPhone: "010-441 00 00" },
      { askName: null, askPhone: null },
    ]);
    const names = JSON.stringify(facets);
    expect(names).not.toContain("Barnahus");
    expect(names).not.toContain("Rättspsykiatri");
  });

  it("offer only the units of shown entries as provider choices", async () => {
    const facets = await sectionFacets(db.db, scope(), "notes");
    expect(facets.units.map((u) => u.name)).toEqual(["Hemsjukvården Centrum", "Hälsopartner Linné", "Vårdcentralen Kungshöjd"]);
    expect(facets.units.find((u) => u.id === unit.homeCare)).toMatchObject({ providerKind: "municipality", providerName: "Göteborgs Stad" });
  });

  it("a results page carries values, ranges and instants through its one statement unchanged", async () => {
    const { page } = await sectionPage(db.db, scope(), "results", {});
    const newest = page.entries[0];
    expect(newest).toMatchObject({ valueNumber: 44, referenceLow: 27, referenceHigh: 42, valueUnit: "mmol/mol" });
    expect(newest?.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("report nothing withheld where nothing was", async () => {
    expect((await sectionFacets(db.db, scope(), "medications")).withheld).toEqual([]);
  });

  it("apply to a configuration without exclusions as well", async () => {
    const none = await resolveRecordRules(db.db, { units: [], keywords: [] });
    const page = await listSectionEntries(db.db, { subjectPersonId: anna, hideEntriesAfter: null, rules: none }, "notes", {});
    expect(page.entries).toHaveLength(9);
    expect(refsOf(page.entries)).not.toContain(refs.noteDeleted);
    expect(refsOf(page.entries)).not.toContain(refs.noteBo);
  });
});

describe("rules as the statement's parameters", () => {
  it("read a quote, a backslash and a percent sign in units and keywords as written, and a change of rules at once", async () => {
    const d = db.db;
    const cecilia = (await createPerson(d, { givenName: "Cecilia", birthDate: "1980-03-03" })).id;
    const quoted = await createEntry(d, { personId: cecilia, section: "notes", occurredAt: day("2026-01-01"), title: "Samtal", text: "Enligt O'Brien: se C:\\journal och 100% klart." });
    const fromOddUnit = await createEntry(d, { personId: cecilia, section: "notes", occurredAt: day("2026-01-02"), careUnitReference: "Organization/SE-X'Y\\Z", title: "Besök", text: "Besök." });
    const plain = await createEntry(d, { personId: cecilia, section: "notes", occurredAt: day("2026-01-03"), title: "Besök", text: "Inget särskilt." });
    const shown = async (settings: { units: string[]; keywords: string[] }) => {
      const odd = await resolveRecordRules(d, settings);
      // Other keywords than the entries were judged against: the page searches their text.
      if (settings.keywords.length) expect(odd.keywordVerdicts).toBeNull();
      const { page, facets } = await sectionPage(d, { subjectPersonId: cecilia, hideEntriesAfter: null, rules: odd }, "notes", {});
      return { refs: refsOf(page.entries), withheld: facets.withheld.length };
    };
    expect(await shown({ units: [], keywords: [] })).toEqual({ refs: [plain, fromOddUnit, quoted], withheld: 0 });
    expect(await shown({ units: ["SE-X'Y\\Z"], keywords: ["O'Brien"] })).toEqual({ refs: [plain], withheld: 1 });
    expect((await shown({ units: [], keywords: ["C:\\journal"] })).refs).toEqual([plain, fromOddUnit]);
    expect((await shown({ units: [], keywords: ["100%"] })).refs).toEqual([plain, fromOddUnit]);
    expect((await shown({ units: [], keywords: ["C:\\temp", "10%0", "O''Brien"] })).refs).toEqual([plain, fromOddUnit, quoted]);
  });
});

describe("hide new entries", () => {
  it("hides entries recorded after the session's cut-off, and reports them as nothing withheld", async () => {
    const page = await listSectionEntries(db.db, scope(anna, new Date("2026-11-06T12:00:00Z")), "notes", {});
    expect(refsOf(page.entries)).toEqual([refs.notePrivate, refs.noteHome, refs.noteVc]);
  });
});

describe("filters", () => {
  it("by provider kind", async () => {
    const page = await listSectionEntries(db.db, scope(), "notes", { provider: "municipality" });
    expect(refsOf(page.entries)).toEqual([refs.noteHome]);
  });

  it("by provider (every unit under it) and by unit", async () => {
    expect(refsOf((await listSectionEntries(db.db, scope(), "notes", { provider: unit.private })).entries)).toEqual([refs.notePrivate]);
    expect(refsOf((await listSectionEntries(db.db, scope(), "notes", { provider: unit.vc })).entries)).toEqual([refs.noteRecent, refs.noteVc]);
  });

  it("by a provider among the section's choices only: another is not applied, and the read says so", async () => {
    const notOffered = await sectionPage(db.db, scope(), "notes", { provider: "no-such-unit", page: 1 });
    expect(notOffered.applied).toEqual({ provider: undefined, page: 1 });
    expect(refsOf(notOffered.page.entries)).toEqual(refsOf((await listSectionEntries(db.db, scope(), "notes", {})).entries));
    // A unit of the subject's, but with no note shown: not a choice of the notes.
    expect((await sectionPage(db.db, scope(), "notes", { provider: unit.lab })).applied.provider).toBeUndefined();
    expect((await sectionPage(db.db, scope(), "notes", { provider: unit.vc })).applied.provider).toBe(unit.vc);
    expect((await sectionPage(db.db, scope(), "notes", { provider: "private" })).applied.provider).toBe("private");
  });

  it("by period, in Swedish calendar days", async () => {
    const page = await listSectionEntries(db.db, scope(), "notes", { from: "2026-04-01", to: "2026-05-01" });
    expect(refsOf(page.entries)).toEqual([refs.notePrivate, refs.noteHome]);
  });

  it("search text without LIKE wildcards", () => {
    expect(likePattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });

  it("notes by text, without treating % as a wildcard", async () => {
    expect(refsOf((await listSectionEntries(db.db, scope(), "notes", { q: "HALSONT" })).entries)).toEqual([refs.notePrivate, refs.noteVc]);
    expect((await listSectionEntries(db.db, scope(), "notes", { q: "%" })).entries).toEqual([]);
  });

  it("current and earlier medications", async () => {
    expect(refsOf((await listSectionEntries(db.db, scope(), "medications", { status: "current" })).entries)).toEqual([refs.medCurrent]);
    expect(refsOf((await listSectionEntries(db.db, scope(), "medications", { status: "earlier" })).entries)).toEqual([refs.medEnded]);
  });

  it("show each entry's unit, provider kind and author", async () => {
    const page = await listSectionEntries(db.db, scope(), "notes", { provider: "region" });
    expect(page.entries.at(-1)).toMatchObject({
      ref: refs.noteVc,
      careUnitName: "Vårdcentralen Kungshöjd",
      providerKind: "region",
      authorName: "Eva Ek",
      authorProfession: "Läkare",
      text: "Halsont sedan tre dagar.",
      occurredAt: day("2026-03-01").toISOString(),
    });
  });
});

describe("paging", () => {
  let carl: string;
  beforeAll(async () => {
    carl = (await createPerson(db.db, { givenName: "Carl", birthDate: "1960-01-01" })).id;
    // PAGE_SIZE + 1 vaccinations, two of them on the same instant (the order must still be total).
    for (let i = 0; i <= PAGE_SIZE; i++) {
      await createEntry(db.db, { personId: carl, section: "vaccinations", occurredAt: new Date(Date.UTC(2000, 0, 1 + Math.min(i, PAGE_SIZE - 1))), careUnitId: unit.vc, id: `vacc-${String(i).padStart(3, "0")}` });
    }
  });

  it("fills a page and says there is another", async () => {
    const first = await listSectionEntries(db.db, scope(carl), "vaccinations", { page: 1 });
    expect(first.entries).toHaveLength(PAGE_SIZE);
    expect(first.hasNext).toBe(true);
    const second = await listSectionEntries(db.db, scope(carl), "vaccinations", { page: 2 });
    expect(second.entries).toHaveLength(1);
    expect(second.hasNext).toBe(false);
    const all = [...refsOf(first.entries), ...refsOf(second.entries)];
    expect(new Set(all).size).toBe(PAGE_SIZE + 1);
    expect(second.entries[0]?.ref).toBe("Immunization/vacc-000");
  });

  it("says there is no next page when a page is exactly full", async () => {
    const page = await listSectionEntries(db.db, scope(carl), "vaccinations", { page: 1 }, PAGE_SIZE + 1);
    expect(page.entries).toHaveLength(PAGE_SIZE + 1);
    expect(page.hasNext).toBe(false);
  });

  it("answers a page past the end with the list's last page, filtered as asked, and says so", async () => {
    const { page, applied } = await sectionPage(db.db, scope(carl), "vaccinations", { page: 9 });
    expect(page).toMatchObject({ hasNext: false, page: 2 });
    expect(refsOf(page.entries)).toEqual(["Immunization/vacc-000"]);
    expect(applied).toEqual({ page: 2 });
    const filtered = await sectionPage(db.db, scope(carl), "vaccinations", { to: "2000-01-10", page: 9 });
    expect(filtered.applied).toEqual({ to: "2000-01-10", page: 1 });
    expect(filtered.page.entries).toHaveLength(10);
    // An empty list has one page, empty.
    expect((await sectionPage(db.db, scope(carl), "referrals", { page: 2 })).applied.page).toBe(1);
  });
});

describe("results over time", () => {
  it("lists every shown value of the subject, oldest first, and notes the withheld one", async () => {
    const trend = await resultTrend(db.db, scope(), "59261-8");
    expect(trend?.points.map((p) => p.valueNumber)).toEqual([48, 52, 61, 44]);
    expect(trend?.points[0]).toMatchObject({ referenceLow: 27, referenceHigh: 42, valueUnit: "mmol/mol", careUnitName: "Klinisk kemi", providerKind: "region" });
    expect(trend?.withheld).toEqual([{ askName: "Västra Götalandsregionen", askPhone: "010-441 00 00" }]);
    expect(JSON.stringify(trend)).not.toContain(refs.hba1cBo!.split("/")[1]);
  });

  it("is null for a code the subject has no result of", async () => {
    expect(await resultTrend(db.db, scope(), "no-such-code")).toBeNull();
    expect(await resultTrend(db.db, scope((await createPerson(db.db, { birthDate: "1990-01-01" })).id), "59261-8")).toBeNull();
  });
});

describe("overview", () => {
  it("shows the subject's next appointments, unread care messages, newest results, current medications and allergies", async () => {
    const overview = await loadOverview(db.db, scope(), { readRecord: true, now: NOW });
    expect(refsOf(overview.appointments)).toEqual([refs.apptAnna]);
    expect(overview.appointments[0]).toMatchObject({ what: "Diabetesbesök", careUnitName: "Vårdcentralen Kungshöjd", providerKind: "region" });
    expect(overview.upcomingCount).toBe(1);
    // Conversations with an unread care message: msgUnread's (Barnahus's is never shown online).
    expect(overview.unreadConversations).toBe(1);
    expect(refsOf(overview.record!.results)).toEqual([refs.hba1c3, refs.hba1c2, refs.hba1c1, refs.hba1c0]);
    expect(refsOf(overview.record!.medications)).toEqual([refs.medCurrent]);
    expect(refsOf(overview.record!.allergies)).toEqual([refs.allergy]);
    expect(overview.record!.allergies[0]?.criticality).toBe("high");
    // Instants come back as ISO text in UTC, numerics as numbers, whichever driver read them.
    expect(overview.appointments[0]?.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(overview.record!.results[0]).toMatchObject({ valueNumber: 44, referenceLow: 27, referenceHigh: 42, valueUnit: "mmol/mol" });
    expect(overview.record!.results[0]?.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("names every appointment and entry shown in the access-log row (of messages, it shows a count only)", async () => {
    const access = { sessionId: "s", actorPersonId: anna, subjectPersonId: anna, actingAs: "self" as const, hideEntriesAfter: null };
    const overview = await loadOverview(db.db, scope(), { readRecord: true, now: NOW });
    await logAccess(db.db, access, "overview", overviewRefs(overview));
    const rows = await db.db.select().from(accessLog).where(eq(accessLog.subjectPersonId, anna));
    expect(rows).toHaveLength(1);
    const record = overview.record!;
    const shown = [overview.appointments, record.allergies, record.medications, record.results].flatMap(refsOf);
    expect(rows[0]).toMatchObject({ section: "overview", actorPersonId: anna, actingAs: "self", resourceRefs: shown });
  });

  it("without the record, shows appointments and messages only", async () => {
    const overview = await loadOverview(db.db, scope(), { readRecord: false, now: NOW });
    expect(overview.record).toBeNull();
    expect(overview.unreadConversations).toBe(1);
  });

  it("shows Bo only Bo's", async () => {
    const overview = await loadOverview(db.db, scope(bo), { readRecord: true, now: NOW });
    expect(refsOf(overview.appointments)).toEqual([refs.apptBo]);
    expect(overview.unreadConversations).toBe(1);
    expect(refsOf(overview.record!.results)).toEqual([refs.hba1cBo]);
    expect(refsOf(overview.record!.medications)).toEqual([refs.medBo]);
    expect(refsOf(overview.record!.allergies)).toEqual([refs.allergyBo]);
  });
});

describe("print and export", () => {
  it("prints what the pages show, section by section", async () => {
    const printed = await printEntries(db.db, scope(), ["notes", "referrals"], {});
    expect(printed.map((s) => [s.section, refsOf(s.entries), s.truncated])).toEqual([
      ["notes", [refs.noteRecent, refs.notePrivate, refs.noteHome, refs.noteVc], false],
      ["referrals", [refs.referralToLab], false],
    ]);
  });

  it("exports exactly the shown entries' resources, as a valid R4 Bundle", async () => {
    const exported = await exportEntries(db.db, scope(), null);
    const shown: string[] = [];
    for (const section of ["notes", "diagnoses", "medications", "results", "vaccinations", "allergies", "care_contacts", "referrals"] as const) {
      shown.push(...refsOf((await listSectionEntries(db.db, scope(), section, {}, 1000)).entries));
    }
    expect(refsOf(exported).sort()).toEqual(shown.sort());
    expect(refsOf(exported)).not.toContain(refs.noteKeyword);
    expect(refsOf(exported)).not.toContain(refs.forensicContact);
    const { bundle, shown: logged } = await recordExport(db.db, scope(), null, {}, "https://portal.example.se/fhir/", NOW);
    expect(logged).toEqual([`Patient/${anna}`, ...refsOf(exported)]);
    expect(r4Problems(JSON.parse(JSON.stringify(bundle)))).toEqual([]);
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource as { subject?: { reference?: string }; patient?: { reference?: string } };
      if (r.subject ?? r.patient) expect((r.subject ?? r.patient)?.reference).toBe(`Patient/${anna}`);
    }
  });

  it("leaves out every reference to what the download does not hold, with its display", async () => {
    const observation = {
      resourceType: "Observation",
      id: "obs-refs",
      status: "final",
      code: { text: "Hb" },
      subject: { reference: `Patient/${anna}` },
      // Withheld (an excluded unit's contact, a note with a keyword), another person, never received, by HSA-id, by
      // display only, in an extension.
      encounter: { reference: refs.forensicContact, display: "Rättspsykiatrin" },
      derivedFrom: [{ reference: refs.noteKeyword }, { reference: refs.noteVc }],
      focus: [{ reference: `Patient/${bo}` }],
      performer: [
        { reference: `Organization/${unit.lab}`, display: "Klinisk kemi" },
        { identifier: { system: "urn:oid:1.2.752.29.4.19", value: "SE-BARNAHUS" }, display: "Barnahus Göteborg" },
        { reference: "Practitioner/never-arrived", display: "Okänd" },
        { display: "Barnahus Göteborg" },
      ],
      extension: [
        { url: "https://example.se/fhir/StructureDefinition/ordered-by", valueReference: { reference: `Organization/${unit.forensic}` } },
        { url: "https://example.se/fhir/StructureDefinition/note", valueString: "kvar" },
      ],
      basedOn: [{ reference: "ServiceRequest/x" }],
    };
    await createEntry(db.db, { personId: anna, section: "results", occurredAt: day("2025-09-01"), careUnitId: unit.lab, title: "Hb", raw: observation });
    const { bundle } = await recordExport(db.db, scope(), null, {}, "https://portal.example.se/fhir/", NOW);
    expect(r4Problems(JSON.parse(JSON.stringify(bundle)))).toEqual([]);
    const written = bundle.entry!.find((e) => e.resource?.id === "obs-refs")!.resource;
    expect(written).toEqual({
      resourceType: "Observation",
      id: "obs-refs",
      status: "final",
      code: { text: "Hb" },
      subject: { reference: `Patient/${anna}` },
      derivedFrom: [{ reference: refs.noteVc }],
      performer: [{ reference: `Organization/${unit.lab}`, display: "Klinisk kemi" }],
      extension: [{ url: "https://example.se/fhir/StructureDefinition/note", valueString: "kvar" }],
    });
    // The lab with the region it belongs to; no withheld unit.
    const units = bundle.entry!.filter((e) => e.resource?.resourceType === "Organization").map((e) => e.resource!.id);
    expect(units).toEqual(expect.arrayContaining([unit.lab, unit.region]));
    for (const withheld of [unit.barnahus, unit.forensic, unit.forensicWard]) expect(units).not.toContain(withheld);
    const text = JSON.stringify(bundle);
    for (const secret of ["Barnahus", "Rättspsykiatri", bo, refs.noteKeyword]) expect(text).not.toContain(secret);
  });

  it("finds a download with a resource that breaks R4, or a reference to outside it, invalid", () => {
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          fullUrl: "https://portal.example.se/fhir/Observation/x",
          resource: { resourceType: "Observation", id: "x", code: { text: "Hb" }, subject: { reference: "Patient/p" } },
        },
      ],
    };
    const problems = r4Problems(bundle);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/status/);
    expect(problems[1]).toBe("Bundle.entry[0].resource.subject: Patient/p does not resolve inside the Bundle");
  });

  it("exports one section with its filters", async () => {
    const exported = await exportEntries(db.db, scope(), "notes", { provider: "private" });
    expect(refsOf(exported)).toEqual([refs.notePrivate]);
  });
});
