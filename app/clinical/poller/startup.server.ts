import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { createClinicalClient } from "../client.server";
import { createPoller, readableTypes } from "./poller.server";

/**
 * Runs the poller in this portal process when a clinical system is configured. Every process runs one; the lease
 * lets one of them poll at a time, and another takes over when it stops or dies.
 */
export const clinicalPollerTask: StartupTask = async ({ config, database }) => {
  if (!config.clinical) return;
  const poller = createPoller({
    db: database.db,
    client: createClinicalClient(config.clinical),
    types: readableTypes(config.clinical.scopes),
    intervalMs: config.CLINICAL_POLL_INTERVAL_MS,
    overlapMs: config.CLINICAL_POLL_OVERLAP_MS,
    leaseMs: config.CLINICAL_POLL_LEASE_MS,
    lookbackMs: config.CLINICAL_POLL_LOOKBACK_HOURS * 3_600_000,
    activeHours: config.CLINICAL_POLL_ACTIVE_HOURS,
  });
  poller.start();
  logger.info({ poller: poller.id, intervalMs: config.CLINICAL_POLL_INTERVAL_MS }, "clinical poller started");
  return () => poller.stop();
};
