import type { TFunction } from "i18next";
import type { Language } from "~/i18n/config";
import { i18nFor, languageOf } from "~/i18n/i18next.server";
import { formatNumber } from "~/i18n/format";
import { assessmentOf, type Assessment, type Measured } from "./assessment";

/** The record's texts in the page's language: what every piece of the record's markup is written with. */
export interface RecordTexts {
  t: TFunction;
  lng: Language;
}

export async function recordTexts(request: Request): Promise<RecordTexts> {
  const lng = await languageOf(request);
  return textsIn(lng);
}

export function textsIn(lng: Language): RecordTexts {
  return { t: i18nFor(lng).getFixedT(lng, "record"), lng };
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

/** The assessment in words, and a shape for those who scan (never colour alone); null when nothing says. */
export function assessmentWords({ t }: RecordTexts, measured: Measured): { assessment: Assessment; words: string; symbol: string } | null {
  const assessment = assessmentOf(measured);
  if (!assessment) return null;
  const symbol = assessment === "high" ? "▲" : assessment === "low" ? "▼" : assessment === "abnormal" ? "◆" : "";
  return { assessment, words: t(`assessment.${assessment}`), symbol };
}
