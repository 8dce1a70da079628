import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/i18n/format";

/**
 * The notice on record pages while the session hides new entries (the choice made at login), with a link to change
 * it. Pass `access.hideEntriesAfter` from the page's loader (as a Date or an ISO string); renders nothing when null.
 */
export function HiddenEntriesNotice({ hideEntriesAfter }: { hideEntriesAfter: Date | string | null | undefined }) {
  const { t, i18n } = useTranslation("identity");
  const location = useLocation();
  if (!hideEntriesAfter) return null;
  return (
    <p className="notice" data-testid="hidden-entries-notice">
      {t("newEntries.notice", { date: formatDateTime(hideEntriesAfter, i18n.language) })}{" "}
      <Link to={`/login/new-entries?returnTo=${encodeURIComponent(location.pathname)}`}>{t("newEntries.change")}</Link>
    </p>
  );
}
