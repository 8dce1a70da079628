import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate } from "~/i18n/format";
import type { WithheldNotice } from "~/record/queries.server";
import { TitledSection } from "./titled-section";

/** Where the citizen changes the session's "hide new entries" choice (the login's choice page). */
export const NEW_ENTRIES_CHOICE_PATH = "/login/new-entries";

/** The session's "hide new entries" choice, always visible, with the way to change it and come back to `returnTo`. */
export function HiddenEntriesNotice({ hideEntriesAfter, returnTo }: { hideEntriesAfter: string | null; returnTo: string }) {
  const { t, i18n } = useTranslation("record");
  return (
    <div className={hideEntriesAfter ? "notice notice--hidden" : "notice notice--quiet"} data-testid="hidden-entries">
      <p>
        {hideEntriesAfter ? t("hidden.hiddenSince", { date: formatDate(hideEntriesAfter, i18n.language) }) : t("hidden.allShown")}{" "}
        <Link className="no-print" to={`${NEW_ENTRIES_CHOICE_PATH}?returnTo=${encodeURIComponent(returnTo)}`}>
          {t("hidden.change")}
        </Link>
      </p>
    </div>
  );
}

/** Neutral notices that some information is not shown online, and whom to ask. Nothing when nothing was withheld. */
export function WithheldNotices({ notices }: { notices: readonly WithheldNotice[] }) {
  const { t } = useTranslation("record");
  if (notices.length === 0) return null;
  const ask = (n: WithheldNotice) =>
    n.askName
      ? n.askPhone
        ? t("withheld.namedPhone", { name: n.askName, phone: n.askPhone })
        : t("withheld.named", { name: n.askName })
      : t("withheld.generic");
  return (
    <TitledSection className="notice notice--withheld" title={t("withheld.title")}>
      {notices.map((n, i) => (
        // A fixed list, in the order read: its place is its key.
        <p key={i}>{ask(n)}</p>
      ))}
    </TitledSection>
  );
}
