import { html, type Markup } from "~/utils/html.server";
import type { EntryView, Highlights } from "../queries.server";
import { sectionPath } from "../sections";
import { entryMeta, entryTitle, valueMarkup } from "./entries.server";
import type { RecordTexts } from "./texts.server";

function card(texts: RecordTexts, id: string, title: string, items: Markup[], empty: string, section: "results" | "medications" | "allergies"): Markup {
  const { t } = texts;
  const all = t("overview.allOf", { section: t(`nav.${section}`).toLowerCase() });
  return html`<section class="card" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${
    items.length > 0 ? html`<ul class="plain-list">${items}</ul>` : html`<p>${empty}</p>`
  }<p><a href="${sectionPath(section)}">${all}</a></p></section>`;
}

/** "Title – text", as the overview names a medication or a warning. */
function titled({ t }: RecordTexts, entry: EntryView): Markup {
  return html`<strong>${entry.title ?? t("entry.untitled")}</strong>${entry.text ? ` – ${entry.text}` : null}`;
}

/** The overview's view of the record: the newest results, current medications, and allergies and other warnings. */
export function highlightsMarkup(texts: RecordTexts, record: Highlights): Markup {
  const { t } = texts;
  const results = record.results.map(
    (r) => html`<li><strong>${entryTitle(texts, r, true)}</strong> ${valueMarkup(texts, r)}${entryMeta(texts, r)}</li>`,
  );
  const medications = record.medications.map((m) => html`<li>${titled(texts, m)}${entryMeta(texts, m)}</li>`);
  const allergies = record.allergies.map(
    (a) => html`<li>${titled(texts, a)}${a.criticality === "high" ? ` (${t("status.criticality.high")})` : null}${entryMeta(texts, a)}</li>`,
  );
  return html`<div class="overview-grid">${card(texts, "results-title", t("overview.newestResults"), results, t("overview.noResults"), "results")}${card(
    texts,
    "medications-title",
    t("overview.currentMedications"),
    medications,
    t("overview.noMedications"),
    "medications",
  )}${card(texts, "warnings-title", t("overview.warnings"), allergies, t("overview.noWarnings"), "allergies")}</div>`;
}
