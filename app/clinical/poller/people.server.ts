import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../../db/connection";

/**
 * The people who use the portal, whom the poller asks about one by one (their appointments and messages have no
 * `_lastUpdated` and are not exported): someone with a live session, or the person a session acts for (a child a
 * guardian views), or whose data was read within `withinHours` (the access log names the subject, child or self),
 * or with a write to the clinical system still under way (an outbox row pending or delivering). The deceased are left
 * out (their account is closed). Most recently active first, at most `limit`.
 */
export async function activePeople(db: Queryable, { withinHours, limit }: { withinHours: number; limit: number }): Promise<string[]> {
  const since = sql`now() - ${withinHours} * interval '1 hour'`;
  const rows = rowsOf<{ person_id: string }>(
    await db.execute(sql`
      with seen (person_id, at) as (
        select person_id, last_seen_at from sessions where expires_at > now()
        union all
        select acting_for_person_id, last_seen_at from sessions where expires_at > now()
        union all
        select subject_person_id, occurred_at from access_log where occurred_at > ${since}
        union all
        select subject_person_id, now() from clinical_outbox where state in ('pending', 'delivering')
      )
      select s.person_id
        from seen s
        join people p on p.id = s.person_id and p.deleted_at is null and not p.deceased
       group by s.person_id
       order by max(s.at) desc, s.person_id
       limit ${limit}`),
  );
  return rows.map((r) => r.person_id);
}

/** The ids of the RelatedPersons that stand for the person's guardians: a message they send is the guardian's. */
export async function guardianRelatedPersonIds(db: Queryable, personId: string): Promise<Set<string>> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select id from guardianships where child_person_id = ${personId} and source_type = 'RelatedPerson'`),
  );
  return new Set(rows.map((r) => r.id));
}

/** The codes of the appointment types citizens may book online: the service types whose free slots are polled. */
export async function bookableServiceTypes(db: Queryable): Promise<string[]> {
  const rows = rowsOf<{ code: string }>(
    await db.execute(sql`
      select distinct code from appointment_types
       where bookable_online and active and deleted_at is null and code is not null
       order by code`),
  );
  return rows.map((r) => r.code);
}
