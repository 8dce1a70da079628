import { createRelay, type Relay } from "~/clinical/outbox/relay.server";
import type { Config } from "~/config.server";
import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import type { Database } from "../../db/connection";
import { notificationOutbox } from "../../db/schema";
import { notificationKinds, sendersFor, type Senders } from "./delivery.server";
import { notificationPass } from "./pass.server";

/** How often each portal process runs the notification pass. */
export const NOTIFICATION_PASS_INTERVAL_MS = 10_000;
/** How long a relay holds a notification it sends: more than an SMTP exchange or a gateway request can take. */
export const NOTIFICATION_LEASE_MS = 120_000;

/** The clinical outbox's relay over the notification outbox, with the senders as its client. */
export function notificationRelay(db: Database, config: Pick<Config, "NOTIFICATION_MAX_ATTEMPTS">, senders: Senders, options: { backoff?: { baseMs: number; maxMs: number }; pollMs?: number } = {}): Relay {
  return createRelay<Senders>({
    db,
    table: notificationOutbox,
    client: senders,
    kinds: notificationKinds,
    maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
    concurrency: 10,
    leaseMs: NOTIFICATION_LEASE_MS,
    // No read-back can tell whether an uncertain attempt got through: nothing to wait for before sending again.
    settleMs: 0,
    ...options,
  });
}

/**
 * In every portal process: the notification pass every few seconds, and the relay that sends what it enqueued. The
 * database keeps processes from telling anyone twice (app/notifications/pass.server.ts) and from sending a row at once
 * (the relay's claims).
 */
export const notificationsTask: StartupTask = async ({ config, database }) => {
  const relay = notificationRelay(database.db, config, sendersFor(config));
  relay.start();
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= notificationPass(database.db, { now: new Date(), channels: config.NOTIFICATION_CHANNELS })
      .then((done) => {
        if (done.enqueued + done.quiet > 0) logger.info(done, "notification pass");
      })
      // The name and SQLSTATE only: a failed statement's text carries its parameters, an address among them.
      .catch((error: unknown) => logger.error({ err: errorName(error) }, "notification pass failed"))
      .finally(() => {
        running = undefined;
      });
  }, NOTIFICATION_PASS_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await relay.stop();
  };
};

function errorName(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return `${error instanceof Error ? error.name : "error"}${typeof code === "string" ? ` ${code}` : ""}`;
}
