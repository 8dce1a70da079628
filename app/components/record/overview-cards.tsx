import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatNumber } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";
import { assessmentWords, valueText } from "~/record/entry-texts";
import type { Overview, UpcomingAppointment } from "~/record/overview.server";
import type { EntryView, Highlights } from "~/record/queries.server";
import { sectionOrder, sectionPath } from "~/record/sections";
import { AssessmentText, EntryMeta, EntryTitle } from "./entry-list";
import { useRecordTexts } from "./texts";
import { TitledSection } from "./titled-section";

/** A card of the overview. */
function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <TitledSection className="card" title={title}>
      {children}
    </TitledSection>
  );
}

/** Upcoming appointments and unread conversations: what the overview shows everyone, with or without a record online. */
export function ComingUp({ overview }: { overview: Omit<Overview, "record"> }) {
  const { t, lng } = useRecordTexts();
  const { context } = useSubjectTexts();
  const { appointments, offers, upcomingCount, unreadConversations } = overview;
  return (
    <div className="overview-grid">
      <Card title={t("overview:appointments")}>
        <p>
          {upcomingCount > 0
            ? t("overview:appointmentCount", { ...context, count: upcomingCount, n: formatNumber(upcomingCount, lng) })
            : t("overview:noAppointments", context)}
        </p>
        {offers.map((o) => (
          <p key={o.bookingId} className="notice" role="status">
            {t("overview:earlierOffer", { time: formatDateTime(o.time.startsAt, lng), until: formatDateTime(o.expiresAt, lng) })}{" "}
            <Link to={`/appointments/${encodeURIComponent(o.appointmentId)}`}>{t("overview:earlierOfferLink")}</Link>
          </p>
        ))}
        {appointments.length > 0 ? (
          <ul className="plain-list">
            {appointments.map((a) => (
              <AppointmentItem key={a.ref} appointment={a} />
            ))}
          </ul>
        ) : null}
        {upcomingCount > appointments.length ? <p className="muted">{t("overview:moreAppointments")}</p> : null}
        <p className="no-print">
          <Link to="/appointments">{t("overview:allAppointments")}</Link>
        </p>
      </Card>
      <Card title={t("overview:messages")}>
        <p>
          {unreadConversations > 0
            ? t("overview:unreadConversations", { ...context, count: unreadConversations, n: formatNumber(unreadConversations, lng) })
            : t("overview:noUnreadConversations", context)}
        </p>
        <p className="no-print">
          <Link to="/messages">{t("overview:allMessages")}</Link>
        </p>
      </Card>
    </div>
  );
}

function AppointmentItem({ appointment: a }: { appointment: UpcomingAppointment }) {
  const { t, lng } = useRecordTexts();
  return (
    <li>
      <strong>
        <Link to={`/appointments/${encodeURIComponent(a.id)}`}>
          <time dateTime={a.startsAt}>{formatDateTime(a.startsAt, lng)}</time>
        </Link>
      </strong>
      <br />
      {a.what ?? ""}
      <br />
      <span className="muted">
        {a.careUnitName ?? t("entry.unitUnknown")} · {t(`provider.${a.providerKind}`)}
      </span>
    </li>
  );
}

/** A highlights card: its entries, or that there are none, and the way to the whole section. */
function HighlightsCard({ title, empty, section, children }: { title: string; empty: string; section: "results" | "medications" | "allergies"; children: ReactNode[] }) {
  const { t } = useRecordTexts();
  return (
    <Card title={title}>
      {children.length > 0 ? <ul className="plain-list">{children}</ul> : <p>{empty}</p>}
      <p className="no-print">
        <Link to={sectionPath(section)}>{t("overview:allOf", { section: t(`nav.${section}`).toLowerCase() })}</Link>
      </p>
    </Card>
  );
}

/** "Title – text", as the overview names a medication or a warning. */
function Titled({ entry }: { entry: EntryView }) {
  const { t } = useRecordTexts();
  return (
    <>
      <strong>{entry.title ?? t("entry.untitled")}</strong>
      {entry.text ? ` – ${entry.text}` : null}
    </>
  );
}

/** The overview's view of the record: the newest results, current medications, and allergies and other warnings. */
export function RecordHighlights({ record }: { record: Highlights }) {
  const texts = useRecordTexts();
  const { t } = texts;
  return (
    <div className="overview-grid">
      <HighlightsCard title={t("overview:newestResults")} empty={t("overview:noResults")} section="results">
        {record.results.map((r) => {
          const assessment = assessmentWords(texts, r);
          return (
            <li key={r.ref}>
              <strong>
                <EntryTitle entry={r} />
              </strong>{" "}
              {valueText(texts, r)}
              {assessment ? <> <AssessmentText assessment={assessment} /></> : null}
              <EntryMeta entry={r} />
            </li>
          );
        })}
      </HighlightsCard>
      <HighlightsCard title={t("overview:currentMedications")} empty={t("overview:noMedications")} section="medications">
        {record.medications.map((m) => (
          <li key={m.ref}>
            <Titled entry={m} />
            <EntryMeta entry={m} />
          </li>
        ))}
      </HighlightsCard>
      <HighlightsCard title={t("overview:warnings")} empty={t("overview:noWarnings")} section="allergies">
        {record.allergies.map((a) => (
          <li key={a.ref}>
            <Titled entry={a} />
            {a.criticality === "high" ? ` (${t("status.criticality.high")})` : null}
            <EntryMeta entry={a} />
          </li>
        ))}
      </HighlightsCard>
    </div>
  );
}

/** The way into every section of the record. */
export function SectionLinks() {
  const { t } = useTranslation("record");
  return (
    <TitledSection className="no-print" title={t("overview:sections")}>
      <p>{t("overview:sectionsIntro")}</p>
      <ul className="section-links">
        {sectionOrder.map((section) => (
          <li key={section}>
            <Link to={sectionPath(section)}>{t(`nav.${section}`)}</Link>
          </li>
        ))}
      </ul>
    </TitledSection>
  );
}

/** For a young person of 13–15: the record is not shown online. */
export function NoRecordNotice() {
  const { t } = useTranslation("record");
  return (
    <TitledSection className="notice" title={t("overview:noRecordTitle")}>
      <p>{t("overview:noRecord")}</p>
    </TitledSection>
  );
}
