import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import type { SectionPageData } from "~/record/pages.server";
import { ServerHtml } from "~/components/server-html";
import { HiddenEntriesNotice, WithheldNotices } from "./notices";
import { Pager, SectionFilterForm, TakeAway } from "./section-controls";

/** A record section: filters, withheld and hidden-entries notices, one page of entries newest first, paging. */
export function SectionPage({ data }: { data: SectionPageData }) {
  const { t } = useTranslation("record");
  const location = useLocation();
  const { section, filters, page, facets } = data;
  const filtered = Boolean(filters.from || filters.to || filters.provider || filters.q || filters.status);
  const first = (page.page - 1) * page.pageSize + 1;
  return (
    <div className="record-section">
      <PageTitle>{t(`section.${section}.title`)}</PageTitle>
      <p className="lead">{t(`section.${section}.intro`)}</p>
      <HiddenEntriesNotice hideEntriesAfter={data.hideEntriesAfter} returnTo={location.pathname + location.search} />
      <WithheldNotices notices={facets.withheld} />
      <SectionFilterForm key={location.search} section={section} filters={filters} facets={facets} />
      <section aria-labelledby="entries-title" className="entries-section">
        <h2 id="entries-title">
          {page.shown > 0 ? t("list.showing", { from: first, to: first + page.shown - 1 }) : t("list.newestFirst")}
        </h2>
        {filtered ? <p className="muted">{t("filters.active")}</p> : null}
        {data.entries ? (
          <ServerHtml markup={data.entries} />
        ) : (
          <p>{filtered || page.page > 1 ? t("list.emptyFiltered") : t("list.empty")}</p>
        )}
        <Pager section={section} filters={filters} page={page.page} hasNext={page.hasNext} />
      </section>
      <TakeAway section={section} filters={filters} />
    </div>
  );
}
