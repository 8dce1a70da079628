import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { dateFieldType, fieldAria, FieldMessage } from "~/components/field-error";
import { PageTitle } from "~/components/page-title";
import { TableRegion } from "~/components/table-region";
import { accessLogView, parseAccessLogFilter } from "~/audit/access-log-page.server";
import { formatDateTime } from "~/i18n/format";
import { requireAccess } from "~/identity/access.server";
import { database } from "~/identity/database.server";
import { useSubjectTexts } from "~/identity/subject";
import type { FieldError } from "~/utils/query-fields";

export const handle = { i18n: "account" };

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireAccess(request, "read_record");
  const filter = parseAccessLogFilter(new URL(request.url).searchParams);
  return data(await accessLogView(database(), access, filter));
}

export default function AccessLog() {
  const view = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("account");
  const { filter, errors, entries, page, hasNext } = view;
  const subjectTexts = useSubjectTexts();
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
      <PageTitle>{subjectTexts.title(t("accessLog.title"))}</PageTitle>
      <p className="lead">{t("accessLog.intro")}</p>
      <p>{t("accessLog.withheld")}</p>

      <Form method="get" className="filter-form" aria-labelledby="filter-title" noValidate>
        <h2 id="filter-title" className="visually-hidden">
          {t("accessLog.filterTitle")}
        </h2>
        <DateField name="from" label={t("accessLog.from")} hint={t("accessLog.dateHint")} value={filter.typed.from} error={errors.from} />
        <DateField name="to" label={t("accessLog.to")} hint={t("accessLog.dateHint")} value={filter.typed.to} error={errors.to} />
        <div className="field">
          <button type="submit" className="button">
            {t("accessLog.filter")}
          </button>{" "}
          {filter.from || filter.to || errors.from || errors.to ? <Link to="/access-log">{t("accessLog.clear")}</Link> : null}
        </div>
      </Form>

      <FieldMessage id="page-error" error={errors.page} />
      {entries.length === 0 ? (
        <p>{t("accessLog.empty")}</p>
      ) : (
        <TableRegion captionId="access-log-caption">
          <table>
            <caption id="access-log-caption" className="visually-hidden">
              {t("accessLog.caption")}
            </caption>
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
                      <td>{t(`accessLog.sections.${e.section}`)}</td>
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
        </TableRegion>
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

/** A date field of the period filter, with its hint and its error. */
function DateField(props: { name: string; label: string; hint: string; value: string | undefined; error: FieldError | undefined }) {
  const { name } = props;
  return (
    <div className="field">
      <label htmlFor={name}>{props.label}</label>
      <p className="hint" id={`${name}-hint`}>
        {props.hint}
      </p>
      <input type={dateFieldType(props.value)} id={name} name={name} defaultValue={props.value ?? ""} {...fieldAria(props.error, `${name}-error`, `${name}-hint`)} />
      <FieldMessage id={`${name}-error`} error={props.error} />
    </div>
  );
}
