import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { providerKindOf, type ProviderKind } from "../../db/schema/vocabulary";
import { toIso } from "~/i18n/dates";

export interface AppointmentView {
  ref: string;
  startsAt: string;
  what: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
}

/** Appointment statuses that mean it is still to come. */
const UPCOMING_STATUSES = ["proposed", "pending", "booked", "arrived", "checked-in"];

interface AppointmentRow {
  id: string;
  starts_at: Date | string;
  what: string | null;
  unit_name: string | null;
  provider_kind: string | null;
  total: number | string;
}

/** The subject's next appointments from `now`, soonest first (at most `limit`), and how many there are in all. */
export async function upcomingAppointments(
  db: Queryable,
  { subjectId, now, limit }: { subjectId: string; now: Date; limit: number },
): Promise<{ appointments: AppointmentView[]; total: number }> {
  const rows = await runNamed<AppointmentRow>(
    db,
    sql`
    select a.id, a.starts_at, coalesce(t.name, a.description) as what, u.name as unit_name, u.provider_kind,
           count(*) over ()::int as total
      from appointments a
      left join appointment_types t on t.id = a.appointment_type_id
      left join care_units u on u.id = coalesce(a.care_unit_id, t.care_unit_id)
     where a.person_id = ${subjectId} and a.deleted_at is null
       and a.starts_at >= ${now.toISOString()}::timestamptz and a.status = any(${sql.param(UPCOMING_STATUSES)}::text[])
     order by a.starts_at, a.id
     limit ${sql.raw(String(limit))}`,
  );
  return {
    appointments: rows.map((r) => ({
      ref: `Appointment/${r.id}`,
      startsAt: toIso(r.starts_at) ?? "",
      what: r.what,
      careUnitName: r.unit_name,
      providerKind: providerKindOf(r.provider_kind),
    })),
    total: Number(rows[0]?.total ?? 0),
  };
}
