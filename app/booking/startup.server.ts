import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { bookingPass } from "./earlier-times.server";

/** How often each portal process runs the booking pass (offers that ran out, times the clinic changed, earlier times). */
export const BOOKING_PASS_INTERVAL_MS = 10_000;

/**
 * Runs the booking pass in every portal process: each statement of it stands alone and the database refuses a second
 * hold of a time, so passes of several processes at once do no harm; more processes only make them more frequent.
 */
export const bookingPassTask: StartupTask = async ({ database }) => {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= bookingPass(database.db, { now: new Date() })
      .then((done) => {
        if (done.expired + done.released + done.offered > 0) logger.info(done, "booking pass");
      })
      .catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, "booking pass failed"))
      .finally(() => {
        running = undefined;
      });
  }, BOOKING_PASS_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
};
