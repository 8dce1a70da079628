import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../../db/connection";

export interface OutboxStatus {
  pending: number;
  delivering: number;
  failed: number;
  /** How long the oldest row still waiting (pending or delivering) has waited, in whole seconds; null when none. */
  oldestPendingAgeSeconds: number | null;
}

/** How the outbox stands, for /healthz/clinical: one statement over the open rows' index and the failed ones. */
export async function outboxStatus(db: Queryable): Promise<OutboxStatus> {
  const [row] = rowsOf<{ pending: number | string; delivering: number | string; failed: number | string; oldest: number | string | null }>(
    await db.execute(sql`
      select count(*) filter (where state = 'pending') as pending,
             count(*) filter (where state = 'delivering') as delivering,
             (select count(*) from clinical_outbox where state = 'failed') as failed,
             floor(extract(epoch from now() - min(created_at))) as oldest
        from clinical_outbox
       where state in ('pending', 'delivering')`),
  );
  return {
    pending: Number(row?.pending ?? 0),
    delivering: Number(row?.delivering ?? 0),
    failed: Number(row?.failed ?? 0),
    oldestPendingAgeSeconds: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest),
  };
}
