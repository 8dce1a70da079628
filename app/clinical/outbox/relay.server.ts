import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import { logger } from "~/utils/logger";
import { rowsOf, type Database } from "../../../db/connection";
import { clinicalOutbox, type OutboxError, type OutboxTable } from "../../../db/schema";
import type { ClinicalClient } from "../client.server";
import { ClinicalError } from "../http.server";
import { OutboxRefusal, type OutboxAnswer, type OutboxKind, type OutboxRow } from "./outbox.server";

/**
 * The relay: delivers the outbox's rows to the clinical system, from any number of portal processes at once.
 *
 * Claiming: one UPDATE over a `FOR UPDATE SKIP LOCKED` select marks a batch of due rows `delivering` with a lease
 * (claimed_by, lease_until) and commits at once; the HTTP calls happen after, outside any transaction (PGlite has one
 * connection, and a pool's connections are few). SKIP LOCKED keeps two claimers off the same row; the lease keeps the
 * row ours while it is delivered, and lets another relay take it over when it runs out (the process died). A row is
 * claimable only when no earlier row of its subject is pending or delivering: one at a time per subject, in id order.
 *
 * Delivering: a row whose earlier attempt may have taken effect (timeout, lost answer, 5xx after sending, a relay that
 * died holding it) is read back first and written only when nothing is found. The flag is set when the row is
 * claimed and cleared only when the attempt ends knowing nothing was made, so that a death at any point reads back.
 */

export interface RelayOptions<Client = ClinicalClient> {
  db: Database;
  /**
   * The outbox it delivers (a table built from outboxColumns): the clinical outbox by default; the notification
   * outbox (app/notifications) keeps the same rules with its own table and client.
   */
  table?: OutboxTable;
  client: Client;
  /** The kinds the features register, by name. Rows of other kinds are left for a relay that knows them. */
  kinds: Readonly<Record<string, OutboxKind<Client>>>;
  /** Attempts before a row is failed (CLINICAL_OUTBOX_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Rows delivered at once (CLINICAL_OUTBOX_CONCURRENCY). */
  concurrency: number;
  /** How long a claim holds a row (CLINICAL_OUTBOX_LEASE_MS). */
  leaseMs: number;
  /** The wait after the n-th failed attempt is base · 2^(n-1), at most max, of which the second half is random. */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * After an attempt that may have taken effect, the next waits at least this long (default 15 s, the request
   * timeout): a request the clinical system was still working on when the client gave up lands within it, so that
   * the read-back sees it rather than writing a second time.
   */
  settleMs?: number;
  /** How often an idle relay looks for due rows. */
  pollMs?: number;
  /**
   * How long stop() waits for deliveries under way (default 10 s, inside the server's 20 s to shut down). A row whose
   * delivery is cut off stays claimed until its lease runs out; then a relay reads it back before writing again.
   */
  stopWaitMs?: number;
  /** Names the relay in claimed_by (default: host, process and a random part). */
  id?: string;
  random?: () => number;
}

export interface Relay {
  readonly id: string;
  /** Claims up to `concurrency` due rows, delivers them at once, and resolves when all have settled: how many it claimed. */
  deliverDue(): Promise<number>;
  /** Runs until stop(): keeps up to `concurrency` rows in delivery, claiming more as deliveries end. */
  start(): void;
  /** Stops claiming and waits for the deliveries under way, at most `stopWaitMs`. */
  stop(): Promise<void>;
}

export const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 10 * 60_000 };

interface Claimed {
  row: OutboxRow;
  /** An earlier attempt may have taken effect: read back before writing. */
  uncertain: boolean;
}

type Outcome = OutboxAnswer | { state: "retry"; error: OutboxError; retryAfterMs?: number };

export function createRelay<Client = ClinicalClient>(options: RelayOptions<Client>): Relay {
  const { db, client, kinds, maxAttempts, concurrency, leaseMs } = options;
  const table = options.table ?? clinicalOutbox;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const pollMs = options.pollMs ?? 250;
  const settleMs = options.settleMs ?? 15_000;
  const stopWaitMs = options.stopWaitMs ?? 10_000;
  const random = options.random ?? Math.random;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const kindNames = Object.keys(kinds);

  async function claim(limit: number): Promise<Claimed[]> {
    if (limit <= 0 || kindNames.length === 0) return [];
    const rows = rowsOf<{ id: string | number; kind: string; subject_person_id: string; payload: Record<string, unknown>; attempts: number; created_at: Date | string; was_uncertain: boolean }>(
      await db.execute(sql`
        with picked as (
          select o.id, o.uncertain as was_uncertain
          from ${table} o
          where o.kind in ${kindNames}
            and ((o.state = 'pending' and o.next_attempt_at <= now()) or (o.state = 'delivering' and o.lease_until <= now()))
            and not exists (
              select 1 from ${table} e
              where e.subject_person_id = o.subject_person_id and e.id < o.id and e.state in ('pending', 'delivering')
            )
          order by o.id
          limit ${limit}
          for update of o skip locked
        )
        update ${table} o
        set state = 'delivering', claimed_by = ${id}, lease_until = now() + ${leaseMs} * interval '1 millisecond',
            attempts = o.attempts + 1, uncertain = true
        from picked
        where o.id = picked.id
        returning o.id, o.kind, o.subject_person_id, o.payload, o.attempts, o.created_at, picked.was_uncertain`),
    );
    return rows.map((r) => ({
      row: { id: Number(r.id), kind: r.kind, subjectPersonId: r.subject_person_id, payload: r.payload, attempt: r.attempts, createdAt: new Date(r.created_at) },
      uncertain: r.was_uncertain,
    }));
  }

  async function attempt({ row, uncertain }: Claimed): Promise<Outcome> {
    const kind = kinds[row.kind];
    if (!kind) throw new Error(`no handler for the outbox kind ${row.kind}`);
    let mayHaveTakenEffect = uncertain;
    try {
      if (mayHaveTakenEffect) {
        const found = await kind.readBack(row, client, db);
        if (found) return { state: "delivered", result: found };
        mayHaveTakenEffect = false;
      }
      try {
        return { state: "delivered", result: await kind.write(row, client, db) };
      } catch (error) {
        if (!isRefusal(error)) {
          mayHaveTakenEffect ||= !certainlyNotSent(error);
          throw error;
        }
        // A refusal may be our own earlier success, refused as a second one (a slot our lost booking made busy).
        mayHaveTakenEffect = true;
        const found = await kind.readBack(row, client, db);
        if (found) return { state: "delivered", result: found };
        return { state: "failed", error: describe(error, false) };
      }
    } catch (error) {
      const described = describe(error, mayHaveTakenEffect);
      if (row.attempt >= maxAttempts) return { state: "failed", error: described };
      return { state: "retry", error: described, retryAfterMs: error instanceof ClinicalError ? error.retryAfterMs : undefined };
    }
  }

  // Outcomes are written together, one statement for the deliveries that end in one turn of the event loop or while
  // the last statement ran: PGlite runs a statement at a time, on the process's own CPU, and one per delivered row was
  // most of the relay's time there (300 rows at 20 ms per request: 1.0-1.6 s, one statement each).
  let settling: { claimed: Claimed; outcome: Outcome; resolve: (updated: boolean) => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;

  async function settle(claimed: Claimed, outcome: Outcome): Promise<void> {
    const updated = await new Promise<boolean>((resolve, reject) => {
      settling.push({ claimed, outcome, resolve, reject });
      // After the other callbacks of this turn of the event loop: deliveries whose answers came together end together.
      flushing ??= new Promise((next) => setImmediate(next)).then(flush);
    });
    const { row } = claimed;
    const log = { outboxId: row.id, kind: row.kind, attempt: row.attempt, state: outcome.state, error: outcome.state === "delivered" ? undefined : errorLog(outcome.error) };
    if (!updated) logger.warn(log, "outbox row was taken over by another relay before its delivery ended");
    else if (outcome.state === "delivered") logger.debug(log, "outbox row delivered");
    else logger.info(log, outcome.state === "failed" ? "outbox row failed" : "outbox row will be retried");
  }

  async function flush(): Promise<void> {
    while (settling.length > 0) {
      const batch = settling;
      settling = [];
      try {
        const updated = await writeOutcomes(batch.map((s) => [s.claimed, s.outcome] as const));
        for (const s of batch) s.resolve(updated.has(s.claimed.row.id));
      } catch (error) {
        for (const s of batch) s.reject(error);
      }
    }
    flushing = undefined;
  }

  /** Each row's outcome, if the row is still this relay's claim (its lease may have run out and another taken it). */
  async function writeOutcomes(outcomes: readonly (readonly [Claimed, Outcome])[]): Promise<Set<number>> {
    const values = outcomes.map(([{ row }, outcome]) => ({
      id: row.id,
      attempt: row.attempt,
      state: outcome.state === "retry" ? "pending" : outcome.state,
      result: outcome.state === "delivered" ? outcome.result : null,
      last_error: outcome.state === "delivered" ? null : outcome.error,
      uncertain: outcome.state === "delivered" ? false : outcome.error.uncertain,
      wait_ms: outcome.state === "retry" ? Math.round(Math.max(outcome.retryAfterMs ?? backoffMs(row.attempt), outcome.error.uncertain ? settleMs : 0)) : 0,
    }));
    return db.transaction(async (tx) => {
      const updated = rowsOf<{ id: string | number }>(
        await tx.execute(sql`
        update ${table} o
        set state = v.state, result = coalesce(v.result, o.result), last_error = coalesce(v.last_error, o.last_error),
            uncertain = v.uncertain, lease_until = null,
            next_attempt_at = case when v.state = 'pending' then now() + v.wait_ms * interval '1 millisecond' else o.next_attempt_at end,
            finished_at = case when v.state = 'pending' then null else now() end
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as v(id bigint, attempt int, state text, result jsonb, last_error jsonb, uncertain boolean, wait_ms int)
        where o.id = v.id and o.state = 'delivering' and o.claimed_by = ${id} and o.attempts = v.attempt
        returning o.id`),
      );
      const ours = new Set(updated.map((r) => Number(r.id)));
      for (const [{ row }, outcome] of outcomes) {
        if (outcome.state !== "retry" && ours.has(row.id)) await kinds[row.kind]?.settled?.(tx, row, outcome);
      }
      return ours;
    });
  }

  function backoffMs(attempts: number): number {
    const full = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
    return full / 2 + random() * (full / 2);
  }

  async function deliver(claimed: Claimed): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await attempt(claimed);
    } catch (error) {
      outcome = { state: "retry", error: describe(error, claimed.uncertain) };
    }
    await settle(claimed, outcome);
  }

  const inFlight = new Set<Promise<void>>();
  function launch(claimed: Claimed): void {
    const delivery = deliver(claimed)
      .catch((error: unknown) => logger.error({ outboxId: claimed.row.id, err: errorName(error) }, "outbox delivery could not be recorded; its lease will run out"))
      .finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run(): Promise<void> {
    while (running) {
      try {
        const claimed = await claim(concurrency - inFlight.size);
        for (const c of claimed) launch(c);
        if (!running) break;
        if (inFlight.size >= concurrency) {
          // Full: claim again when half the places are free (one claim per ending delivery would be a query each), or
          // at the next look.
          const look = pause(pollMs).then(() => true);
          while (running && inFlight.size > concurrency / 2 && !(await Promise.race([...inFlight, look]))) {
            // a delivery ended
          }
        } else if (claimed.length === 0) {
          // Nothing due: wait for a delivery to end (its subject's next row may be due) or for the next look.
          await Promise.race([...inFlight, pause(pollMs)]);
        }
      } catch (error) {
        logger.error({ err: errorName(error) }, "outbox relay could not claim rows");
        await pause(pollMs);
      }
    }
  }

  return {
    id,
    async deliverDue() {
      const claimed = await claim(concurrency);
      await Promise.all(claimed.map((c) => deliver(c)));
      return claimed.length;
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      if (inFlight.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const cutOff = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopWaitMs)));
      await Promise.race([Promise.allSettled([...inFlight]), cutOff]);
      clearTimeout(timer);
      if (inFlight.size > 0) logger.warn({ relay: id, deliveries: inFlight.size }, "outbox relay stopped with deliveries under way; their leases will run out");
    },
  };
}

/**
 * The receiver refused the write for good: the clinical system's 4xx other than 408 (timeout) and 429 (too many
 * requests), or a kind's own OutboxRefusal.
 */
function isRefusal(error: unknown): boolean {
  if (error instanceof OutboxRefusal) return true;
  return error instanceof ClinicalError && error.kind === "status" && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** A failure that proves the write was not made: no token (nothing sent), 408 and 429 (refused before any work). */
function certainlyNotSent(error: unknown): boolean {
  if (!(error instanceof ClinicalError)) return false;
  if (error.kind === "token") return true;
  return error.kind === "status" && (error.status === 408 || error.status === 429);
}

function describe(error: unknown, uncertain: boolean): OutboxError {
  if (error instanceof ClinicalError) {
    return { kind: error.kind, status: error.status, message: error.message, outcome: error.outcome, uncertain };
  }
  if (error instanceof OutboxRefusal) return { kind: "refused", status: error.status, message: error.message, uncertain };
  return { kind: "handler", message: error instanceof Error ? error.message : String(error), uncertain };
}

function errorLog(error: OutboxError): { kind: string; status?: number; uncertain: boolean } {
  return { kind: error.kind, status: error.status, uncertain: error.uncertain };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
