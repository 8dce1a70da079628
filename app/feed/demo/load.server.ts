import { sql } from "drizzle-orm";
import type { Config } from "~/config.server";
import { ingestStream, type IngestReport } from "~/feed/ingest.server";
import { logger } from "~/utils/logger";
import type { StartupTask } from "~/startup-task";
import { rowsOf, type Database } from "../../../db/connection";
import { generateDemoResources } from "./generate";

/** Generated patients loaded beside the cast at start-up: enough for lists and search, quick on PGlite. */
export const DEMO_EXTRA_PATIENTS = 50;

export interface DemoLoadOptions {
  today?: Date;
  seed?: number;
  patients?: number;
}

/** Loads the demo data through the feed's own ingestion, as the clinical system's data would arrive. */
export async function loadDemoData(db: Database, options: DemoLoadOptions = {}): Promise<IngestReport> {
  const resources = generateDemoResources({
    ...(options.today ? { today: options.today } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    patients: options.patients ?? DEMO_EXTRA_PATIENTS,
  });
  return ingestStream(db, resources, { source: "demo", batchSize: 1000 });
}

export async function hasNoPeople(db: Database): Promise<boolean> {
  const rows = rowsOf<{ any: boolean }>(await db.execute(sql`select exists (select 1 from people) as "any"`));
  return rows[0]?.any !== true;
}

/**
 * When the people in the database arrived: the day the demo data was generated for, when they are the demo's. The
 * clinical system's stand-in generates the same demo for that day, so that both hold the same slots and bookings on a
 * later start too.
 */
export async function peopleLoadedAt(db: Database): Promise<Date | null> {
  const rows = rowsOf<{ at: Date | string | null }>(await db.execute(sql`select min(received_at) as at from people`));
  const at = rows[0]?.at;
  return at ? new Date(at) : null;
}

/** At start-up with DEMO_DATA on (the default outside production): an empty database gets the demo data. */
export async function loadDemoDataIfEmpty(db: Database, config: Pick<Config, "demoData">, options: DemoLoadOptions = {}): Promise<IngestReport | null> {
  if (!config.demoData) return null;
  if (!(await hasNoPeople(db))) {
    logger.info("demo data: the database already holds people, nothing loaded");
    return null;
  }
  const started = Date.now();
  const report = await loadDemoData(db, options);
  const level = report.rejectedCount > 0 ? "warn" : "info";
  logger[level](
    {
      received: report.received,
      stored: report.stored,
      skipped: report.skipped,
      rejected: report.rejectedCount,
      byType: Object.fromEntries(Object.entries(report.byType).map(([type, c]) => [type, c.created + c.updated])),
      ms: Date.now() - started,
    },
    "demo data loaded",
  );
  return report;
}

export const demoDataStartupTask: StartupTask = async ({ config, database }) => {
  await loadDemoDataIfEmpty(database.db, config);
};
