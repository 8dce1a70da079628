import type { LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import bookingStyles from "~/components/booking/booking.css";
import { ErrorPage } from "~/components/error-page";
import { PageTitle } from "~/components/page-title";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: bookingStyles }];

// The booking pages name a unit's kind of provider in the record's words.
export const handle = { i18n: ["booking", "record"] };

/** The booking pages' frame (the site header says whose appointments they are). */
export default function AppointmentsLayout() {
  return (
    <div className="page narrow">
      <Outlet />
    </div>
  );
}

/** A 404 here: no such appointment, time or clinic for the subject on screen (or not theirs to see): one answer. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("booking");
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <div className="page narrow">
        <PageTitle>{t("common:errors.notFoundTitle")}</PageTitle>
        <p>{t("common:errors.notFoundText")}</p>
        <ul className="inline-list">
          <li>
            <Link to="/appointments">{t("nav.backToList")}</Link>
          </li>
          <li>
            <Link to="/appointments/book">{t("nav.book")}</Link>
          </li>
        </ul>
      </div>
    );
  }
  return <ErrorPage status={isRouteErrorResponse(error) ? error.status : 500} />;
}
