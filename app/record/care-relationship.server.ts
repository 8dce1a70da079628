import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { recordRules } from "~/disclosure/exclusions.server";

/** How recent care at a unit must be for the subject to be in its care (the messaging issue, #28, says 24 months). */
export const CARE_RELATIONSHIP_MONTHS = 24;

/** The instant `months` calendar months before `now`. */
function monthsBefore(now: Date, months: number): Date {
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - months);
  return since;
}

/**
 * The units whose care the subject is in, as a subquery of their ids (`u.id in ${units}`): the unit they are listed at
 * (Patient.managingOrganization), and the units where a record entry, an appointment or a message shows care within
 * the last 24 months. The units the subject may write to, and book at beyond those open to anyone. Units whose
 * entries are never shown online are left out: offering one would tell what the record does not.
 */
export async function unitsInCareOf(db: Queryable, subjectId: string, now: Date): Promise<SQL> {
  const rules = await recordRules(db);
  const since = monthsBefore(now, CARE_RELATIONSHIP_MONTHS).toISOString();
  return sql`(
    select c.unit_id from (
      select p.managing_care_unit_id as unit_id from people p where p.id = ${subjectId}
      union select e.care_unit_id from record_entries e
       where e.person_id = ${subjectId} and e.deleted_at is null and coalesce(e.occurred_at, e.recorded_at) >= ${since}::timestamptz
      union select coalesce(ap.care_unit_id, ty.care_unit_id) from appointments ap
        left join appointment_types ty on ty.id = ap.appointment_type_id
       where ap.person_id = ${subjectId} and ap.deleted_at is null and ap.starts_at >= ${since}::timestamptz
      union select m.care_unit_id from messages m
       where m.person_id = ${subjectId} and m.deleted_at is null and m.sent_at >= ${since}::timestamptz
    ) c where c.unit_id is not null and c.unit_id <> all(${sql.param(rules.excludedUnitIds)}::text[]))`;
}
