import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { createClinicalClient } from "../client.server";
import { clinicalSettings } from "../connection.server";
import { createPoller, readableTypes } from "./poller.server";

const STAND_IN_POLL_INTERVAL_MS = 5_000;

/**
 * Runs the poller in this portal process when there is a clinical system (the configured one, or the development
 * stand-in). Every process runs one; the lease lets one of them poll at a time, and another takes over when it stops
 * or dies.
 */
export const clinicalPollerTask: StartupTask = async ({ config, database }) => {
  const clinical = clinicalSettings(config);
  if (!clinical) return;
  // Against the development stand-in, what a developer does as the care team shows within seconds.
  const intervalMs = config.clinical ? config.CLINICAL_POLL_INTERVAL_MS : Math.min(config.CLINICAL_POLL_INTERVAL_MS, STAND_IN_POLL_INTERVAL_MS);
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
