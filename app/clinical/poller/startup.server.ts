import type { Config } from "~/config.server";
import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { createClinicalClient } from "../client.server";
import { clinicalSettings } from "../connection.server";
import { createPoller, readableTypes } from "./poller.server";

/** CLINICAL_POLL_INTERVAL_MS, else 30 s against the clinical system and 5 s against the development stand-in. */
export function pollIntervalMs(config: Pick<Config, "clinical" | "CLINICAL_POLL_INTERVAL_MS">): number {
  return config.CLINICAL_POLL_INTERVAL_MS ?? (config.clinical ? 30_000 : 5_000);
}

/**
 * Runs the poller in this portal process when there is a clinical system (the configured one, or the development
 * stand-in). Every process runs one; the lease lets one of them poll at a time, and another takes over when it stops
 * or dies.
 */
export const clinicalPollerTask: StartupTask = async ({ config, database }) => {
  const clinical = clinicalSettings(config);
  if (!clinical) return;
  const intervalMs = pollIntervalMs(config);
  const poller = createPoller({
    db: database.db,
    client: createClinicalClient(clinical),
    types: readableTypes(clinical.scopes),
    intervalMs,
    overlapMs: config.CLINICAL_POLL_OVERLAP_MS,
    leaseMs: config.CLINICAL_POLL_LEASE_MS,
    lookbackMs: config.CLINICAL_POLL_LOOKBACK_HOURS * 3_600_000,
    activeHours: config.CLINICAL_POLL_ACTIVE_HOURS,
  });
  poller.start();
  logger.info({ poller: poller.id, intervalMs }, "clinical poller started");
  return () => poller.stop();
};
