import type { TFunction } from "i18next";
import { formatNumber } from "~/i18n/format";
import { assessmentOf, isOutside, type Assessment, type Measured } from "./assessment";
import type { EntryView } from "./queries.server";
import { CURRENT_MEDICATION_STATUSES } from "./sections";

/**
 * What an entry says, in words of the page's language: for the record's React components and for the markup the
 * server builds (the trend's table, the printout) alike, so that both say the same.
 */

/** The record's texts in the page's language. */
export interface RecordTexts {
  t: TFunction<"record">;
  lng: string;
}

const CURRENT_MEDICATION = new Set<string>(CURRENT_MEDICATION_STATUSES);
const ACTIVE_DIAGNOSIS = new Set(["active", "recurrence", "relapse"]);
const RESOLVED_DIAGNOSIS = new Set(["inactive", "remission", "resolved"]);
const REFERRAL_STATUSES = new Set(["draft", "active", "on-hold", "revoked", "completed"]);
const CRITICALITIES = new Set(["high", "low", "unable-to-assess"]);

/** The path of a result's values over time. */
export function trendPath(code: string): string {
  return `/record/results/${encodeURIComponent(code)}`;
}

/** Whether an entry is a result with values over time (its title links to them). */
export function hasTrend(entry: EntryView): entry is EntryView & { code: string } {
  return entry.section === "results" && entry.code !== null && entry.code !== "" && entry.valueNumber !== null;
}

export function numberText(value: number, lng: string): string {
  return formatNumber(value, lng, { maximumFractionDigits: 3 });
}

/** "27–42 mmol/mol", "below 5 mg/L"; the lab's own text when it gave no numbers. */
export function rangeText(
  { t, lng }: RecordTexts,
  r: { referenceLow: number | null; referenceHigh: number | null; referenceText: string | null; valueUnit: string | null },
): string | null {
  let text: string;
  if (r.referenceLow !== null && r.referenceHigh !== null) {
    text = t("range.between", { low: numberText(r.referenceLow, lng), high: numberText(r.referenceHigh, lng) });
  } else if (r.referenceHigh !== null) text = t("range.below", { high: numberText(r.referenceHigh, lng) });
  else if (r.referenceLow !== null) text = t("range.above", { low: numberText(r.referenceLow, lng) });
  else return r.referenceText;
  return r.valueUnit ? `${text} ${r.valueUnit}` : text;
}

/** "59 mmol/mol"; the lab's text when the value is not a number. */
export function valueText({ t, lng }: RecordTexts, r: { valueNumber: number | null; valueText: string | null; valueUnit: string | null }): string {
  if (r.valueText) return r.valueText;
  if (r.valueNumber === null) return t("results.noValue");
  const n = numberText(r.valueNumber, lng);
  return r.valueUnit ? `${n} ${r.valueUnit}` : n;
}

export interface AssessmentWords {
  words: string;
  /** A shape for those who scan (never colour alone); "" for a value within the range. */
  symbol: string;
  outside: boolean;
}

/** The assessment in words; null when neither the lab nor the range says. */
export function assessmentWords({ t }: RecordTexts, measured: Measured): AssessmentWords | null {
  const assessment: Assessment | null = assessmentOf(measured);
  if (!assessment) return null;
  const symbol = assessment === "high" ? "▲" : assessment === "low" ? "▼" : assessment === "abnormal" ? "◆" : "";
  return { words: t(`assessment.${assessment}`), symbol, outside: isOutside(assessment) };
}

/** One of an entry's fields: a label, its text, and for a result's value its assessment after it. */
export interface EntryField {
  key: string;
  label: string;
  text: string;
  assessment?: AssessmentWords | null;
}

/** The fields a section shows beyond date, unit and kind of provider (a note's text comes apart: see `noteText`). */
export function entryFields(texts: RecordTexts, entry: EntryView): EntryField[] {
  const { t } = texts;
  const author = entry.authorName
    ? entry.authorProfession
      ? t("entry.authorWithProfession", { author: entry.authorName, profession: entry.authorProfession })
      : entry.authorName
    : null;
  const fields: EntryField[] = [];
  const add = (key: string, label: string, text: string | null, assessment?: AssessmentWords | null) => {
    if (text) fields.push({ key, label, text, assessment });
  };
  switch (entry.section) {
    case "notes":
      add("author", t("entry.author"), author);
      break;
    case "diagnoses": {
      add("code", t("entry.code"), entry.code);
      const status = entry.status && ACTIVE_DIAGNOSIS.has(entry.status) ? "active" : entry.status && RESOLVED_DIAGNOSIS.has(entry.status) ? "resolved" : null;
      if (status) add("status", t("entry.status"), t(`status.diagnosis.${status}`));
      add("note", t("entry.note"), entry.text);
      break;
    }
    case "medications": {
      add("dosage", t("entry.dosage"), entry.text);
      const current = entry.status !== null && CURRENT_MEDICATION.has(entry.status);
      add("status", t("entry.status"), t(`status.medication.${current ? "current" : "earlier"}`));
      add("author", t("entry.author"), author);
      break;
    }
    case "results":
      add("value", t("entry.value"), valueText(texts, entry), assessmentWords(texts, entry));
      add("range", t("entry.referenceRange"), rangeText(texts, entry));
      add("note", t("entry.note"), entry.text);
      break;
    case "vaccinations":
      break;
    case "allergies":
      add("reaction", t("entry.reaction"), entry.text);
      if (entry.criticality && CRITICALITIES.has(entry.criticality)) add("criticality", t("entry.status"), t(`status.criticality.${entry.criticality}`));
      break;
    case "care_contacts":
      add("reason", t("entry.reason"), entry.text);
      add("author", t("entry.author"), author);
      break;
    case "referrals": {
      const status = entry.status && REFERRAL_STATUSES.has(entry.status) ? entry.status : "unknown";
      add("status", t("entry.status"), t(`status.referral.${status}`));
      add("from", t("entry.from"), entry.fromUnitName ?? t("entry.unitUnknown"));
      add("to", t("entry.to"), entry.toUnitName ?? t("entry.unitUnknown"));
      add("reason", t("entry.reason"), entry.text);
      break;
    }
  }
  return fields;
}
