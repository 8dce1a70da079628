import type { Queryable } from "../../db/connection";
import { recordRules } from "~/disclosure/exclusions.server";
import type { Access } from "~/identity/access.server";
import { pastTheEnd, readPage, readPeriod, type FieldErrors, type Period } from "~/utils/query-fields";
import { listAccessLog, logAccess } from "./access-log.server";

/** The period and page asked for on "Who has read the record", and why a field given was not used (query-fields.ts). */
export interface AccessLogFilter {
  from?: string;
  to?: string;
  typed: Period["typed"];
  page: number;
  errors: FieldErrors<"from" | "to" | "page">;
}

export function parseAccessLogFilter(params: URLSearchParams): AccessLogFilter {
  const { from, to, typed, errors } = readPeriod(params);
  const page = readPage(params);
  return { from, to, typed, page: page.page, errors: { ...errors, page: page.error } };
}

/**
 * Everything the page shows. Looking at the log is itself a read of patient data, so it is logged first (and so
 * appears at the top of what is shown).
 */
export async function accessLogView(db: Queryable, access: Access, filter: AccessLogFilter) {
  await logAccess(db, access, "access_log");
  const logPage = await listAccessLog(db, {
    subjectPersonId: access.subjectPersonId,
    viewerPersonId: access.actorPersonId,
    rules: await recordRules(db),
    from: filter.from,
    to: filter.to,
    page: filter.page,
  });
  return {
    filter,
    errors: logPage.page < filter.page ? { ...filter.errors, page: pastTheEnd(filter.page, logPage.page) } : filter.errors,
    page: logPage.page,
    hasNext: logPage.hasNext,
    entries: logPage.entries.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
  };
}
