import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { generateDemoResources } from "~/feed/demo/generate";
import { ingestStream } from "~/feed/ingest.server";
import { recordRules } from "~/record/exclusions.server";
import { loadOverview } from "~/record/overview.server";
import { resultTrend, sectionPage } from "~/record/queries.server";
import { parseSectionFilters } from "~/record/sections";
import type { Database, DatabaseHandle } from "../../db/connection";
import * as schema from "../../db/schema";

/** Generated patients (the demo generator, no cast) loaded through the feed, as the clinical system would send them. */
export async function loadGeneratedPatients(handle: DatabaseHandle, patients: number) {
  const started = Date.now();
  let lastPrint = 0;
  const report = await ingestStream(handle.db, generateDemoResources({ patients, cast: false, seed: 7 }), {
    source: "bench",
    batchSize: 1000,
    onProgress: (r) => {
      if (Date.now() - lastPrint > 15_000) {
        lastPrint = Date.now();
        console.log(`  … ${r.received.toLocaleString("en")} resources`);
      }
    },
  });
  if (report.rejectedCount > 0) throw new Error(`${report.rejectedCount} generated resources were rejected`);
  return { resources: report.received, seconds: (Date.now() - started) / 1000 };
}

interface CapturedQuery {
  name: string;
  query: { sql: string; params: unknown[] };
}

/**
 * The SQL the record pages run for one patient, captured from the pages' own query functions (so the plans shown are
 * of the queries the portal really makes, not of hand-written copies).
 */
export async function recordPageQueries(handle: DatabaseHandle, personId: string, trendCode: string): Promise<CapturedQuery[]> {
  if (handle.kind !== "postgres") throw new Error("query plans are taken on PostgreSQL");
  const captured: CapturedQuery[] = [];
  let current = "";
  const url = (handle as DatabaseHandle & { url?: string }).url ?? process.env.BENCH_CAPTURE_URL;
  if (!url) throw new Error("recordPageQueries needs the database URL");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const db = drizzle(client, {
    schema,
    casing: "snake_case",
    logger: { logQuery: (q, params) => captured.push({ name: current, query: { sql: q, params } }) },
  }) as unknown as Database;
  try {
    const rules = await recordRules(db);
    const scope = { subjectPersonId: personId, hideEntriesAfter: null, rules };
    const steps: [string, () => Promise<unknown>][] = [
      ["overview", () => loadOverview(db, scope, { readRecord: true, now: new Date() })],
      ["results list (entries and facets)", () => sectionPage(db, scope, "results", parseSectionFilters(new URLSearchParams()))],
      ["trend", () => resultTrend(db, scope, trendCode)],
      ["notes list (entries and facets)", () => sectionPage(db, scope, "notes", parseSectionFilters(new URLSearchParams()))],
      ["notes search", () => sectionPage(db, scope, "notes", parseSectionFilters(new URLSearchParams("q=blodtryck")))],
    ];
    for (const [name, run] of steps) {
      current = name;
      await run();
    }
  } finally {
    await client.end();
  }
  return captured.filter((c) => c.name !== "");
}
