import type { LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useMatches, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorPage } from "~/components/error-page";
import { PageTitle } from "~/components/page-title";
import { RecordNav } from "~/components/record/record-nav";
import recordStyles from "~/components/record/record.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: recordStyles }];

export const handle = { i18n: "record" };

/** The record's frame: its own navigation beside every record page (the site header says whose record it is). */
export default function RecordLayout() {
  // A young person of 13–15 has an overview (appointments, messages) but no sections to go to.
  const noRecord = useMatches().some((m) => (m.data as { recordShown?: boolean } | undefined)?.recordShown === false);
  return (
    <div className="page record-layout">
      {noRecord ? null : <RecordNav />}
      <div className="record-content">
        <Outlet />
      </div>
    </div>
  );
}

/** A 404 here means "not shown online" as often as "no such page": say both, kindly, and keep the navigation. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("record");
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <div className="page record-layout">
        <RecordNav />
        <div className="record-content">
          <PageTitle>{t("notAvailable.title")}</PageTitle>
          <p>{t("notAvailable.text")}</p>
          <p>
            <Link to="/record">{t("notAvailable.back")}</Link>
          </p>
        </div>
      </div>
    );
  }
  return <ErrorPage status={isRouteErrorResponse(error) ? error.status : 500} />;
}
