import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "./page-title";

/** The localized page for a failed request. It never shows the error itself: no stack, no internal message. */
export function ErrorPage({ status }: { status: number }) {
  const { t } = useTranslation();
  const kind = status === 404 ? "notFound" : status === 403 ? "forbidden" : "error";
  return (
    <div className="page narrow">
      <PageTitle>{t(`errors.${kind}Title`)}</PageTitle>
      <p>{t(`errors.${kind}Text`)}</p>
      <p className="muted">{t("errors.status", { status })}</p>
      <p>
        <Link to="/">{t("errors.goHome")}</Link>
      </p>
    </div>
  );
}

/**
 * An area's error boundary: a 404 (no such thing for the subject on screen, or not theirs to see: one answer) with
 * the ways on within the area; any other failure, the site's error page.
 */
export function AreaErrorBoundary({ ways }: { ways: { to: string; label: string }[] }) {
  const error = useRouteError();
  const { t } = useTranslation();
  if (!isRouteErrorResponse(error) || error.status !== 404) return <ErrorPage status={isRouteErrorResponse(error) ? error.status : 500} />;
  return (
    <div className="page narrow">
      <PageTitle>{t("errors.notFoundTitle")}</PageTitle>
      <p>{t("errors.notFoundText")}</p>
      <ul className="inline-list">
        {ways.map((way) => (
          <li key={way.to}>
            <Link to={way.to}>{way.label}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
