import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { accessLog } from "../../db/schema";
import { recordSections } from "../../db/schema/vocabulary";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnitId } from "~/disclosure/visibility.server";
import type { Access } from "~/identity/access.server";
import { nextDay, swedishMidnight } from "~/i18n/dates";

/** What an access-log row names: a section of the record, or another page that shows patient data. */
export const loggedSections = [...recordSections, "overview", "messages", "appointments", "booking", "export", "print", "access_log"] as const;
export type LoggedSection = (typeof loggedSections)[number];

function loggedSection(value: string | null): LoggedSection | "other" {
  return (loggedSections as readonly string[]).includes(value ?? "") ? (value as LoggedSection) : "other";
}

/**
 * Appends one read of patient data to the access log: which section, whose data, who read it and as what, and the
 * resources shown ("Type/id"; none: null). The page calls it after its read, for exactly what it shows. The database
 * refuses to change or remove what is there (migration 0001), so this is the only write there is.
 */
export async function logAccess(db: Queryable, access: Access, section: LoggedSection, resourceRefs?: string[]): Promise<void> {
  // The refs go as JSON text, cast in SQL: the statement's text stays the same whatever was shown.
  const refs = resourceRefs && resourceRefs.length > 0 ? JSON.stringify(resourceRefs) : null;
  await runNamed(
    db,
    sql`insert into ${accessLog} (subject_person_id, actor_person_id, acting_as, section, resource_refs, channel)
        values (${access.subjectPersonId}, ${access.actorPersonId}, ${access.actingAs}, ${section}, ${refs}::text::jsonb, 'portal')`,
  );
}

export const ACCESS_LOG_PAGE_SIZE = 25;

export interface AccessLogQuery {
  /** Whose log: the subject on screen. */
  subjectPersonId: string;
  /** Who is looking, so their own reads can be shown as "you". */
  viewerPersonId: string;
  /**
   * What is never shown online: a read in the clinical system at an excluded unit (a Barnahus, say) is left out, as
   * that unit's entries are. It would tell a guardian that such a unit has the child's record open.
   */
  rules: RecordRules;
  /** Inclusive calendar dates (YYYY-MM-DD) in Swedish time. */
  from?: string | null;
  to?: string | null;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export type AccessLogEntry =
  | {
      source: "portal";
      key: string;
      occurredAt: Date;
      /** "other" for a name this version of the portal does not know (written by another). */
      section: LoggedSection | "other";
      actingAs: "self" | "guardian";
      /** The person looking at the log made this read themself. */
      byViewer: boolean;
    }
  | { source: "clinical"; key: string; occurredAt: Date; careUnitName: string | null };

export interface AccessLogPage {
  entries: AccessLogEntry[];
  page: number;
  hasNext: boolean;
}

interface Row {
  source: "portal" | "clinical";
  key: string;
  occurred_at: Date | string;
  section: string | null;
  acting_as: "self" | "guardian" | null;
  by_viewer: boolean | null;
  care_unit_name: string | null;
}

/** The portal's own log and the clinical system's access events for one subject, within the period: both filter on it. */
function subjectsReads(query: AccessLogQuery) {
  const from = query.from ? swedishMidnight(query.from).toISOString() : null;
  const until = query.to ? swedishMidnight(nextDay(query.to)).toISOString() : null;
  const portalPeriod = sql.join(
    [
      from ? sql` and l.occurred_at >= ${from}::timestamptz` : sql``,
      until ? sql` and l.occurred_at < ${until}::timestamptz` : sql``,
    ],
    sql``,
  );
  const clinicalPeriod = sql.join(
    [
      from ? sql` and e.occurred_at >= ${from}::timestamptz` : sql``,
      until ? sql` and e.occurred_at < ${until}::timestamptz` : sql``,
    ],
    sql``,
  );
  return sql`
      select 'portal' as source, 'p' || l.id::text as key, l.occurred_at, l.section, l.acting_as,
             l.actor_person_id = ${query.viewerPersonId} as by_viewer, null as care_unit_name
        from access_log l
       where l.subject_person_id = ${query.subjectPersonId}${portalPeriod}
      union all
      select 'clinical', 'c' || e.id, e.occurred_at, null, null, null, coalesce(e.care_unit_name, u.name)
        from clinical_access_events e
        left join care_units u on u.id = e.care_unit_id
       where e.person_id = ${query.subjectPersonId} and e.deleted_at is null${clinicalPeriod}
         and not ${fromExcludedUnitId(query.rules, sql`e.care_unit_id`, sql`e.care_unit_reference`)}`;
}

/**
 * "Who has seen my record": the portal's own log and the clinical system's access events for one subject, newest
 * first, one page at a time, optionally within a period. A page past the end answers the last page (`page` says which).
 */
export async function listAccessLog(db: Queryable, query: AccessLogQuery): Promise<AccessLogPage> {
  const pageSize = query.pageSize ?? ACCESS_LOG_PAGE_SIZE;
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const result = await db.execute(sql`
    select * from (${subjectsReads(query)}) entries
    order by occurred_at desc, key desc
    limit ${pageSize + 1} offset ${(page - 1) * pageSize}
  `);
  const rows = rowsOf<Row>(result);
  if (rows.length === 0 && page > 1) {
    const [counted] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*) as n from (${subjectsReads(query)}) entries`));
    return listAccessLog(db, { ...query, page: Math.max(1, Math.ceil(Number(counted?.n ?? 0) / pageSize)) });
  }
  const entries = rows.slice(0, pageSize).map((r): AccessLogEntry => {
    const occurredAt = r.occurred_at instanceof Date ? r.occurred_at : new Date(r.occurred_at);
    if (r.source === "portal") {
      return {
        source: "portal",
        key: r.key,
        occurredAt,
        section: loggedSection(r.section),
        actingAs: r.acting_as === "guardian" ? "guardian" : "self",
        byViewer: r.by_viewer === true,
      };
    }
    return { source: "clinical", key: r.key, occurredAt, careUnitName: r.care_unit_name };
  });
  return { entries, page, hasNext: rows.length > pageSize };
}
