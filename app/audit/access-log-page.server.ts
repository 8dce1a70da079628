import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "../../db/connection";
import { people } from "../../db/schema";
import type { Access } from "~/identity/access.server";
import { listAccessLog, logAccess } from "./access-log.server";

/** The period and page asked for on "Who has read the record", with errors as translation keys next to the fields. */
export interface AccessLogFilter {
  from: string | null;
  to: string | null;
  rawFrom: string | null;
  rawTo: string | null;
  page: number;
  errors: { from?: "accessLog.invalidDate"; to?: "accessLog.invalidDate" | "accessLog.toBeforeFrom" };
}

const calendarDate = z.iso.date();

export function parseAccessLogFilter(params: URLSearchParams): AccessLogFilter {
  const rawFrom = params.get("from")?.trim() || null;
  const rawTo = params.get("to")?.trim() || null;
  const errors: AccessLogFilter["errors"] = {};
  const from = rawFrom && calendarDate.safeParse(rawFrom).success ? rawFrom : null;
  const to = rawTo && calendarDate.safeParse(rawTo).success ? rawTo : null;
  if (rawFrom && !from) errors.from = "accessLog.invalidDate";
  if (rawTo && !to) errors.to = "accessLog.invalidDate";
  if (from && to && to < from) errors.to = "accessLog.toBeforeFrom";
  const page = Number(params.get("page") ?? 1);
  return {
    from: errors.from || errors.to ? null : from,
    to: errors.from || errors.to ? null : to,
    rawFrom: rawFrom?.slice(0, 20) ?? null,
    rawTo: rawTo?.slice(0, 20) ?? null,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
    errors,
  };
}

/**
 * Everything the page shows. Looking at the log is itself a read of patient data, so it is logged first (and so
 * appears at the top of what is shown).
 */
export async function accessLogView(db: Queryable, access: Access, filter: AccessLogFilter) {
  await logAccess(db, access, "access_log");
  const [logPage, subjectRows] = await Promise.all([
    listAccessLog(db, {
      subjectPersonId: access.subjectPersonId,
      viewerPersonId: access.actorPersonId,
      from: filter.from,
      to: filter.to,
      page: filter.page,
    }),
    access.actingAs === "guardian"
      ? db
          .select({ givenName: people.givenName, familyName: people.familyName, protectedIdentity: people.protectedIdentity })
          .from(people)
          .where(and(eq(people.id, access.subjectPersonId)))
          .limit(1)
      : Promise.resolve([]),
  ]);
  const subject = subjectRows[0];
  return {
    filter,
    errors: filter.errors,
    page: logPage.page,
    hasNext: logPage.hasNext,
    entries: logPage.entries.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
    subject: subject
      ? {
          name: [subject.givenName, subject.familyName].filter(Boolean).join(" ") || null,
          protectedIdentity: subject.protectedIdentity,
        }
      : null,
  };
}
