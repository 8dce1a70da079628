import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { formatCalendarDate } from "~/i18n/format";

export const handle = { i18n: "accessibility" };

/** The day the portal was last assessed (the method section says how), and the day this statement last changed. */
const ASSESSED = "2026-12-06";
const STATEMENT_UPDATED = "2026-12-06";
const sections = ["status", "knownIssues", "feedback", "supervision", "method"] as const;
/** What we know falls short, or was not tested: say it, even when it is not a failure of a requirement. */
const knownIssues = ["tables", "hyphens", "screenReaders", "recordTexts"] as const;

export default function AccessibilityStatement() {
  const { t, i18n } = useTranslation("accessibility");
  return (
    <article className="page narrow">
      <PageTitle>{t("title")}</PageTitle>
      <p className="lead">{t("intro")}</p>
      {sections.map((key) => (
        <section key={key} aria-labelledby={`a11y-${key}`}>
          <h2 id={`a11y-${key}`}>{t(`${key}Title`)}</h2>
          <p>{t(key, { date: formatCalendarDate(ASSESSED, i18n.language) })}</p>
          {key === "knownIssues" ? (
            <ul>
              {knownIssues.map((issue) => (
                <li key={issue}>{t(`knownIssue.${issue}`)}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ))}
      <p className="muted">{t("updated", { date: formatCalendarDate(STATEMENT_UPDATED, i18n.language) })}</p>
    </article>
  );
}
