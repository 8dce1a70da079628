import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { arg, runRead, valuesOf, type Read, type ReadsWrite } from "../../db/statements";
import type { ProviderKind } from "../../db/schema/care";
import { highlightsOf, highlightsQuery, type Highlights } from "./queries.server";
import { fromExcludedUnitId, scopeShape, scopeValues, toIso, type RecordScope } from "./visibility.server";

export interface AppointmentView {
  ref: string;
  startsAt: string;
  what: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
}

export interface MessageView {
  ref: string;
  topic: string | null;
  sentAt: string | null;
  careUnitName: string | null;
}

export interface Overview {
  appointments: AppointmentView[];
  upcomingCount: number;
  unreadMessages: MessageView[];
  unreadCount: number;
  /** Null when the subject's record is not shown online (13–15): the page shows appointments and messages only. */
  record: Highlights | null;
}

export const OVERVIEW_APPOINTMENTS = 3;
export const OVERVIEW_MESSAGES = 3;

const UPCOMING_STATUSES = sql`('proposed', 'pending', 'booked', 'arrived', 'checked-in')`;

function providerKind(v: string | null): ProviderKind {
  return v === "region" || v === "municipality" || v === "private" ? v : "unknown";
}

interface AppointmentRow {
  id: string;
  starts_at: Date | string;
  what: string | null;
  unit_name: string | null;
  provider_kind: string | null;
  total: number;
}

interface MessageRow {
  id: string;
  topic: string | null;
  sent_at: Date | string | null;
  unit_name: string | null;
  total: number;
}

/** The subject's next appointments, soonest first, each row with how many there are. Read only. */
function upcomingAppointmentsQuery(limit: number): SQL {
  return sql`
    select a.id, a.starts_at, coalesce(t.name, a.description) as what, u.name as unit_name, u.provider_kind,
           count(*) over ()::int as total
      from appointments a
      left join appointment_types t on t.id = a.appointment_type_id
      left join care_units u on u.id = coalesce(a.care_unit_id, t.care_unit_id)
     where a.person_id = ${arg("subject")} and a.deleted_at is null
       and a.starts_at >= ${arg("now")}::timestamptz and a.status in ${UPCOMING_STATUSES}
     order by a.starts_at, a.id
     limit ${sql.raw(String(limit))}`;
}

/** Messages from the care team the subject has not read, newest first, each row with how many. Read only. */
function unreadMessagesQuery(scope: RecordScope, limit: number): SQL {
  return sql`
    select m.id, m.topic, m.sent_at, u.name as unit_name, count(*) over ()::int as total
      from messages m
      left join care_units u on u.id = m.care_unit_id
     where m.person_id = ${arg("subject")} and m.deleted_at is null
       and m.direction = 'care' and m.read_at is null
       and not ${fromExcludedUnitId(scope, sql`coalesce(m.care_unit_id, '')`)}
     order by m.sent_at desc nulls last, m.id
     limit ${sql.raw(String(limit))}`;
}

/** The overview of the subject on screen: a handful of indexed queries, in one statement. */
export function loadOverview(
  db: Queryable,
  scope: RecordScope,
  options: { readRecord: boolean; now: Date; logRead?: ReadsWrite },
): Promise<Overview> {
  return runRead(db, overviewRead(scope, options));
}

/** `loadOverview` as a statement still to run. */
export function overviewRead(
  scope: RecordScope,
  options: { readRecord: boolean; now: Date; logRead?: ReadsWrite },
): Read<Overview, { appointments: AppointmentRow[]; messages: MessageRow[]; highlights: unknown[] }> {
  return {
    together: () => ({
      parts: {
        appointments: {
          query: upcomingAppointmentsQuery(OVERVIEW_APPOINTMENTS),
          orderBy: sql`starts_at, id`,
          shown: { ref: sql`'Appointment/' || x.id` },
        },
        messages: {
          query: unreadMessagesQuery(scope, OVERVIEW_MESSAGES),
          orderBy: sql`sent_at desc nulls last, id`,
          shown: { ref: sql`'Communication/' || x.id` },
        },
        // Not asked for when the record is not shown (13–15): the part reads no entries.
        highlights: options.readRecord ? highlightsQuery(scope) : { query: sql`select 1 where false` },
      },
      write: options.logRead?.write,
    }),
    shape: `overview|${scopeShape(scope)}|${options.readRecord ? "record" : "no-record"}|${options.logRead ? "logged" : "read"}`,
    values: valuesOf(scopeValues(scope), { now: options.now.toISOString() }, options.logRead?.values ?? {}),
    result: (rows) => ({
      appointments: rows.appointments.map((r) => ({
        ref: `Appointment/${r.id}`,
        startsAt: toIso(r.starts_at) ?? "",
        what: r.what,
        careUnitName: r.unit_name,
        providerKind: providerKind(r.provider_kind),
      })),
      upcomingCount: Number(rows.appointments[0]?.total ?? 0),
      unreadMessages: rows.messages.map((r) => ({ ref: `Communication/${r.id}`, topic: r.topic, sentAt: toIso(r.sent_at), careUnitName: r.unit_name })),
      unreadCount: Number(rows.messages[0]?.total ?? 0),
      record: options.readRecord ? highlightsOf(rows.highlights) : null,
    }),
  };
}
