import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";

/**
 * What the clinical system's answer to a free-slot search says about the slots the read model holds. Millennium's
 * `GET /Slot?service-type=…&start=ge…&start=lt…` answers only the free ones, and a busy slot is readable by `_id`
 * only: so a slot of that service type and window that the read model has as free and the answer lacks has been
 * taken (or held). The clinical system stays the judge at booking time; this keeps the pages from offering it.
 *
 * The slots of the answer themselves come in through ingestBatch first (the version rule applies to them). Then:
 * - a free slot of the window that the answer lacks, and that arrived before the search began (a slot pushed as
 *   free while it ran is not judged by an answer older than it), is marked `busy`;
 * - a slot of the answer that the read model holds as busy only because an earlier answer lacked it (its stored
 *   resource, `raw`, says free) is free again.
 * The resource as the clinical system sent it (`raw`, version) is left as it is: any newer version that arrives,
 * free or busy, decides the status again as usual.
 */
export interface FreeSlotAnswer {
  /** The service type searched (the slots' appointment_type_code). */
  serviceType: string;
  /** The search's start window: start >= from and start < to. */
  from: Date;
  to: Date;
  /** The ids of the slots the answer listed (all its pages). */
  freeIds: readonly string[];
  /** When the search's first request was sent. */
  searchedAt: Date;
}

export async function applyFreeSlotAnswer(db: Queryable, answer: FreeSlotAnswer): Promise<{ taken: number; freed: number }> {
  const ids = JSON.stringify(answer.freeIds);
  const taken = rowsOf<{ id: string }>(
    await db.execute(sql`
      update slots s set status = 'busy'
       where s.appointment_type_code = ${answer.serviceType}
         and s.starts_at >= ${answer.from.toISOString()} and s.starts_at < ${answer.to.toISOString()}
         and s.status = 'free' and s.deleted_at is null
         and s.received_at < ${answer.searchedAt.toISOString()}
         and not exists (select 1 from jsonb_array_elements_text(${ids}::jsonb) f(id) where f.id = s.id)
      returning s.id`),
  );
  const freed = rowsOf<{ id: string }>(
    await db.execute(sql`
      update slots s set status = 'free'
       where s.id in (select f.id from jsonb_array_elements_text(${ids}::jsonb) f(id))
         and s.status = 'busy' and s.raw->>'status' = 'free' and s.deleted_at is null
      returning s.id`),
  );
  return { taken: taken.length, freed: freed.length };
}
