import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { recordSections, type RecordSection } from "../../../db/schema/record";
import type { Overview } from "../overview.server";
import type { EntryView, TrendPoint } from "../queries.server";
import { sectionOrder, sectionPath } from "../sections";
import { entryList } from "./entries.server";
import { highlightsMarkup, overviewBody } from "./overview.server";
import { sectionBody } from "./section.server";
import { textsIn, type RecordTexts } from "./texts.server";
import { trendMarkup } from "./trend.server";

const EVIL = `<img src=x onerror="alert(1)">`;

/** A result's value and reference range: HbA1c, above the range. */
const MEASURED = {
  valueNumber: 59,
  valueText: null,
  valueUnit: "mmol/mol",
  referenceLow: 27,
  referenceHigh: 42,
  referenceText: null,
  interpretation: null,
};

function entry(section: RecordSection, over: Partial<EntryView> = {}): EntryView {
  return {
    ref: `Thing/${section}`,
    section,
    occurredAt: "2026-03-05T09:30:00.000Z",
    title: `Title of ${section}`,
    text: `Text of ${section}`,
    code: "59261-8",
    status: "active",
    careUnitName: "Vårdcentralen Hjärtat",
    providerKind: "municipality",
    authorName: "Eva Ek",
    authorProfession: "Sjuksköterska",
    ...MEASURED,
    fromUnitName: "Från-enheten",
    toUnitName: "Till-enheten",
    criticality: "high",
    ...over,
  };
}

const point = (day: string, value: number): TrendPoint => ({
  ref: `Observation/${day}`,
  occurredAt: `${day}T08:00:00.000Z`,
  ...MEASURED,
  valueNumber: value,
  careUnitName: "Labbet",
  providerKind: "private",
});

/** An overview: two upcoming appointments (of five), one unread message, and a record with one of each highlight. */
function overview(over: { what: string | null; careUnitName: string | null; topic: string | null }): Overview {
  return {
    appointments: [
      { ref: "Appointment/1", startsAt: "2026-12-07T08:15:00.000Z", what: over.what, careUnitName: over.careUnitName, providerKind: "private" },
      { ref: "Appointment/2", startsAt: "2027-01-11T13:00:00.000Z", what: over.what, careUnitName: over.careUnitName, providerKind: "region" },
    ],
    upcomingCount: 5,
    unreadMessages: [{ ref: "Communication/1", topic: over.topic, sentAt: "2026-11-28T09:00:00.000Z", careUnitName: over.careUnitName }],
    unreadCount: 1,
    record: { results: [entry("results")], medications: [entry("medications")], allergies: [entry("allergies")] },
  };
}

/** The visible text of markup: tags gone, entities read. */
function textOf(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string);
}

describe("the record's markup", () => {
  const sv = textsIn("sv");

  it("shows each section's fields, with date, care unit and kind of provider on every entry", () => {
    const out = entryList(sv, recordSections.map((s) => entry(s))).html;
    expect(out.match(/<article class="entry">/g)).toHaveLength(recordSections.length);
    expect(out.match(/<time datetime="2026-03-05T09:30:00.000Z">5 mars 2026<\/time>/g)).toHaveLength(recordSections.length);
    expect(out.match(/Vårdcentralen Hjärtat/g)).toHaveLength(recordSections.length);
    expect(out.match(/provider--municipality">Kommun</g)).toHaveLength(recordSections.length);
    for (const s of recordSections) expect(out).toContain(`Title of ${s}`);
    expect(out).toContain("Eva Ek, Sjuksköterska");
    expect(out).toContain("59 mmol/mol");
    expect(out).toContain("27–42 mmol/mol");
    expect(out).toContain("Över referensintervallet");
    expect(out).toContain("Från-enheten");
    expect(out).toContain("Till-enheten");
    expect(out).toContain('<div class="note-text">Text of notes</div>');
  });

  it("links a numeric result to its values over time, by its code only", () => {
    const out = entryList(sv, [entry("results", { code: "a/b c" }), entry("results", { ref: "x", valueNumber: null, valueText: "positiv" })]).html;
    expect(out).toContain('<a href="/record/results/a%2Fb%20c" aria-label="Title of results över tid">Title of results</a>');
    expect(out.match(/<a /g)).toHaveLength(1);
    expect(entryList(sv, [entry("results")], { linkTrends: false }).html).not.toContain("<a ");
  });

  it("escapes what the clinical system sent, wherever it appears", () => {
    const evil = (s: RecordSection) =>
      entry(s, { title: EVIL, text: EVIL, careUnitName: EVIL, authorName: EVIL, authorProfession: EVIL, fromUnitName: EVIL, toUnitName: EVIL, valueText: EVIL, valueUnit: EVIL, referenceText: EVIL, code: EVIL });
    const entries = recordSections.map(evil);
    const outputs = [
      entryList(sv, entries).html,
      highlightsMarkup(sv, { results: [evil("results")], medications: [evil("medications")], allergies: [evil("allergies")] }).html,
      trendMarkup(sv, EVIL, [{ ...point("2026-01-01", 40), careUnitName: EVIL, valueUnit: EVIL }]).html,
    ];
    for (const out of outputs) {
      expect(out).not.toContain("<img");
      expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    }
  });

  it("writes in the page's language: dates, numbers and words", () => {
    const en = textsIn("en");
    const out = entryList(en, [entry("results", { valueNumber: 1234.5, valueUnit: null })]).html;
    expect(out).toContain("5 March 2026");
    expect(out).toContain("1,234.5");
    expect(out).toContain("Above the reference range");
    expect(entryList(sv, [entry("results", { valueNumber: 1234.5, valueUnit: null })]).html).toMatch(/1\s234,5/);
  });

  it("says nothing of its own: every word is the locales' or the record's", () => {
    // A translator that answers with the key: any other word in the output would be text written into a template.
    const keys: RecordTexts = { t: ((key: string) => `⟦${key}⟧`) as unknown as TFunction, lng: "sv" };
    const outputs = [
      entryList(keys, recordSections.map((s) => entry(s, { text: "⟪data⟫", title: "⟪data⟫", careUnitName: "⟪data⟫", authorName: "⟪data⟫", authorProfession: null, fromUnitName: "⟪data⟫", toUnitName: "⟪data⟫", valueUnit: "⟪data⟫" }))).html,
      entryList(keys, [entry("notes", { text: null, title: null, careUnitName: null, occurredAt: null })]).html,
      highlightsMarkup(keys, { results: [], medications: [], allergies: [] }).html,
      overviewBody(
        keys,
        { ...overview({ what: "⟪data⟫", careUnitName: "⟪data⟫", topic: "⟪data⟫" }), record: { results: [], medications: [], allergies: [] } },
        "2026-11-16T10:00:00.000Z",
        "/record",
      ).html,
      overviewBody(keys, { ...overview({ what: null, careUnitName: null, topic: null }), record: null }, null, "/record").html,
      sectionBody(keys, {
        section: "medications",
        filters: { page: 2, provider: "region", status: "current" },
        page: { page: 2, pageSize: 25, hasNext: true },
        facets: { units: [{ id: "u", name: "⟪data⟫", providerKind: "region", providerId: "p", providerName: "⟪data⟫" }], withheld: [{ askName: "⟪data⟫", askPhone: null }] },
        entries: null,
        hideEntriesAfter: null,
        returnTo: "/record/medications",
      }).html,
      trendMarkup(keys, "⟪data⟫", [{ ...point("2026-01-01", 40), careUnitName: "⟪data⟫", valueUnit: "⟪data⟫" }, { ...point("2026-02-01", 50), careUnitName: null, valueUnit: "⟪data⟫" }]).html,
    ];
    for (const out of outputs) {
      const words = textOf(out)
        .replace(/⟦[^⟧]*⟧|⟪data⟫/g, " ")
        // Dates, numbers and the shapes that stand beside an assessment in words.
        .replace(/\d+\s[a-zåäö]+\s\d{4}( kl\.)?/gi, " ")
        .replace(/[\d\s.,–:/·-]+|[▲▼◆]/g, " ")
        .trim();
      expect(words).toBe("");
    }
  });
});

describe("the overview's markup", () => {
  const sv = textsIn("sv");
  const en = textsIn("en");

  it("shows what is coming up, what is new and what matters now, and the way into every section", () => {
    const out = overviewBody(sv, overview({ what: "Årskontroll", careUnitName: "Vårdcentralen Hjärtat", topic: "Provsvar" }), null, "/record").html;
    expect(out.match(/<time datetime="2026-12-07T08:15:00.000Z">7 december 2026 (kl\. )?0?9:15<\/time>/g)).toHaveLength(1);
    const shown = [
      'data-testid="hidden-entries"',
      "Du har 5 bokade besök.",
      "Årskontroll",
      "Vårdcentralen Hjärtat · Privat vårdgivare",
      // Five booked, two shown: it says the soonest are shown.
      "De närmaste visas här.",
      "Du har 1 oläst meddelande från vården.",
      "Skickat 28 november 2026 · Vårdcentralen Hjärtat",
      "Title of results",
      ...sectionOrder.map((section) => `href="${sectionPath(section)}"`),
      'href="/record/export.json"',
    ];
    for (const text of shown) expect(out).toContain(text);
  });

  it("shows a young person of 13–15 appointments and messages, and that the record is not shown online", () => {
    const out = overviewBody(en, { ...overview({ what: null, careUnitName: null, topic: null }), record: null }, null, "/record").html;
    expect(out).toContain('<h2 id="no-record-title">The record is not shown online</h2>');
    expect(out).toContain("You have 5 booked appointments.");
    expect(out).toContain("Unknown care unit · Region");
    expect(out).toContain("Message without a subject");
    expect(out).not.toContain("hidden-entries");
    expect(out).not.toContain("/record/notes");
    expect(out).not.toContain("export.json");
  });

  it("escapes what the clinical system sent", () => {
    const out = overviewBody(en, overview({ what: EVIL, careUnitName: EVIL, topic: EVIL }), null, "/record").html;
    expect(out).not.toContain("<img");
    expect(out.match(/&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/g)?.length).toBeGreaterThanOrEqual(4);
  });
});
