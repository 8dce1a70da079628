import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { ServerHtml } from "~/components/server-html";
import { formatNumber } from "~/i18n/format";
import { loadTrendPage } from "~/record/pages.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await loadTrendPage(request, params.code));
}

/** One result over time: a server-drawn chart and, beside it, the table with every value in words. */
export default function ResultTrendPage() {
  const { title, count, notices, chartAndTable } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("record");
  return (
    <div className="record-section">
      <p className="no-print">
        <a href="/record/results">{t("trend.back")}</a>
      </p>
      <PageTitle>{t("trend.title", { title })}</PageTitle>
      <p className="lead">{t("trend.intro")}</p>
      <ServerHtml markup={notices} />
      {chartAndTable ? (
        <>
          <p>{t("trend.valueCount", { count, n: formatNumber(count, i18n.language) })}</p>
          <ServerHtml markup={chartAndTable} />
        </>
      ) : null}
    </div>
  );
}
