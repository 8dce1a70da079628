import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { accessLogView, parseAccessLogFilter } from "~/audit/access-log-page.server";
import { formatDateTime } from "~/i18n/format";
import { requireAccess } from "~/identity/access.server";
import { database } from "~/identity/database.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireAccess(request, "read_record");
  const filter = parseAccessLogFilter(new URL(request.url).searchParams);
  return data(await accessLogView(database(), access, filter));
}

const knownSections = new Set([
  "overview",
  "notes",
  "diagnoses",
  "results",
  "medications",
  "vaccinations",
  "allergies",
  "care_contacts",
  "referrals",
  "messages",
  "appointments",
  "booking",
  "export",
  "print",
  "access_log",
]);

export default function AccessLog() {
  const view = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("identity");
  const { filter, errors, entries, page, hasNext, subject } = view;
  const query = (p: number) => {
    const params = new URLSearchParams();
    if (filter.from) params.set("from", filter.from);
    if (filter.to) params.set("to", filter.to);
    if (p > 1) params.set("page", String(p));
    const s = params.toString();
    return s ? `?${s}` : "";
  };
  return (
    <div className="page">
      <PageTitle>{t("accessLog.title")}</PageTitle>
      <p className="lead">{t("accessLog.intro")}</p>
      {subject ? <p>{t("accessLog.introFor", { name: subject.protectedIdentity ? t("header.yourChild") : subject.name ?? t("header.unnamed") })}</p> : null}

      <Form method="get" className="filter-form" aria-labelledby="filter-title" noValidate>
        <h2 id="filter-title" className="visually-hidden">
          {t("accessLog.filterTitle")}
        </h2>
        <div className="field">
          <label htmlFor="from">{t("accessLog.from")}</label>
          <p className="hint" id="from-hint">
            {t("accessLog.dateHint")}
          </p>
          <input
            type="date"
            id="from"
            name="from"
            defaultValue={filter.rawFrom ?? ""}
            aria-describedby="from-hint from-error"
            aria-invalid={errors.from ? true : undefined}
          />
          <p className="field-error" id="from-error">
            {errors.from ? t(errors.from) : null}
          </p>
        </div>
        <div className="field">
          <label htmlFor="to">{t("accessLog.to")}</label>
          <p className="hint" id="to-hint">
            {t("accessLog.dateHint")}
          </p>
          <input
            type="date"
            id="to"
            name="to"
            defaultValue={filter.rawTo ?? ""}
            aria-describedby="to-hint to-error"
            aria-invalid={errors.to ? true : undefined}
          />
          <p className="field-error" id="to-error">
            {errors.to ? t(errors.to) : null}
          </p>
        </div>
        <div className="field">
          <button type="submit" className="button">
            {t("accessLog.filter")}
          </button>{" "}
          {filter.from || filter.to ? <Link to="/access-log">{t("accessLog.clear")}</Link> : null}
        </div>
      </Form>

      {entries.length === 0 ? (
        <p>{t("accessLog.empty")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("accessLog.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("accessLog.when")}</th>
              <th scope="col">{t("accessLog.who")}</th>
              <th scope="col">{t("accessLog.what")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.key}>
                <td>{formatDateTime(e.occurredAt, i18n.language)}</td>
                {e.source === "portal" ? (
                  <>
                    <td>
                      {e.actingAs === "guardian"
                        ? t(e.byViewer ? "accessLog.portalGuardianYou" : "accessLog.portalGuardian")
                        : t(e.byViewer ? "accessLog.portalSelf" : "accessLog.portalSelfOther")}
                    </td>
                    <td>{t(`accessLog.sections.${knownSections.has(e.section) ? e.section : "other"}`)}</td>
                  </>
                ) : (
                  <>
                    <td>{e.careUnitName ? t("accessLog.clinical", { unit: e.careUnitName }) : t("accessLog.clinicalUnknownUnit")}</td>
                    <td>{t("accessLog.clinicalWhat")}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {page > 1 || hasNext ? (
        <nav aria-label={t("accessLog.pagination")}>
          <ul className="pager">
            {page > 1 ? (
              <li>
                <Link to={`/access-log${query(page - 1)}`} rel="prev">
                  {t("accessLog.previous")}
                </Link>
              </li>
            ) : null}
            <li aria-current="page">{t("accessLog.page", { page })}</li>
            {hasNext ? (
              <li>
                <Link to={`/access-log${query(page + 1)}`} rel="next">
                  {t("accessLog.next")}
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
