import type { RecordSection } from "../../../db/schema/record";
import { formatDate } from "~/i18n/format";
import { html, type Markup } from "~/utils/html.server";
import type { SectionFacets, WithheldNotice } from "../queries.server";
import { filterQuery, isFiltered, providerKindFilters, sectionPath, sectionSlugs, type SectionFilters } from "../sections";
import type { RecordTexts } from "./texts.server";

/**
 * The record pages' own controls and notices as markup (see html.server): the filter form, the pager, print and
 * download, and the notices of what is not shown. Forms are GET forms and links plain links, so they work without
 * JavaScript; with it, the record's layout follows them within the page (useOwnLinks).
 */

/** Where the citizen changes the session's "hide new entries" choice (the login's choice page). */
export const NEW_ENTRIES_CHOICE_PATH = "/login/new-entries";

// Unit and provider names are Swedish whatever the page's language.
const swedishOrder = new Intl.Collator("sv").compare;

/** The session's "hide new entries" choice, always visible, with the way to change it and come back to `returnTo`. */
export function hiddenEntriesNotice({ t, lng }: RecordTexts, hideEntriesAfter: string | null, returnTo: string): Markup {
  const text = hideEntriesAfter ? t("hidden.hiddenSince", { date: formatDate(hideEntriesAfter, lng) }) : t("hidden.allShown");
  return html`<div class="${hideEntriesAfter ? "notice notice--hidden" : "notice notice--quiet"}" data-testid="hidden-entries"><p>${text} <a href="${NEW_ENTRIES_CHOICE_PATH}?returnTo=${encodeURIComponent(returnTo)}">${t("hidden.change")}</a></p></div>`;
}

/** Neutral notices that some information is not shown online, and whom to ask. Nothing when nothing was withheld. */
export function withheldNotices({ t }: RecordTexts, notices: readonly WithheldNotice[]): Markup | null {
  if (notices.length === 0) return null;
  const ask = (n: WithheldNotice) =>
    n.askName
      ? n.askPhone
        ? t("withheld.namedPhone", { name: n.askName, phone: n.askPhone })
        : t("withheld.named", { name: n.askName })
      : t("withheld.generic");
  return html`<section class="notice notice--withheld" aria-labelledby="withheld-title"><h2 id="withheld-title">${t("withheld.title")}</h2>${notices.map(
    (n) => html`<p>${ask(n)}</p>`,
  )}</section>`;
}

function option(value: string, label: string, chosen: string): Markup {
  return html`<option value="${value}"${value === chosen ? html` selected=""` : null}>${label}</option>`;
}

/**
 * Period, provider and (for notes) text: a GET form, so the filtered list has its own address and works without
 * JavaScript. The provider choices are the kinds of provider, then the providers and units this section's entries
 * come from.
 */
export function filterForm({ t }: RecordTexts, section: RecordSection, filters: SectionFilters, facets: SectionFacets): Markup {
  const providers = new Map<string, string>();
  for (const u of facets.units) if (u.providerId && u.providerName && u.providerId !== u.id) providers.set(u.providerId, u.providerName);
  const providerChoices = [...providers].sort((a, b) => swedishOrder(a[1], b[1]));
  const chosen = filters.provider ?? "";
  const status = filters.status ?? "";
  const dateField = (name: "from" | "to") =>
    html`<div class="field"><label for="filter-${name}">${t(`filters.${name}`)}</label><input id="filter-${name}" name="${name}" type="date" aria-describedby="filter-date-hint" value="${filters[name] ?? ""}"/></div>`;
  return html`<section class="filters no-print" aria-labelledby="filters-title"><h2 id="filters-title">${t("filters.title")}</h2><form method="get" action="${sectionPath(section)}" class="filters__form"><p id="filter-date-hint" class="muted filters__hint">${t("filters.dateHint")}</p>${dateField("from")}${dateField("to")}<div class="field"><label for="filter-provider">${t("filters.provider")}</label><select id="filter-provider" name="provider">${option("", t("filters.providerAll"), chosen)}<optgroup label="${t("filters.kinds")}">${providerKindFilters.map((kind) => option(kind, t(`provider.${kind}`), chosen))}</optgroup>${
    providerChoices.length > 0
      ? html`<optgroup label="${t("filters.providers")}">${providerChoices.map(([id, name]) => option(id, name, chosen))}</optgroup>`
      : null
  }${
    facets.units.length > 0 ? html`<optgroup label="${t("filters.units")}">${facets.units.map((u) => option(u.id, u.name, chosen))}</optgroup>` : null
  }</select></div>${
    section === "notes"
      ? html`<div class="field"><label for="filter-q">${t("filters.q")}</label><input id="filter-q" name="q" type="search" maxlength="100" value="${filters.q ?? ""}"/></div>`
      : null
  }${
    section === "medications"
      ? html`<div class="field"><label for="filter-status">${t("filters.status")}</label><select id="filter-status" name="status">${option("", t("filters.statusAll"), status)}${option("current", t("filters.statusCurrent"), status)}${option("earlier", t("filters.statusEarlier"), status)}</select></div>`
      : null
  }<div class="filters__actions"><button type="submit" class="button button--primary">${t("filters.apply")}</button>${
    isFiltered(filters) ? html`<a href="${sectionPath(section)}">${t("filters.clear")}</a>` : null
  }</div></form></section>`;
}

/** Previous and next page, keeping the filters; nothing when everything fits on one page. */
export function pager({ t }: RecordTexts, section: RecordSection, filters: SectionFilters, page: number, hasNext: boolean): Markup | null {
  if (page === 1 && !hasNext) return null;
  const to = (p: number) => `${sectionPath(section)}${filterQuery(filters, { page: p > 1 ? p : undefined })}`;
  return html`<nav class="pager no-print" aria-label="${t("pager.label")}"><ul class="inline-list">${
    page > 1 ? html`<li><a href="${to(page - 1)}" rel="prev">${t("pager.previous")}</a></li>` : null
  }<li aria-current="page">${t("pager.page", { page })}</li>${
    hasNext ? html`<li><a href="${to(page + 1)}" rel="next">${t("pager.next")}</a></li>` : null
  }</ul></nav>`;
}

/** Print and download, for the section as filtered or (section null) the whole record. */
export function takeAway({ t }: RecordTexts, section: RecordSection | null, filters: Partial<SectionFilters> = {}): Markup {
  const query = section ? filterQuery(filters, { section: sectionSlugs[section] }) : "";
  return html`<section class="take-away no-print" aria-labelledby="take-away-title"><h2 id="take-away-title">${t("take.title")}</h2><ul class="inline-list"><li><a href="/record/print${query}">${
    section ? t("take.printSection") : t("take.print")
  }</a></li><li><a href="/record/export.json${query}" download="" aria-describedby="export-hint">${
    section ? t("take.exportSection") : t("take.export")
  }</a></li></ul><p id="export-hint" class="muted">${t("take.exportHint")}</p></section>`;
}

export interface SectionBody {
  section: RecordSection;
  filters: SectionFilters;
  page: { page: number; pageSize: number; hasNext: boolean };
  facets: SectionFacets;
  /** The page's entries as markup (entryList), or null when the page has none. */
  entries: { list: Markup; count: number } | null;
  hideEntriesAfter: string | null;
  /** This page's own address (path and query), to come back to from the hidden-entries choice. */
  returnTo: string;
}

/**
 * A section page below its title and introduction: the notices, the filters, one page of entries newest first with
 * the pager, and print and download.
 */
export function sectionBody(texts: RecordTexts, body: SectionBody): Markup {
  const { t } = texts;
  const { section, filters, page, entries } = body;
  const filtered = isFiltered(filters);
  const first = (page.page - 1) * page.pageSize + 1;
  const heading = entries ? t("list.showing", { from: first, to: first + entries.count - 1 }) : t("list.newestFirst");
  const empty = filtered || page.page > 1 ? t("list.emptyFiltered") : t("list.empty");
  return html`${hiddenEntriesNotice(texts, body.hideEntriesAfter, body.returnTo)}${withheldNotices(texts, body.facets.withheld)}${filterForm(
    texts,
    section,
    filters,
    body.facets,
  )}<section aria-labelledby="entries-title" class="entries-section"><h2 id="entries-title">${heading}</h2>${
    filtered ? html`<p class="muted">${t("filters.active")}</p>` : null
  }${entries ? entries.list : html`<p>${empty}</p>`}${pager(texts, section, filters, page.page, page.hasNext)}</section>${takeAway(
    texts,
    section,
    filters,
  )}`;
}
