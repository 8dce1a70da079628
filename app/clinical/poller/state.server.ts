import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../../db/connection";
import type { PollError } from "../../../db/schema";
import { ClinicalError } from "../http.server";

/**
 * The poller's durable state: the lease that lets one process poll at a time, and a row per stream with its cursor,
 * last success and last error (db/schema/portal/clinical-poller.ts). Plain statements that behave the same on
 * PostgreSQL and PGlite: no advisory locks, no LISTEN.
 */

/**
 * Takes or renews the lease: true when `holder` holds it until now + leaseMs. It is taken over only once the
 * previous holder's lease has run out.
 */
export async function acquireLease(db: Queryable, holder: string, leaseMs: number): Promise<boolean> {
  const rows = rowsOf<{ holder: string }>(
    await db.execute(sql`
      insert into clinical_poll_lease (id, holder, lease_until, acquired_at)
      values (true, ${holder}, now() + ${leaseMs} * interval '1 millisecond', now())
      on conflict (id) do update
        set holder = excluded.holder, lease_until = excluded.lease_until,
            acquired_at = case when clinical_poll_lease.holder = excluded.holder then clinical_poll_lease.acquired_at else now() end
        where clinical_poll_lease.holder = excluded.holder or clinical_poll_lease.lease_until <= now()
      returning holder`),
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease up (at shutdown), so that another process need not wait for it to run out. */
export async function releaseLease(db: Queryable, holder: string): Promise<void> {
  await db.execute(sql`update clinical_poll_lease set lease_until = now() where holder = ${holder}`);
}

export interface LeaseState {
  holder: string;
  leaseUntil: Date;
  acquiredAt: Date;
}

export async function readLease(db: Queryable): Promise<LeaseState | null> {
  const [row] = rowsOf<{ holder: string; lease_until: Date | string; acquired_at: Date | string }>(
    await db.execute(sql`select holder, lease_until, acquired_at from clinical_poll_lease`),
  );
  return row ? { holder: row.holder, leaseUntil: new Date(row.lease_until), acquiredAt: new Date(row.acquired_at) } : null;
}

export interface StreamState {
  name: string;
  cursor: Date | null;
  lastSuccessAt: Date | null;
  lastError: PollError | null;
  lastErrorAt: Date | null;
}

type StreamRow = { name: string; cursor: Date | string | null; last_success_at: Date | string | null; last_error: PollError | null; last_error_at: Date | string | null };
const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const toState = (r: StreamRow): StreamState => ({
  name: r.name,
  cursor: date(r.cursor),
  lastSuccessAt: date(r.last_success_at),
  lastError: r.last_error,
  lastErrorAt: date(r.last_error_at),
});

export async function readStreams(db: Queryable): Promise<StreamState[]> {
  const rows = rowsOf<StreamRow>(await db.execute(sql`select name, cursor, last_success_at, last_error, last_error_at from clinical_poll_streams order by name`));
  return rows.map(toState);
}

export async function readStream(db: Queryable, name: string): Promise<StreamState | null> {
  const [row] = rowsOf<StreamRow>(
    await db.execute(sql`select name, cursor, last_success_at, last_error, last_error_at from clinical_poll_streams where name = ${name}`),
  );
  return row ? toState(row) : null;
}

/**
 * Moves a stream's cursor forward (never back: a late write of a process that lost the lease cannot undo a later
 * one's progress), after what lies before it has been committed.
 */
export async function advanceCursor(db: Queryable, name: string, cursor: Date): Promise<void> {
  await db.execute(sql`
    insert into clinical_poll_streams (name, cursor, updated_at) values (${name}, ${cursor.toISOString()}, now())
    on conflict (name) do update
      set cursor = greatest(clinical_poll_streams.cursor, excluded.cursor), updated_at = now()`);
}

/** Gives the streams that have no cursor yet their first one; the others keep theirs. */
export async function startCursors(db: Queryable, names: readonly string[], cursor: Date): Promise<void> {
  if (names.length === 0) return;
  await db.execute(sql`
    insert into clinical_poll_streams (name, cursor, updated_at)
    select n, ${cursor.toISOString()}::timestamptz, now() from jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) as t(n)
    on conflict (name) do update set cursor = coalesce(clinical_poll_streams.cursor, excluded.cursor)`);
}

/** A whole pass of the stream ended well: its last error is cleared. */
export async function recordSuccess(db: Queryable, name: string, at: Date): Promise<void> {
  await db.execute(sql`
    insert into clinical_poll_streams (name, last_success_at, updated_at) values (${name}, ${at.toISOString()}, now())
    on conflict (name) do update
      set last_success_at = greatest(clinical_poll_streams.last_success_at, excluded.last_success_at),
          last_error = null, last_error_at = null, updated_at = now()`);
}

/** The stream's last error (an error, or a PollError already made: a pass that succeeded for most but not all). */
export async function recordError(db: Queryable, name: string, error: unknown): Promise<void> {
  const value = JSON.stringify(isPollError(error) ? error : pollError(error));
  await db.execute(sql`
    insert into clinical_poll_streams (name, last_error, last_error_at, updated_at) values (${name}, ${value}::jsonb, now(), now())
    on conflict (name) do update set last_error = excluded.last_error, last_error_at = now(), updated_at = now()`);
}

function isPollError(value: unknown): value is PollError {
  return typeof value === "object" && value !== null && !(value instanceof Error) && typeof (value as PollError).kind === "string" && typeof (value as PollError).message === "string";
}

/** What is kept of a failure: never a URL or a body (they may name a patient). */
export function pollError(error: unknown): PollError {
  if (error instanceof ClinicalError) return { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}), message: error.message };
  return { kind: "internal", message: error instanceof Error ? error.name : "error" };
}
