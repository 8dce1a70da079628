import type { ProviderKind } from "../../../db/schema/vocabulary";
import { formatDate } from "~/i18n/format";
import { html, type Markup } from "~/utils/html.server";
import { assessmentWords, entryFields, type AssessmentWords, type RecordTexts } from "../entry-texts";
import type { Measured } from "../assessment";
import type { EntryView } from "../queries.server";

/**
 * The printout's entries as markup (see html.server): up to PRINT_LIMIT of them a section, every section at once, so
 * built as one string rather than rendered by React element by element. They say what the section pages' EntryList
 * says (app/components/record/entry-list.tsx), from the same `entryFields`, without links.
 */

/** When, where and from which kind of provider: what every entry shows, so the record reads as one from many. */
function entryMeta({ t, lng }: RecordTexts, entry: { occurredAt: string | null; careUnitName: string | null; providerKind: ProviderKind }): Markup {
  const date = entry.occurredAt ? html`<time datetime="${entry.occurredAt}">${formatDate(entry.occurredAt, lng)}</time>` : t("entry.dateUnknown");
  const unit = entry.careUnitName ?? t("entry.unitUnknown");
  const kind = html`<span class="provider provider--${entry.providerKind}">${t(`provider.${entry.providerKind}`)}</span>`;
  return html`<dl class="entry-meta">${field(t("entry.date"), date)}${field(t("entry.unit"), unit)}${field(t("entry.providerKind"), kind)}</dl>`;
}

function field(label: string, value: Markup | string): Markup {
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** The assessment in words, with a shape for those who scan; never colour alone. */
export function assessmentMarkup(texts: RecordTexts, measured: Measured): Markup | null {
  const a = assessmentWords(texts, measured);
  return a ? assessmentSpan(a) : null;
}

function assessmentSpan(a: AssessmentWords): Markup {
  const symbol = a.symbol ? html`<span aria-hidden="true">${a.symbol} </span>` : null;
  return html`<span class="${a.outside ? "assessment assessment--outside" : "assessment"}">${symbol}${a.words}</span>`;
}

function entryDetails(texts: RecordTexts, entry: EntryView): Markup {
  const fields = entryFields(texts, entry).map((f) => {
    return field(f.label, html`${f.text}${f.assessment ? html` ${assessmentSpan(f.assessment)}` : null}`);
  });
  const { t } = texts;
  const noteText = entry.text ? html`<div class="note-text">${entry.text}</div>` : html`<p class="muted">${t("entry.noText")}</p>`;
  return html`${fields.length > 0 ? html`<dl class="entry-fields">${fields}</dl>` : null}${entry.section === "notes" ? noteText : null}`;
}

/** A section's entries, newest first, each with its date, unit, kind of provider and the section's own fields. */
export function entryList(texts: RecordTexts, entries: readonly EntryView[]): Markup {
  const items = entries.map((entry) => {
    const title = entry.title ?? texts.t("entry.untitled");
    return html`<li><article class="entry"><h3 class="entry-title">${title}</h3>${entryMeta(texts, entry)}${entryDetails(texts, entry)}</article></li>`;
  });
  return html`<ol class="entries">${items}</ol>`;
}
