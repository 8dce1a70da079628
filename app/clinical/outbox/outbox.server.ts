import type { Database, Queryable } from "../../../db/connection";
import { clinicalOutbox, type OutboxError } from "../../../db/schema";
import type { ClinicalClient } from "../client.server";

/** A row as a kind's handler sees it. The payload is what the feature wrote: the handler parses it. */
export interface OutboxRow {
  id: number;
  kind: string;
  subjectPersonId: string;
  payload: Record<string, unknown>;
  /** This attempt's number, from 1. */
  attempt: number;
  /** When the feature wrote it: nothing it intends can exist in the clinical system from long before. */
  createdAt: Date;
}

/** What a delivered row made in the clinical system (the created resource's id and version), stored with the row. */
export type OutboxResult = Record<string, unknown>;

/**
 * How a feature's kind of write reaches the clinical system. Both throw a ClinicalError when the clinical system
 * could not be asked or refused; the relay decides from its kind and status whether to retry, read back or give up.
 *
 * - `write` makes the effect once (POST the Appointment, send the message) and says what it made.
 * - Both get the relay's database as a third argument, to load what the payload names (a message's outgoing row and
 *   its attachments): read only, outside the relay's transactions; the feature's state is written in `settled`.
 * - `readBack` finds out whether the effect already exists, matching on what the payload intends (the slot and start;
 *   the content hash), and says what it found, or null. The clinical system takes no idempotency key, so this is what
 *   keeps a retry after an uncertain outcome from writing twice: the relay calls it before writing again, and to
 *   confirm a refusal that may be our own earlier success (a 422 for a slot our lost booking made busy).
 */
export interface OutboxKind<Client = ClinicalClient> {
  write(row: OutboxRow, client: Client, db: Database): Promise<OutboxResult>;
  readBack(row: OutboxRow, client: Client, db: Database): Promise<OutboxResult | null>;
  /**
   * Records the row's final answer in the feature's own state (a booking made or refused), in the transaction that
   * records it in the outbox: the two never disagree.
   */
  settled?(tx: Queryable, row: OutboxRow, answer: OutboxAnswer): Promise<void>;
}

/**
 * Thrown by a kind's `write` when the receiver refused it for good (an SMTP server's 5xx for the recipient, an SMS
 * gateway's 4xx): the relay reads back once and, finding nothing, fails the row without retrying. Any other error is
 * retried, as one that may have taken effect.
 */
export class OutboxRefusal extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "OutboxRefusal";
  }
}

/** How a row ended: delivered with what it made, or failed with the last attempt's error. */
export type OutboxAnswer = { state: "delivered"; result: OutboxResult } | { state: "failed"; error: OutboxError };

export interface NewOutboxRow {
  kind: string;
  subjectPersonId: string;
  payload: Record<string, unknown>;
}

/**
 * Adds a write for the relay to deliver, in the caller's transaction: the feature's own state and the promise to
 * write it to the clinical system commit together, or neither does.
 */
export async function enqueue(tx: Queryable, row: NewOutboxRow): Promise<number> {
  const [inserted] = await tx
    .insert(clinicalOutbox)
    .values({ kind: row.kind, subjectPersonId: row.subjectPersonId, payload: row.payload })
    .returning({ id: clinicalOutbox.id });
  if (!inserted) throw new Error("the outbox row was not inserted");
  return inserted.id;
}
