import { Link } from "@remix-run/react";
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
