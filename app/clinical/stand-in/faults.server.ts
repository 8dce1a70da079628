import { z } from "zod";

/**
 * Faults for tests: what a network and a busy clinical system do to a request. A fault is taken by the first request
 * it matches, `times` times (default once); faults are tried in the order injected.
 *
 * - status: answered with that status (an OperationOutcome, Retry-After when given) without doing anything.
 * - drop: the connection is destroyed before the request is handled: nothing happened.
 * - lostAnswer: the request is carried out, then the connection destroyed: it happened, the answer was lost.
 * - appliedThenStatus: carried out, then answered with that status (a 5xx) instead of its answer.
 * - delay: carried out after `ms` (for client timeouts; the write happens even if the client has gone).
 */
export const faultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("status"), status: z.number().int().min(400).max(599), retryAfterSeconds: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal("drop") }),
  z.object({ kind: z.literal("lostAnswer") }),
  z.object({ kind: z.literal("appliedThenStatus"), status: z.number().int().min(400).max(599) }),
  z.object({ kind: z.literal("delay"), ms: z.number().int().min(0).max(600_000) }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const faultMatchSchema = z.object({
  method: z.string().optional(),
  /** A prefix of the path relative to the base, without the leading slash: "Appointment", "patientMessages/sentItems". */
  path: z.string().optional(),
  times: z.number().int().min(1).optional(),
});
export type FaultMatch = z.infer<typeof faultMatchSchema>;

export interface Faults {
  /** Latency before every request (the FHIR API, the Messages API, token and files). */
  setLatency(ms: number): void;
  inject(fault: Fault, match?: FaultMatch): void;
  clear(): void;
}

interface Armed {
  fault: Fault;
  method?: string;
  path?: string;
  left: number;
}

export class FaultPlan implements Faults {
  latencyMs: number;
  private armed: Armed[] = [];

  constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error("latency is a number of milliseconds, 0 or more");
    this.latencyMs = ms;
  }

  inject(fault: Fault, match: FaultMatch = {}): void {
    const parsed = faultSchema.parse(fault);
    this.armed.push({ fault: parsed, method: match.method?.toUpperCase(), path: match.path?.replace(/^\/+/, ""), left: match.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
    this.latencyMs = 0;
  }

  /** The fault this request takes, if any (counting it as used). `path` is relative to the base, no leading slash. */
  take(method: string, path: string): Fault | undefined {
    const index = this.armed.findIndex((a) => (!a.method || a.method === method.toUpperCase()) && (!a.path || path.startsWith(a.path)));
    const armed = this.armed[index];
    if (!armed) return undefined;
    armed.left -= 1;
    if (armed.left <= 0) this.armed.splice(index, 1);
    return armed.fault;
  }
}
