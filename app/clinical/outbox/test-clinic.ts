import { sql } from "drizzle-orm";
import type { Database } from "../../../db/connection";
import { rowsOf } from "../../../db/connection";
import { ClinicalError } from "../http.server";
import type { OutboxKind, OutboxRow } from "./outbox.server";

/**
 * For the relay's tests: an in-memory clinical system that makes one "appointment" per write it accepts (as the
 * Messages API makes one message per send: nothing stops a second), with faults injected per row, and a kind whose
 * handler talks to it. Each relay gets its own `Process`: killing it makes every call it makes from then on hang, as
 * a dead process's would.
 */

/** What happens to a row's next write. */
export type WriteFault =
  | "ok"
  /** The effect is made, and the answer lost (connection reset). */
  | "lost"
  /** The effect is made, and the answer comes too late. */
  | "timeout-after"
  /** No answer in time, and no effect. */
  | "timeout"
  /** 500 or 503 without an effect (the relay cannot tell it from one after the effect). */
  | "500"
  | "503"
  | "429"
  /** Refused for good. */
  | "400"
  | "422"
  /** No token: nothing sent. */
  | "token"
  /** The effect is made and then the relay's process dies: the call never returns. */
  | "killed-after"
  /** The relay's process dies before the request goes out. */
  | "killed-before"
  /** The effect is made, and the answer (a 503) waits until `releaseStalled()`: a relay alive but slow. */
  | "stalled-after";

export type ReadFault = "ok" | "500" | "timeout";

export interface Effect {
  id: string;
  rowId: number;
  subjectPersonId: string;
  slot: string;
}

export class Process {
  dead = false;
  private readonly deathListeners: (() => void)[] = [];
  readonly died = new Promise<void>((resolve) => this.deathListeners.push(resolve));
  constructor(readonly clinic: Clinic) {}
  kill(): void {
    this.dead = true;
    for (const listener of this.deathListeners) listener();
  }
}

const never = () => new Promise<never>(() => {});
const KILLED = Symbol("killed");

export class Clinic {
  effects: Effect[] = [];
  writes = new Map<number, number>();
  reads = new Map<number, number>();
  writeFaults = new Map<number, WriteFault[]>();
  readFaults = new Map<number, ReadFault[]>();
  /** Booking mode: a second booking of a slot is refused with 422, as Millennium does. */
  uniqueSlots = false;
  /** Slots whose booking lands later, just before the next write of any row is handled (a slow request of ours). */
  private late: Effect[] = [];
  private stalled: (() => void)[] = [];
  releaseStalled(): void {
    for (const release of this.stalled.splice(0)) release();
  }
  latencyMs = 0;
  retryAfterMs = 0;
  /** The row ids each subject's calls came for, in order, and how many calls per subject were under way at most. */
  callOrder = new Map<string, number[]>();
  maxInFlightPerSubject = 0;
  maxInFlight = 0;
  private inFlight = new Map<string, number>();
  private total = 0;
  private nextId = 1;

  effectsOf(rowId: number): Effect[] {
    return this.effects.filter((e) => e.rowId === rowId);
  }

  async write(row: OutboxRow, process: Process): Promise<{ id: string }> {
    return this.call(row, process, async () => {
      this.writes.set(row.id, (this.writes.get(row.id) ?? 0) + 1);
      for (const effect of this.late.splice(0)) this.effects.push(effect);
      const fault = this.writeFaults.get(row.id)?.shift() ?? "ok";
      const slot = String(row.payload.slot);
      const apply = () => {
        if (this.uniqueSlots && this.effects.some((e) => e.slot === slot)) {
          throw new ClinicalError("status", "Appointment: POST answered 422", { status: 422, outcome: outcome("slot is busy") });
        }
        const effect = { id: `a${this.nextId++}`, rowId: row.id, subjectPersonId: row.subjectPersonId, slot };
        this.effects.push(effect);
        return effect;
      };
      switch (fault) {
        case "ok":
          return { id: apply().id };
        case "lost":
          apply();
          throw new ClinicalError("network", "Appointment: POST failed: UND_ERR_SOCKET", { code: "UND_ERR_SOCKET" });
        case "timeout-after":
          apply();
          throw new ClinicalError("timeout", "Appointment: POST had no complete answer within 100 ms");
        case "timeout":
          throw new ClinicalError("timeout", "Appointment: POST had no complete answer within 100 ms");
        case "500":
        case "503":
          throw new ClinicalError("status", `Appointment: POST answered ${fault}`, { status: Number(fault), outcome: outcome("unavailable") });
        case "429":
          throw new ClinicalError("status", "Appointment: POST answered 429", { status: 429, retryAfterMs: this.retryAfterMs });
        case "400":
        case "422":
          throw new ClinicalError("status", `Appointment: POST answered ${fault}`, { status: Number(fault), outcome: outcome("refused") });
        case "token":
          throw new ClinicalError("token", "token: the token endpoint answered 503");
        case "killed-after":
          apply();
          process.kill();
          throw KILLED;
        case "killed-before":
          process.kill();
          throw KILLED;
        case "stalled-after":
          apply();
          await new Promise<void>((resolve) => this.stalled.push(resolve));
          throw new ClinicalError("status", "Appointment: POST answered 503", { status: 503 });
      }
    });
  }

  async readBack(row: OutboxRow, process: Process): Promise<{ id: string } | null> {
    return this.call(row, process, async () => {
      this.reads.set(row.id, (this.reads.get(row.id) ?? 0) + 1);
      const fault = this.readFaults.get(row.id)?.shift() ?? "ok";
      if (fault === "500") throw new ClinicalError("status", "Appointment: GET answered 500", { status: 500 });
      if (fault === "timeout") throw new ClinicalError("timeout", "Appointment: GET had no complete answer within 100 ms");
      const found = this.effects.find((e) => e.slot === String(row.payload.slot) && e.subjectPersonId === row.subjectPersonId);
      return found ? { id: found.id } : null;
    });
  }

  /** The effect of this row's write lands only when the next write arrives (after this row's read back, say). */
  landLater(row: { id: number; subjectPersonId: string; slot: string }): void {
    this.late.push({ id: `a${this.nextId++}`, rowId: row.id, subjectPersonId: row.subjectPersonId, slot: row.slot });
  }

  private async call<T>(row: OutboxRow, process: Process, body: () => Promise<T>): Promise<T> {
    if (process.dead) return never();
    const order = this.callOrder.get(row.subjectPersonId) ?? [];
    order.push(row.id);
    this.callOrder.set(row.subjectPersonId, order);
    const subjectCalls = (this.inFlight.get(row.subjectPersonId) ?? 0) + 1;
    this.inFlight.set(row.subjectPersonId, subjectCalls);
    this.total++;
    this.maxInFlightPerSubject = Math.max(this.maxInFlightPerSubject, subjectCalls);
    this.maxInFlight = Math.max(this.maxInFlight, this.total);
    let killed = false;
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      return await body();
    } catch (error) {
      if (error !== KILLED) throw error;
      killed = true;
    } finally {
      // A dead process's call is over as far as the clinical system is concerned; to the process it never returns.
      this.inFlight.set(row.subjectPersonId, (this.inFlight.get(row.subjectPersonId) ?? 1) - 1);
      this.total--;
    }
    if (killed) return never();
    throw new Error("unreachable");
  }
}

function outcome(text: string) {
  return { resourceType: "OperationOutcome" as const, issue: [{ severity: "error" as const, code: "processing" as const, diagnostics: text }] };
}

/** The test kind: books the payload's slot for the subject. */
export const testKind: OutboxKind<Process> = {
  write: (row, process) => process.clinic.write(row, process),
  readBack: (row, process) => process.clinic.readBack(row, process),
};

export const TEST_KIND = "test.book";

export interface OutboxRowState {
  id: number;
  subject_person_id: string;
  state: string;
  attempts: number;
  uncertain: boolean;
  result: { id: string } | null;
  last_error: { kind: string; status?: number; uncertain: boolean; outcome?: unknown } | null;
  claimed_by: string | null;
  next_attempt_in_ms: number;
}

export async function outboxRows(db: Database): Promise<OutboxRowState[]> {
  return rowsOf<OutboxRowState & { id: string | number }>(
    await db.execute(sql`select id, subject_person_id, state, attempts, uncertain, result, last_error, claimed_by,
      (extract(epoch from next_attempt_at - now()) * 1000)::float8 as next_attempt_in_ms from clinical_outbox order by id`),
  ).map((r) => ({ ...r, id: Number(r.id), next_attempt_in_ms: Number(r.next_attempt_in_ms) }));
}
