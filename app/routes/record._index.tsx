import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { HiddenEntriesNotice } from "~/components/record/notices";
import { ComingUp, NoRecordNotice, RecordHighlights, SectionLinks } from "~/components/record/overview-cards";
import { TakeAway } from "~/components/record/take-away";
import { useSubjectTexts } from "~/identity/subject";
import { readOverviewPage } from "~/record/pages.server";

export const handle = { i18n: "overview" };

export async function loader({ request }: LoaderFunctionArgs) {
  const { overview, hideEntriesAfter } = await readOverviewPage(request);
  // The record's layout leaves out its navigation when there is no record to go to (13–15).
  return data({ overview, hideEntriesAfter, recordShown: overview.record !== null });
}

/**
 * The page after login: the hidden-entries choice (or, for a young person of 13–15, that the record is not shown
 * online), what is coming up, then what is new and what matters now, the way into every section, print and download.
 */
export default function RecordOverview() {
  const { overview, hideEntriesAfter } = useLoaderData<typeof loader>();
  const { t } = useTranslation("record");
  const { pathname } = useLocation();
  const { context } = useSubjectTexts();
  const { record, ...comingUp } = overview;
  return (
    <div className="record-overview">
      <PageTitle>{t("overview:title", context)}</PageTitle>
      <p className="lead">{t("overview:intro")}</p>
      {record ? <HiddenEntriesNotice hideEntriesAfter={hideEntriesAfter} returnTo={pathname} /> : <NoRecordNotice />}
      <ComingUp overview={comingUp} />
      {record ? (
        <>
          <RecordHighlights record={record} />
          <SectionLinks />
          <TakeAway section={null} />
        </>
      ) : null}
    </div>
  );
}
