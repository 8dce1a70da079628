import { drizzle } from "drizzle-orm/postgres-js";
import { logAccess } from "~/audit/access-log.server";
import { recordRules } from "~/disclosure/exclusions.server";
import { generateDemoResources } from "~/feed/demo/generate";
import { ingestStream } from "~/feed/ingest.server";
import { findConversation, listConversations } from "~/messages/conversations.server";
import { loadOverview, overviewRefs } from "~/record/overview.server";
import { resultTrend, sectionPage } from "~/record/queries.server";
import { parseSectionFilters } from "~/record/filters.server";
import { PAGE_SIZE } from "~/record/sections";
import { postgresClient, type Database, type DatabaseHandle } from "../../db/connection";
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
 * The SQL the record pages (and the messages' inbox and a conversation, when `conversationId` is given) run for one
 * patient, captured from the pages' own query functions (so the plans shown are of the queries the portal really
 * makes, not of hand-written copies). The conversation is read as when opened again: nothing left to mark read.
 */
export async function recordPageQueries(handle: DatabaseHandle, personId: string, trendCode: string, conversationId?: string): Promise<CapturedQuery[]> {
  if (handle.kind !== "postgres") throw new Error("query plans are taken on PostgreSQL");
  const captured: CapturedQuery[] = [];
  let current = "";
  const url = (handle as DatabaseHandle & { url?: string }).url ?? process.env.BENCH_CAPTURE_URL;
  if (!url) throw new Error("recordPageQueries needs the database URL");
  const client = postgresClient(url, { max: 1 });
  const db = drizzle(client, {
    schema,
    casing: "snake_case",
    logger: { logQuery: (q, params) => captured.push({ name: current, query: { sql: q, params } }) },
  }) as unknown as Database;
  try {
    const rules = await recordRules(db);
    const scope = { subjectPersonId: personId, hideEntriesAfter: null, rules };
    // As the pages run them: the read, then the access-log row naming what it shows.
    const access = { sessionId: "bench", actorPersonId: personId, subjectPersonId: personId, actingAs: "self" as const, hideEntriesAfter: null };
    const filters = (name: "results" | "notes", query = "") => parseSectionFilters(new URLSearchParams(query), name).filters;
    const section = async (name: "results" | "notes", query = "") => {
      const { page } = await sectionPage(db, scope, name, filters(name, query), PAGE_SIZE);
      await logAccess(db, access, name, page.entries.map((e) => e.ref));
    };
    const steps: [string, () => Promise<unknown>][] = [
      ["overview", async () => logAccess(db, access, "overview", overviewRefs(await loadOverview(db, scope, { readRecord: true, now: new Date() })))],
      ["results list (entries and facets)", () => section("results")],
      ["trend", async () => logAccess(db, access, "results", (await resultTrend(db, scope, trendCode))?.points.map((p) => p.ref))],
      ["notes list (entries and facets)", () => section("notes")],
      ["notes search", () => section("notes", "q=blodtryck")],
    ];
    if (conversationId !== undefined) {
      steps.push(
        ["inbox", async () => logAccess(db, access, "messages", (await listConversations(db, { subjectId: personId, rules, page: 1 })).conversations.map((c) => c.ref))],
        ["conversation", async () => logAccess(db, access, "messages", (await findConversation(db, { subjectId: personId, rules, id: conversationId }))?.messages.map((m) => m.ref))],
      );
    }
    for (const [name, run] of steps) {
      current = name;
      await run();
    }
  } finally {
    await client.end();
  }
  return captured.filter((c) => c.name !== "");
}
