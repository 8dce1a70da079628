import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { recordSections, type RecordSection } from "../../../db/schema/vocabulary";
import type { RecordTexts } from "../entry-texts";
import type { TrendPoint } from "../queries.server";
import { entryView as entry, HBA1C_ABOVE_RANGE as MEASURED } from "../test-factories";
import { entryList } from "./entries.server";
import { textsIn } from "./texts.server";
import { trendMarkup } from "./trend.server";

const EVIL = `<img src=x onerror="alert(1)">`;

const point = (day: string, value: number): TrendPoint => ({
  ref: `Observation/${day}`,
  occurredAt: `${day}T08:00:00.000Z`,
  ...MEASURED,
  valueNumber: value,
  careUnitName: "Labbet",
  providerKind: "private",
});

/** The months as Intl names them on a chart's time axis ("jan.", "juli"): words of dates, not of a template. */
const monthName = new Intl.DateTimeFormat("sv-SE", { month: "short", timeZone: "UTC" });
const months = Array.from({ length: 12 }, (_, m) => monthName.format(Date.UTC(2026, m, 1)).replace(".", "\\."));
const SHORT_MONTHS = new RegExp(`(${months.join("|")})(?![a-zåäö])`, "gi");

/** The visible text of markup: tags gone, entities read. */
function textOf(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string);
}

/** The markup the server builds: the printout's entries and a result's chart and table. */
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
    expect(out).toContain("Över referens\u00adintervallet");
    expect(out).toContain("Från-enheten");
    expect(out).toContain("Till-enheten");
    expect(out).toContain('<div class="note-text">Text of notes</div>');
  });

  it("links nothing: a printout is for paper", () => {
    expect(entryList(sv, [entry("results", { code: "a/b c" })]).html).not.toContain("<a ");
  });

  it("escapes what the clinical system sent, wherever it appears", () => {
    const evil = (s: RecordSection) =>
      entry(s, { title: EVIL, text: EVIL, careUnitName: EVIL, authorName: EVIL, authorProfession: EVIL, fromUnitName: EVIL, toUnitName: EVIL, valueText: EVIL, valueUnit: EVIL, referenceText: EVIL, code: EVIL });
    const entries = recordSections.map(evil);
    const outputs = [
      entryList(sv, entries).html,
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
      trendMarkup(keys, "⟪data⟫", [{ ...point("2026-01-01", 40), careUnitName: "⟪data⟫", valueUnit: "⟪data⟫" }, { ...point("2026-02-01", 50), careUnitName: null, valueUnit: "⟪data⟫" }]).html,
    ];
    for (const out of outputs) {
      const words = textOf(out)
        .replace(/⟦[^⟧]*⟧|⟪data⟫/g, " ")
        // Dates, numbers and the shapes that stand beside an assessment in words.
        .replace(/\d+\s[a-zåäö]+\s\d{4}( kl\.)?/gi, " ")
        .replace(SHORT_MONTHS, " ")
        .replace(/[\d\s.,–:/·-]+|[▲▼◆]/g, " ")
        .trim();
      expect(words).toBe("");
    }
  });
});
