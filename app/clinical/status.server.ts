import type { Queryable } from "../../db/connection";
import { outboxStatus, type OutboxStatus } from "./outbox/status.server";
import { readLease, readStreams } from "./poller/state.server";

/**
 * The state of the way to the clinical system, read from the portal's own database only (so it answers while the
 * clinical system is down): the outbox's depth and the poller's progress. Served as GET /healthz/clinical.
 */
export const CLINICAL_STATUS_PATH = "/healthz/clinical";

export interface ClinicalStatus {
  clinicalSystem: "configured" | "not-configured";
  outbox: OutboxStatus;
  poller: {
    /** The process polling, and until when its lease runs; null before any has polled. */
    lease: { holder: string; leaseUntil: string; active: boolean } | null;
    streams: { name: string; cursor: string | null; lastSuccessAt: string | null; lastError: unknown; lastErrorAt: string | null }[];
  };
}

export async function clinicalStatus(db: Queryable, { configured, now = new Date() }: { configured: boolean; now?: Date }): Promise<ClinicalStatus> {
  const [outbox, lease, streams] = [await outboxStatus(db), await readLease(db), await readStreams(db)];
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    clinicalSystem: configured ? "configured" : "not-configured",
    outbox,
    poller: {
      lease: lease ? { holder: lease.holder, leaseUntil: lease.leaseUntil.toISOString(), active: lease.leaseUntil > now } : null,
      streams: streams.map((s) => ({ name: s.name, cursor: iso(s.cursor), lastSuccessAt: iso(s.lastSuccessAt), lastError: s.lastError, lastErrorAt: iso(s.lastErrorAt) })),
    },
  };
}
