import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { createClinicalClient, type ClinicalClient } from "../client.server";
import { clinicalSettings } from "../connection.server";
import type { OutboxKind } from "./outbox.server";
import { createRelay } from "./relay.server";

/**
 * Runs the outbox's relay in this portal process, for the kinds the features register (app/server/startup.ts names
 * them, so that this area imports none of theirs). Every process runs one: the claims keep them apart. Nothing runs
 * without a clinical system (the configured one, or the development stand-in) or without a kind to deliver.
 */
export function outboxRelayTask(kinds: Readonly<Record<string, OutboxKind<ClinicalClient>>>): StartupTask {
  return async ({ config, database }) => {
    const clinical = clinicalSettings(config);
    if (!clinical || Object.keys(kinds).length === 0) return;
    const relay = createRelay({
      db: database.db,
      client: createClinicalClient(clinical),
      kinds,
      maxAttempts: config.CLINICAL_OUTBOX_MAX_ATTEMPTS,
      concurrency: config.CLINICAL_OUTBOX_CONCURRENCY,
      leaseMs: config.CLINICAL_OUTBOX_LEASE_MS,
      settleMs: clinical.timeoutMs,
    });
    relay.start();
    logger.info({ relay: relay.id, kinds: Object.keys(kinds) }, "outbox relay started");
    return () => relay.stop();
  };
}
