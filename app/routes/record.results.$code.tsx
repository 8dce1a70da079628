import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { HiddenEntriesNotice, WithheldNotices } from "~/components/record/notices";
import { ServerHtml } from "~/components/server-html";
import { formatNumber } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";
import { loadTrendPage } from "~/record/pages.server";

export const handle = { i18n: "trend" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await loadTrendPage(request, params.code));
}

/** One result over time: a server-drawn chart and, beside it, the table with every value in words. */
export default function ResultTrendPage() {
  const { title, count, hideEntriesAfter, withheld, chartAndTable } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("record");
  const { pathname } = useLocation();
  const subject = useSubjectTexts();
  return (
    <div className="record-section">
      <p className="no-print">
        <Link to="/record/results">{t("trend:back")}</Link>
      </p>
      <PageTitle>{subject.title(t("trend:title", { title }))}</PageTitle>
      <p className="lead">{t("trend:intro")}</p>
      <HiddenEntriesNotice hideEntriesAfter={hideEntriesAfter} returnTo={pathname} />
      <WithheldNotices notices={withheld} />
      {chartAndTable ? (
        <>
          <p>{t("trend:valueCount", { count, n: formatNumber(count, i18n.language) })}</p>
          <ServerHtml markup={chartAndTable} />
        </>
      ) : null}
    </div>
  );
}
