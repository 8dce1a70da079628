import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { formatCalendarDate } from "~/i18n/format";

const STATEMENT_UPDATED = "2026-11-22";
const sections = ["status", "knownIssues", "feedback", "supervision", "method"] as const;

export default function AccessibilityStatement() {
  const { t, i18n } = useTranslation();
  return (
    <article className="page narrow">
      <PageTitle>{t("accessibility.title")}</PageTitle>
      <p className="lead">{t("accessibility.intro")}</p>
      {sections.map((key) => (
        <section key={key} aria-labelledby={`a11y-${key}`}>
          <h2 id={`a11y-${key}`}>{t(`accessibility.${key}Title`)}</h2>
          <p>{t(`accessibility.${key}`)}</p>
        </section>
      ))}
      <p className="muted">
        {t("accessibility.updated", { date: formatCalendarDate(STATEMENT_UPDATED, i18n.language) })}
      </p>
    </article>
  );
}
