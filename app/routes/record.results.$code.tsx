import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { assessmentText, rangeText, useEntryTexts, valueText } from "~/components/record/entry-parts";
import { HiddenEntriesNotice, WithheldNotices } from "~/components/record/notices";
import { TrendChart } from "~/components/record/trend-chart";
import { formatDate, formatNumber } from "~/i18n/format";
import { loadTrendPage } from "~/record/pages.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await loadTrendPage(request, params.code));
}

/** One result over time: a server-drawn chart and, beside it, the table with every value in words. */
export default function ResultTrendPage() {
  const { trend, hideEntriesAfter } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("record");
  const location = useLocation();
  const texts = useEntryTexts();
  const title = trend.title ?? trend.code;
  return (
    <div className="record-section">
      <p className="no-print">
        <Link to="/record/results">{t("trend.back")}</Link>
      </p>
      <PageTitle>{t("trend.title", { title })}</PageTitle>
      <p className="lead">{t("trend.intro")}</p>
      <HiddenEntriesNotice hideEntriesAfter={hideEntriesAfter} returnTo={location.pathname} />
      <WithheldNotices notices={trend.withheld} />
      {trend.points.length > 0 ? (
        <>
          <p>{t("trend.valueCount", { count: trend.points.length, n: formatNumber(trend.points.length, i18n.language) })}</p>
          <div className="trend">
            <TrendChart title={title} points={trend.points} />
            <div className="table-scroll" role="region" aria-labelledby="trend-caption" tabIndex={0}>
              <table>
                <caption id="trend-caption">{t("trend.caption", { title })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("entry.date")}</th>
                    <th scope="col">{t("entry.value")}</th>
                    <th scope="col">{t("entry.referenceRange")}</th>
                    <th scope="col">{t("entry.assessment")}</th>
                    <th scope="col">{t("entry.unit")}</th>
                    <th scope="col">{t("entry.providerKind")}</th>
                  </tr>
                </thead>
                <tbody>
                  {trend.points.map((p) => (
                    <tr key={p.ref}>
                      <th scope="row">{p.occurredAt ? <time dateTime={p.occurredAt}>{formatDate(p.occurredAt, i18n.language)}</time> : t("entry.dateUnknown")}</th>
                      <td>{valueText(texts, p)}</td>
                      <td>{rangeText(texts, p) ?? ""}</td>
                      <td>{assessmentText(texts, p)}</td>
                      <td>{p.careUnitName ?? t("entry.unitUnknown")}</td>
                      <td>{t(`provider.${p.providerKind}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      ) : null}
    </div>
  );
}
