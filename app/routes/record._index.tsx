import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { ServerHtml } from "~/components/server-html";
import { formatDate, formatDateTime, formatNumber } from "~/i18n/format";
import { loadOverviewPage } from "~/record/pages.server";
import { sectionOrder, sectionPath } from "~/record/sections";

export async function loader({ request }: LoaderFunctionArgs) {
  const page = await loadOverviewPage(request);
  return data({ ...page, recordShown: page.highlights !== null });
}

/** The page after login: what is coming up, what is new, what matters now, and the way into every section. */
export default function RecordOverview() {
  const { overview, highlights, hiddenEntries, takeAway } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("record");
  const lng = i18n.language;
  return (
    <div className="record-overview">
      <PageTitle>{t("overview.title")}</PageTitle>
      <p className="lead">{t("overview.intro")}</p>
      {hiddenEntries ? (
        <ServerHtml markup={hiddenEntries} />
      ) : (
        <section className="notice" aria-labelledby="no-record-title">
          <h2 id="no-record-title">{t("overview.noRecordTitle")}</h2>
          <p>{t("overview.noRecord")}</p>
        </section>
      )}
      <div className="overview-grid">
        <section className="card" aria-labelledby="appointments-title">
          <h2 id="appointments-title">{t("overview.appointments")}</h2>
          <p>
            {overview.upcomingCount > 0
              ? t("overview.appointmentCount", { count: overview.upcomingCount, n: formatNumber(overview.upcomingCount, lng) })
              : t("overview.noAppointments")}
          </p>
          {overview.appointments.length > 0 ? (
            <ul className="plain-list">
              {overview.appointments.map((a) => (
                <li key={a.ref}>
                  <strong>
                    <time dateTime={a.startsAt}>{formatDateTime(a.startsAt, lng)}</time>
                  </strong>
                  <br />
                  {a.what ?? ""}
                  <br />
                  <span className="muted">
                    {a.careUnitName ?? t("entry.unitUnknown")} · {t(`provider.${a.providerKind}`)}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
          {overview.upcomingCount > overview.appointments.length ? <p className="muted">{t("overview.moreAppointments")}</p> : null}
        </section>
        <section className="card" aria-labelledby="messages-title">
          <h2 id="messages-title">{t("overview.messages")}</h2>
          <p>
            {overview.unreadCount > 0
              ? t("overview.unreadCount", { count: overview.unreadCount, n: formatNumber(overview.unreadCount, lng) })
              : t("overview.noMessages")}
          </p>
          {overview.unreadMessages.length > 0 ? (
            <ul className="plain-list">
              {overview.unreadMessages.map((m) => (
                <li key={m.ref}>
                  <strong>{m.topic ?? t("overview.untitledMessage")}</strong>
                  <br />
                  <span className="muted">
                    {m.sentAt ? t("overview.sentAt", { date: formatDate(m.sentAt, lng) }) : null}
                    {m.careUnitName ? ` · ${m.careUnitName}` : null}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      </div>
      {highlights ? (
        <>
          <ServerHtml markup={highlights} />
          <section aria-labelledby="sections-title">
            <h2 id="sections-title">{t("overview.sections")}</h2>
            <p>{t("overview.sectionsIntro")}</p>
            <ul className="section-links">
              {sectionOrder.map((section) => (
                <li key={section}>
                  <a href={sectionPath(section)}>{t(`nav.${section}`)}</a>
                </li>
              ))}
            </ul>
          </section>
          {takeAway ? <ServerHtml markup={takeAway} /> : null}
        </>
      ) : null}
    </div>
  );
}
