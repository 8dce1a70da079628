import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnitId } from "~/disclosure/visibility.server";
import { toIso } from "~/i18n/dates";

export interface MessageView {
  ref: string;
  topic: string | null;
  sentAt: string | null;
  careUnitName: string | null;
}

interface MessageRow {
  id: string;
  topic: string | null;
  sent_at: Date | string | null;
  unit_name: string | null;
  total: number | string;
}

/**
 * Messages from the care team the subject has not read, newest first (at most `limit`), and how many there are in
 * all. A message from a unit never shown online is left out (app/disclosure).
 */
export async function unreadMessages(
  db: Queryable,
  { subjectId, rules, limit }: { subjectId: string; rules: RecordRules; limit: number },
): Promise<{ messages: MessageView[]; total: number }> {
  const rows = await runNamed<MessageRow>(
    db,
    sql`
    select m.id, m.topic, m.sent_at, u.name as unit_name, count(*) over ()::int as total
      from messages m
      left join care_units u on u.id = m.care_unit_id
     where m.person_id = ${subjectId} and m.deleted_at is null
       and m.direction = 'care' and m.read_at is null
       and not ${fromExcludedUnitId(rules, sql`coalesce(m.care_unit_id, '')`)}
     order by m.sent_at desc nulls last, m.id
     limit ${sql.raw(String(limit))}`,
  );
  return {
    messages: rows.map((r) => ({ ref: `Communication/${r.id}`, topic: r.topic, sentAt: toIso(r.sent_at), careUnitName: r.unit_name })),
    total: Number(rows[0]?.total ?? 0),
  };
}
