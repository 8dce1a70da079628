import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import type { SectionPageData } from "~/record/pages.server";
import { ServerHtml } from "~/components/server-html";

/**
 * A record section: its title and introduction, then as server-built markup the withheld and hidden-entries notices,
 * the filters, one page of entries newest first, paging, and print and download (see app/record/markup/section.server).
 */
export function SectionPage({ data }: { data: SectionPageData }) {
  const { t } = useTranslation("record");
  return (
    <div className="record-section">
      <PageTitle>{t(`section.${data.section}.title`)}</PageTitle>
      <p className="lead">{t(`section.${data.section}.intro`)}</p>
      <ServerHtml markup={data.body} />
    </div>
  );
}
