import { Form, Link } from "@remix-run/react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { RecordSection } from "../../../db/schema/vocabulary";
import type { SectionFacets, UnitOption } from "~/record/queries.server";
import { swedishOrder } from "~/i18n/dates";
import { isFiltered, providerKindFilters, SEARCH_MAX, sectionPath, type SectionFilterInput, type SectionFilters } from "~/record/sections";
import { dateFieldType, fieldAria, FieldMessage } from "../field-error";
import { TitledSection } from "./titled-section";

const DATE_FIELDS = ["from", "to"] as const;
/** The form's fields (the page is the pager's). */
const FIELDS = ["from", "to", "provider", "q", "status"] as const;

/** The providers the units belong to, by name; a unit that is its own provider is only a unit. */
function providersOf(units: readonly UnitOption[]): [id: string, name: string][] {
  const providers = new Map<string, string>();
  for (const u of units) if (u.providerId && u.providerName && u.providerId !== u.id) providers.set(u.providerId, u.providerName);
  return [...providers].sort((a, b) => swedishOrder(a[1], b[1]));
}

/**
 * Period, provider and (for notes) text: a GET form, so the filtered list has its own address and works without
 * JavaScript. The provider choices are the kinds of provider, then the providers and units this section's entries
 * come from. Give it the page's query as its key: a new list starts a new form, showing the choice it was sent with.
 * A filter given but not applied is named under its field, and a text field shows what was typed, to be corrected.
 */
export function SectionFilterForm({
  section,
  filters,
  facets,
  typed = {},
  errors = {},
}: {
  section: RecordSection;
  filters: SectionFilters;
  facets: SectionFacets;
  typed?: SectionFilterInput["typed"];
  errors?: SectionFilterInput["errors"];
}) {
  const { t } = useTranslation("record");
  const id = useId();
  const providers = providersOf(facets.units);
  const given = isFiltered(filters) || FIELDS.some((name) => errors[name]);
  return (
    <TitledSection className="filters no-print" title={t("filters.title")}>
      <Form method="get" action={sectionPath(section)} className="filters__form">
        <p id={`${id}hint`} className="muted filters__hint">
          {t("filters.dateHint")}
        </p>
        {DATE_FIELDS.map((name) => {
          const value = typed[name] ?? filters[name];
          return (
            <div className="field" key={name}>
              <label htmlFor={`${id}${name}`}>{t(`filters.${name}`)}</label>
              <input id={`${id}${name}`} name={name} type={dateFieldType(value)} {...fieldAria(errors[name], `${id}${name}-error`, `${id}hint`)} defaultValue={value ?? ""} />
              <FieldMessage id={`${id}${name}-error`} error={errors[name]} />
            </div>
          );
        })}
        <div className="field">
          <label htmlFor={`${id}provider`}>{t("filters.provider")}</label>
          <select id={`${id}provider`} name="provider" {...fieldAria(errors.provider, `${id}provider-error`)} defaultValue={filters.provider ?? ""}>
            <option value="">{t("filters.providerAll")}</option>
            <optgroup label={t("filters.kinds")}>
              {providerKindFilters.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`provider.${kind}`)}
                </option>
              ))}
            </optgroup>
            {providers.length > 0 ? (
              <optgroup label={t("filters.providers")}>
                {providers.map(([providerId, name]) => (
                  <option key={providerId} value={providerId}>
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
          <FieldMessage id={`${id}provider-error`} error={errors.provider} />
        </div>
        {section === "notes" ? (
          <div className="field">
            <label htmlFor={`${id}q`}>{t("filters.q")}</label>
            <input id={`${id}q`} name="q" type="search" maxLength={SEARCH_MAX} {...fieldAria(errors.q, `${id}q-error`)} defaultValue={typed.q ?? filters.q ?? ""} />
            <FieldMessage id={`${id}q-error`} error={errors.q} />
          </div>
        ) : null}
        {section === "medications" ? (
          <div className="field">
            <label htmlFor={`${id}status`}>{t("filters.status")}</label>
            <select id={`${id}status`} name="status" {...fieldAria(errors.status, `${id}status-error`)} defaultValue={filters.status ?? ""}>
              <option value="">{t("filters.statusAll")}</option>
              <option value="current">{t("filters.statusCurrent")}</option>
              <option value="earlier">{t("filters.statusEarlier")}</option>
            </select>
            <FieldMessage id={`${id}status-error`} error={errors.status} />
          </div>
        ) : null}
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t("filters.apply")}
          </button>
          {given ? <Link to={sectionPath(section)}>{t("filters.clear")}</Link> : null}
        </div>
      </Form>
    </TitledSection>
  );
}
