import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { HiddenEntriesNotice } from "~/components/record/notices";
import recordStyles from "~/components/record/record.css";
import { ServerHtml } from "~/components/server-html";
import { formatCalendarDate, formatDateTime } from "~/i18n/format";
import { loadPrintPage } from "~/record/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: recordStyles }];

export const handle = { i18n: ["record", "print"] };

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await loadPrintPage(request));
}

/**
 * The record (or one section), as filtered, laid out for paper: no navigation, no forms, every entry in full. The
 * entries (up to PRINT_LIMIT a section) are server-built markup.
 */
export default function PrintRecord() {
  const { section, filters, sections, subject, printedAt, back, hideEntriesAfter } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["record", "print"]);
  const { context } = useSubjectTexts();
  const lng = i18n.language;
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  const period =
    filters.from && filters.to
      ? t("print:period", { from: formatCalendarDate(filters.from, lng), to: formatCalendarDate(filters.to, lng) })
      : filters.from
        ? t("print:periodFrom", { from: formatCalendarDate(filters.from, lng) })
        : filters.to
          ? t("print:periodTo", { to: formatCalendarDate(filters.to, lng) })
          : null;
  return (
    <div className="page print-view">
      <p className="no-print">
        <Link to={back}>{t("print:back")}</Link>
      </p>
      <PageTitle>{section ? t("print:titleSection", { ...context, section: t(`section.${section}.title`) }) : t("print:title", context)}</PageTitle>
      {subject ? (
        <dl className="print-subject" data-testid="print-subject">
          <div>
            <dt>{t("print:name")}</dt>
            <dd>{subject.name ?? t("print:unnamed")}</dd>
          </div>
          {subject.id ? (
            <div>
              <dt>{subject.idKind === "samordningsnummer" ? t("print:samordningsnummer") : t("print:personnummer")}</dt>
              <dd>{subject.id}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      <p data-testid="print-date">{t("print:printed", { date: formatDateTime(printedAt, lng) })}</p>
      {period ? <p>{period}</p> : null}
      <HiddenEntriesNotice hideEntriesAfter={hideEntriesAfter} returnTo={back} />
      <div className="no-print print-how">
        <p>{t("print:howTo")}</p>
        {scripted ? (
          <button type="button" className="button button--primary" onClick={() => window.print()}>
            {t("print:printNow")}
          </button>
        ) : null}
      </div>
      {sections.map((s) => (
        <section key={s.section} aria-labelledby={`print-${s.section}`} className="print-section">
          <h2 id={`print-${s.section}`}>{t(`section.${s.section}.title`)}</h2>
          {s.entries ? <ServerHtml markup={s.entries} /> : <p>{t("list.empty")}</p>}
          {s.truncated ? <p className="notice">{t("print:truncated", { count: s.shown })}</p> : null}
        </section>
      ))}
    </div>
  );
}
