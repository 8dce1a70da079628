import type { ProviderKind } from "../../../db/schema/care";
import { isOutside, type Measured } from "./assessment";
import { formatDate } from "~/i18n/format";
import { html, Markup } from "~/utils/html.server";
import type { EntryView } from "../queries.server";
import { assessmentWords, rangeText, valueText, type RecordTexts } from "./texts.server";

const CURRENT_MEDICATION = new Set(["active", "on-hold", "intended"]);
const ACTIVE_DIAGNOSIS = new Set(["active", "recurrence", "relapse"]);
const RESOLVED_DIAGNOSIS = new Set(["inactive", "remission", "resolved"]);
const REFERRAL_STATUSES = new Set(["draft", "active", "on-hold", "revoked", "completed"]);
const CRITICALITIES = new Set(["high", "low", "unable-to-assess"]);

/** The path of a result's values over time. */
export function trendPath(code: string): string {
  return `/record/results/${encodeURIComponent(code)}`;
}

/** When, where and from which kind of provider: what every entry shows, so the record reads as one from many. */
export function entryMeta(
  { t, lng }: RecordTexts,
  entry: { occurredAt: string | null; careUnitName: string | null; providerKind: ProviderKind },
): Markup {
  const date = entry.occurredAt ? html`<time datetime="${entry.occurredAt}">${formatDate(entry.occurredAt, lng)}</time>` : t("entry.dateUnknown");
  return html`<dl class="entry-meta"><div><dt>${t("entry.date")}</dt><dd>${date}</dd></div><div><dt>${t("entry.unit")}</dt><dd>${
    entry.careUnitName ?? t("entry.unitUnknown")
  }</dd></div><div><dt>${t("entry.providerKind")}</dt><dd><span class="provider provider--${entry.providerKind}">${t(
    `provider.${entry.providerKind}`,
  )}</span></dd></div></dl>`;
}

/** The assessment in words, with a shape for those who scan; never colour alone. */
export function assessmentMarkup(texts: RecordTexts, measured: Measured): Markup | null {
  const a = assessmentWords(texts, measured);
  if (!a) return null;
  return html`<span class="${isOutside(a.assessment) ? "assessment assessment--outside" : "assessment"}">${
    a.symbol ? html`<span aria-hidden="true">${a.symbol} </span>` : null
  }${a.words}</span>`;
}

/** A result's value and, after it, its assessment. */
export function valueMarkup(texts: RecordTexts, entry: Measured & { valueText: string | null; valueUnit: string | null }): Markup {
  const assessment = assessmentMarkup(texts, entry);
  return html`${valueText(texts, entry)}${assessment ? html` ${assessment}` : null}`;
}

/** The entry's title; for a result with values over time, a link to its trend. */
export function entryTitle({ t }: RecordTexts, entry: EntryView, linkTrend: boolean): Markup | string {
  const title = entry.title ?? t("entry.untitled");
  if (linkTrend && entry.section === "results" && entry.code && entry.valueNumber !== null) {
    return html`<a href="${trendPath(entry.code)}" aria-label="${t("results.overTime", { title })}">${title}</a>`;
  }
  return title;
}

function field(label: string, value: Markup | string): Markup {
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** The fields a section shows beyond date, unit and provider. */
function entryDetails(texts: RecordTexts, entry: EntryView): Markup {
  const { t } = texts;
  const author = entry.authorName
    ? entry.authorProfession
      ? t("entry.authorWithProfession", { name: entry.authorName, profession: entry.authorProfession })
      : entry.authorName
    : null;
  const fields: Markup[] = [];
  switch (entry.section) {
    case "notes":
      if (author) fields.push(field(t("entry.author"), author));
      break;
    case "diagnoses": {
      if (entry.code) fields.push(field(t("entry.code"), entry.code));
      const status = entry.status && ACTIVE_DIAGNOSIS.has(entry.status) ? "active" : entry.status && RESOLVED_DIAGNOSIS.has(entry.status) ? "resolved" : null;
      if (status) fields.push(field(t("entry.status"), t(`status.diagnosis.${status}`)));
      if (entry.text) fields.push(field(t("entry.note"), entry.text));
      break;
    }
    case "medications":
      if (entry.text) fields.push(field(t("entry.dosage"), entry.text));
      fields.push(field(t("entry.status"), t(`status.medication.${entry.status && CURRENT_MEDICATION.has(entry.status) ? "current" : "earlier"}`)));
      if (author) fields.push(field(t("entry.author"), author));
      break;
    case "results": {
      fields.push(field(t("entry.value"), valueMarkup(texts, entry)));
      const range = rangeText(texts, entry);
      if (range) fields.push(field(t("entry.referenceRange"), range));
      if (entry.text) fields.push(field(t("entry.note"), entry.text));
      break;
    }
    case "vaccinations":
      break;
    case "allergies":
      if (entry.text) fields.push(field(t("entry.reaction"), entry.text));
      if (entry.criticality && CRITICALITIES.has(entry.criticality)) {
        fields.push(field(t("entry.status"), t(`status.criticality.${entry.criticality}`)));
      }
      break;
    case "care_contacts":
      if (entry.text) fields.push(field(t("entry.reason"), entry.text));
      if (author) fields.push(field(t("entry.author"), author));
      break;
    case "referrals":
      fields.push(field(t("entry.status"), t(`status.referral.${entry.status && REFERRAL_STATUSES.has(entry.status) ? entry.status : "unknown"}`)));
      fields.push(field(t("entry.from"), entry.fromUnitName ?? t("entry.unitUnknown")));
      fields.push(field(t("entry.to"), entry.toUnitName ?? t("entry.unitUnknown")));
      if (entry.text) fields.push(field(t("entry.reason"), entry.text));
      break;
  }
  const text =
    entry.section === "notes" ? (entry.text ? html`<div class="note-text">${entry.text}</div>` : html`<p class="muted">${t("entry.noText")}</p>`) : null;
  return html`${fields.length > 0 ? html`<dl class="entry-fields">${fields}</dl>` : null}${text}`;
}

const TITLE_TAGS = {
  2: [new Markup('<h2 class="entry-title">'), new Markup("</h2>")],
  3: [new Markup('<h3 class="entry-title">'), new Markup("</h3>")],
  4: [new Markup('<h4 class="entry-title">'), new Markup("</h4>")],
} as const;

/** A section's entries, newest first, each with its date, unit, kind of provider and the section's own fields. */
export function entryList(texts: RecordTexts, entries: readonly EntryView[], options: { headingLevel?: 2 | 3 | 4; linkTrends?: boolean } = {}): Markup {
  const [open, close] = TITLE_TAGS[options.headingLevel ?? 3];
  const linkTrends = options.linkTrends ?? true;
  return html`<ol class="entries">${entries.map(
    (entry) =>
      html`<li><article class="entry">${open}${entryTitle(texts, entry, linkTrends)}${close}${entryMeta(texts, entry)}${entryDetails(texts, entry)}</article></li>`,
  )}</ol>`;
}
