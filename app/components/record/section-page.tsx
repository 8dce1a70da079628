import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { useSubjectTexts } from "~/identity/subject";
import type { SectionPageRead } from "~/record/pages.server";
import { isFiltered } from "~/record/sections";
import { FieldMessage } from "../field-error";
import { EntryList } from "./entry-list";
import { SectionFilterForm } from "./filter-form";
import { HiddenEntriesNotice, WithheldNotices } from "./notices";
import { Pager } from "./pager";
import { TakeAway } from "./take-away";
import { TitledSection } from "./titled-section";

/**
 * A record section: its title and introduction, the hidden-entries and withheld notices, the filters, one page of
 * entries newest first with the pager, and print and download.
 */
export function SectionPage({ data }: { data: SectionPageRead }) {
  const { t } = useTranslation("record");
  const { pathname, search } = useLocation();
  const { title } = useSubjectTexts();
  const { section, filters, typed, errors, page, facets } = data;
  const filtered = isFiltered(filters);
  const first = (page.page - 1) * page.pageSize + 1;
  const shown = page.entries.length;
  return (
    <div className="record-section">
      <PageTitle>{title(t(`section.${section}.title`))}</PageTitle>
      <p className="lead">{t(`section.${section}.intro`)}</p>
      <HiddenEntriesNotice hideEntriesAfter={data.hideEntriesAfter} returnTo={pathname + search} />
      <WithheldNotices notices={facets.withheld} />
      <SectionFilterForm key={search} section={section} filters={filters} facets={facets} typed={typed} errors={errors} />
      <TitledSection className="entries-section" title={shown > 0 ? t("list.showing", { from: first, to: first + shown - 1 }) : t("list.newestFirst")}>
        <FieldMessage id="page-error" error={errors.page} />
        {filtered ? <p className="muted">{t("filters.active")}</p> : null}
        {shown > 0 ? (
          <EntryList entries={page.entries} />
        ) : (
          <p>{filtered || page.page > 1 ? t("list.emptyFiltered") : t("list.empty")}</p>
        )}
        <Pager section={section} filters={filters} page={page.page} hasNext={page.hasNext} />
      </TitledSection>
      <TakeAway section={section} filters={filters} />
    </div>
  );
}
