import { useTranslation } from "react-i18next";
import type { ProviderKind } from "../../../db/schema/care";
import { formatDate, formatNumber } from "~/i18n/format";
import { assessmentOf, isOutside, type Measured } from "./assessment";

/** When, where and from which kind of provider: what every entry shows, so the record reads as one from many. */
export function EntryMeta({
  occurredAt,
  careUnitName,
  providerKind,
}: {
  occurredAt: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
}) {
  const { t, i18n } = useTranslation("record");
  return (
    <dl className="entry-meta">
      <div>
        <dt>{t("entry.date")}</dt>
        <dd>{occurredAt ? <time dateTime={occurredAt}>{formatDate(occurredAt, i18n.language)}</time> : t("entry.dateUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.unit")}</dt>
        <dd>{careUnitName ?? t("entry.unitUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.providerKind")}</dt>
        <dd>
          <span className={`provider provider--${providerKind}`}>{t(`provider.${providerKind}`)}</span>
        </dd>
      </div>
    </dl>
  );
}

function number(value: number, lng: string): string {
  return formatNumber(value, lng, { maximumFractionDigits: 3 });
}

/** "27–42 mmol/mol", "below 5 mg/L"; the lab's own text when it gave no numbers. */
export function useRangeText() {
  const { t, i18n } = useTranslation("record");
  return (r: { referenceLow: number | null; referenceHigh: number | null; referenceText: string | null; valueUnit: string | null }): string | null => {
    const lng = i18n.language;
    let text: string | null = null;
    if (r.referenceLow !== null && r.referenceHigh !== null) {
      text = t("range.between", { low: number(r.referenceLow, lng), high: number(r.referenceHigh, lng) });
    } else if (r.referenceHigh !== null) text = t("range.below", { high: number(r.referenceHigh, lng) });
    else if (r.referenceLow !== null) text = t("range.above", { low: number(r.referenceLow, lng) });
    else return r.referenceText;
    return r.valueUnit ? `${text} ${r.valueUnit}` : text;
  };
}

export function useValueText() {
  const { t, i18n } = useTranslation("record");
  return (r: { valueNumber: number | null; valueText: string | null; valueUnit: string | null }): string => {
    if (r.valueText) return r.valueText;
    if (r.valueNumber === null) return t("results.noValue");
    const n = number(r.valueNumber, i18n.language);
    return r.valueUnit ? `${n} ${r.valueUnit}` : n;
  };
}

/** The assessment in words, with a shape for those who scan; never colour alone. */
export function AssessmentText({ measured }: { measured: Measured }) {
  const { t } = useTranslation("record");
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
