import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";

/**
 * What the Messages API's lists say about a person's messages in the read model. inboxItems and sentItems list every
 * message of the patient in a time window except those the patient deleted (status DELETED), which no longer come
 * back: so a message of that person and window that the read model shows, and neither list holds, was deleted.
 *
 * The listed messages themselves come in through ingestBatch first (the version rule applies). Then:
 * - a shown message of the person sent within the window, stored before the lists were asked for (one that arrived
 *   while they were asked is not judged by them), that neither list holds, is hidden (deleted_at), as a tombstone;
 * - a listed message hidden only because an earlier answer lacked it (its stored resource is not entered-in-error)
 *   is shown again.
 * Call it only with complete lists (no `moreItemsAvailable` left unasked).
 */
export interface MessageListAnswer {
  personId: string;
  /** The window asked: createDateTime >= from and <= to. */
  from: Date;
  to: Date;
  /** The ids both lists held. */
  listedIds: readonly string[];
  /** When the first list was asked for. */
  askedAt: Date;
}

export async function applyMessageListAnswer(db: Queryable, answer: MessageListAnswer): Promise<{ hidden: number; shown: number }> {
  const ids = JSON.stringify(answer.listedIds);
  const hidden = rowsOf<{ id: string }>(
    await db.execute(sql`
      update messages m set deleted_at = now()
       where m.person_id = ${answer.personId}
         and m.sent_at >= ${answer.from.toISOString()} and m.sent_at <= ${answer.to.toISOString()}
         and m.deleted_at is null
         and m.received_at < ${answer.askedAt.toISOString()}
         and not exists (select 1 from jsonb_array_elements_text(${ids}::jsonb) l(id) where l.id = m.id)
      returning m.id`),
  );
  const shown = rowsOf<{ id: string }>(
    await db.execute(sql`
      update messages m set deleted_at = null
       where m.id in (select l.id from jsonb_array_elements_text(${ids}::jsonb) l(id))
         and m.person_id = ${answer.personId}
         and m.deleted_at is not null
         and coalesce(m.raw->>'status', '') <> 'entered-in-error'
         and not exists (select 1 from feed_tombstones t where t.resource_type = 'Communication' and t.id = m.id)
      returning m.id`),
  );
  return { hidden: hidden.length, shown: shown.length };
}
