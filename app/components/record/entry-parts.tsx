import { useTranslation, type UseTranslationResponse } from "react-i18next";
import type { ProviderKind } from "../../../db/schema/care";
import { formatDate, formatNumber } from "~/i18n/format";
import { assessmentOf, isOutside, type Measured } from "./assessment";

/**
 * The record's texts and the language, asked for once per page or list and handed to each entry's parts. The parts are
 * plain functions, not components: a page lists dozens of entries, and a component per part, each asking for its own
 * translations, was a good share of a record page's rendering time.
 */
export interface EntryTexts {
  t: UseTranslationResponse<"record", undefined>["t"];
  lng: string;
}

export function useEntryTexts(): EntryTexts {
  const { t, i18n } = useTranslation("record");
  return { t, lng: i18n.language };
}

/** When, where and from which kind of provider: what every entry shows, so the record reads as one from many. */
export function entryMeta(
  { t, lng }: EntryTexts,
  entry: { occurredAt: string | null; careUnitName: string | null; providerKind: ProviderKind },
): JSX.Element {
  return (
    <dl className="entry-meta">
      <div>
        <dt>{t("entry.date")}</dt>
        <dd>{entry.occurredAt ? <time dateTime={entry.occurredAt}>{formatDate(entry.occurredAt, lng)}</time> : t("entry.dateUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.unit")}</dt>
        <dd>{entry.careUnitName ?? t("entry.unitUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.providerKind")}</dt>
        <dd>
          <span className={`provider provider--${entry.providerKind}`}>{t(`provider.${entry.providerKind}`)}</span>
        </dd>
      </div>
    </dl>
  );
}

function number(value: number, lng: string): string {
  return formatNumber(value, lng, { maximumFractionDigits: 3 });
}

/** "27–42 mmol/mol", "below 5 mg/L"; the lab's own text when it gave no numbers. */
export function rangeText(
  { t, lng }: EntryTexts,
  r: { referenceLow: number | null; referenceHigh: number | null; referenceText: string | null; valueUnit: string | null },
): string | null {
  let text: string;
  if (r.referenceLow !== null && r.referenceHigh !== null) {
    text = t("range.between", { low: number(r.referenceLow, lng), high: number(r.referenceHigh, lng) });
  } else if (r.referenceHigh !== null) text = t("range.below", { high: number(r.referenceHigh, lng) });
  else if (r.referenceLow !== null) text = t("range.above", { low: number(r.referenceLow, lng) });
  else return r.referenceText;
  return r.valueUnit ? `${text} ${r.valueUnit}` : text;
}

/** "59 mmol/mol"; the lab's text when the value is not a number. */
export function valueText({ t, lng }: EntryTexts, r: { valueNumber: number | null; valueText: string | null; valueUnit: string | null }): string {
  if (r.valueText) return r.valueText;
  if (r.valueNumber === null) return t("results.noValue");
  const n = number(r.valueNumber, lng);
  return r.valueUnit ? `${n} ${r.valueUnit}` : n;
}

/** The assessment in words, with a shape for those who scan; never colour alone. */
export function assessmentText({ t }: EntryTexts, measured: Measured): JSX.Element | null {
  const a = assessmentOf(measured);
  if (!a) return null;
  const symbol = a === "high" ? "▲" : a === "low" ? "▼" : a === "abnormal" ? "◆" : "";
  return (
    <span className={isOutside(a) ? "assessment assessment--outside" : "assessment"}>
      {symbol ? <span aria-hidden="true">{`${symbol} `}</span> : null}
      {t(`assessment.${a}`)}
    </span>
  );
}
