import { useTranslation } from "react-i18next";
import type { WithheldNotice } from "~/record/queries.server";
import { formatDate } from "~/i18n/format";

/** Where the citizen changes the session's "hide new entries" choice (the login's choice page). */
export const NEW_ENTRIES_CHOICE_PATH = "/login/new-entries";

/** Neutral notices that some information is not shown online, and whom to ask. Nothing when nothing was withheld. */
export function WithheldNotices({ notices }: { notices: WithheldNotice[] }) {
  const { t } = useTranslation("record");
  if (notices.length === 0) return null;
  return (
    <section className="notice notice--withheld" aria-labelledby="withheld-title">
      <h2 id="withheld-title">{t("withheld.title")}</h2>
      {notices.map((n) => (
        <p key={`${n.askName ?? ""}|${n.askPhone ?? ""}`}>
          {n.askName
            ? n.askPhone
              ? t("withheld.namedPhone", { name: n.askName, phone: n.askPhone })
              : t("withheld.named", { name: n.askName })
            : t("withheld.generic")}
        </p>
      ))}
    </section>
  );
}

/** The session's "hide new entries" choice, always visible, with the way to change it. */
export function HiddenEntriesNotice({ hideEntriesAfter, returnTo }: { hideEntriesAfter: string | null; returnTo: string }) {
  const { t, i18n } = useTranslation("record");
  return (
    <div className={hideEntriesAfter ? "notice notice--hidden" : "notice notice--quiet"} data-testid="hidden-entries">
      <p>
        {hideEntriesAfter ? t("hidden.hiddenSince", { date: formatDate(hideEntriesAfter, i18n.language) }) : t("hidden.allShown")}{" "}
        <a href={`${NEW_ENTRIES_CHOICE_PATH}?returnTo=${encodeURIComponent(returnTo)}`}>{t("hidden.change")}</a>
      </p>
    </div>
  );
}
