import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RecordSection } from "../../../db/schema/record";
import type { SectionFacets } from "~/record/queries.server";
import { filterQuery, providerKindFilters, sectionPath, type SectionFilters } from "~/record/sections";

// Unit and provider names are Swedish whatever the page's language.
const swedishOrder = new Intl.Collator("sv").compare;

// Links here are plain links: the record's layout follows them within the page (useOwnLinks).

/**
 * Period, provider and (for notes) text: a GET form, so the filtered list has its own address and works without
 * JavaScript. The provider choices are the kinds of provider, then the providers and units this section's entries
 * come from.
 */
export function SectionFilterForm({
  section,
  filters,
  facets,
}: {
  section: RecordSection;
  filters: SectionFilters;
  facets: SectionFacets;
}) {
  const { t } = useTranslation("record");
  const providers = new Map<string, string>();
  for (const u of facets.units) if (u.providerId && u.providerName && u.providerId !== u.id) providers.set(u.providerId, u.providerName);
  const providerChoices = [...providers].sort((a, b) => swedishOrder(a[1], b[1]));
  const active = Boolean(filters.from || filters.to || filters.provider || filters.q || filters.status);
  return (
    <section className="filters no-print" aria-labelledby="filters-title">
      <h2 id="filters-title">{t("filters.title")}</h2>
      <Form method="get" action={sectionPath(section)} className="filters__form">
        <p id="filter-date-hint" className="muted filters__hint">
          {t("filters.dateHint")}
        </p>
        <div className="field">
          <label htmlFor="filter-from">{t("filters.from")}</label>
          <input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ""} aria-describedby="filter-date-hint" />
        </div>
        <div className="field">
          <label htmlFor="filter-to">{t("filters.to")}</label>
          <input id="filter-to" name="to" type="date" defaultValue={filters.to ?? ""} aria-describedby="filter-date-hint" />
        </div>
        <div className="field">
          <label htmlFor="filter-provider">{t("filters.provider")}</label>
          <select id="filter-provider" name="provider" defaultValue={filters.provider ?? ""}>
            <option value="">{t("filters.providerAll")}</option>
            <optgroup label={t("filters.kinds")}>
              {providerKindFilters.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`provider.${kind}`)}
                </option>
              ))}
            </optgroup>
            {providers.size > 0 ? (
              <optgroup label={t("filters.providers")}>
                {providerChoices.map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {facets.units.length > 0 ? (
              <optgroup label={t("filters.units")}>
                {facets.units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        {section === "notes" ? (
          <div className="field">
            <label htmlFor="filter-q">{t("filters.q")}</label>
            <input id="filter-q" name="q" type="search" defaultValue={filters.q ?? ""} maxLength={100} />
          </div>
        ) : null}
        {section === "medications" ? (
          <div className="field">
            <label htmlFor="filter-status">{t("filters.status")}</label>
            <select id="filter-status" name="status" defaultValue={filters.status ?? ""}>
              <option value="">{t("filters.statusAll")}</option>
              <option value="current">{t("filters.statusCurrent")}</option>
              <option value="earlier">{t("filters.statusEarlier")}</option>
            </select>
          </div>
        ) : null}
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t("filters.apply")}
          </button>
          {active ? <a href={sectionPath(section)}>{t("filters.clear")}</a> : null}
        </div>
      </Form>
    </section>
  );
}

/** Previous and next page, keeping the filters. */
export function Pager({
  section,
  filters,
  page,
  hasNext,
}: {
  section: RecordSection;
  filters: SectionFilters;
  page: number;
  hasNext: boolean;
}) {
  const { t } = useTranslation("record");
  if (page === 1 && !hasNext) return null;
  const to = (p: number) => `${sectionPath(section)}${filterQuery(filters, { page: p > 1 ? p : undefined })}`;
  return (
    <nav className="pager no-print" aria-label={t("pager.label")}>
      <ul className="inline-list">
        {page > 1 ? (
          <li>
            <a href={to(page - 1)} rel="prev">
              {t("pager.previous")}
            </a>
          </li>
        ) : null}
        <li aria-current="page">{t("pager.page", { page })}</li>
        {hasNext ? (
          <li>
            <a href={to(page + 1)} rel="next">
              {t("pager.next")}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** Print and download, for the section as filtered or the whole record. */
export function TakeAway({ section, filters }: { section: RecordSection | null; filters?: SectionFilters }) {
  const { t } = useTranslation("record");
  const query = section ? filterQuery(filters ?? {}, { section: sectionSlug(section) }) : "";
  return (
    <section className="take-away no-print" aria-labelledby="take-away-title">
      <h2 id="take-away-title">{t("take.title")}</h2>
      <ul className="inline-list">
        <li>
          <a href={`/record/print${query}`}>{section ? t("take.printSection") : t("take.print")}</a>
        </li>
        <li>
          <a href={`/record/export.json${query}`} download aria-describedby="export-hint">
            {section ? t("take.exportSection") : t("take.export")}
          </a>
        </li>
      </ul>
      <p id="export-hint" className="muted">
        {t("take.exportHint")}
      </p>
    </section>
  );
}

function sectionSlug(section: RecordSection): string {
  return sectionPath(section).replace("/record/", "");
}
