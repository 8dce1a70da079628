import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rows, truncateFeedTables } from "~/feed/test-factories";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { ClinicalError } from "../http.server";
import { manualClock } from "../test-clinical-system";
import { reconcileGroup, type BulkClient } from "./reconcile.server";
import { readStream } from "./state.server";

/**
 * The reconciliation's waiting: as each answer's Retry-After says, each wait capped, the whole within a deadline; a
 * busy kick-off (429: one export at a time) waited out. Over a scripted Bulk server; the real HTTP path (redirects,
 * the token kept off the pre-signed URL) is tested against the stand-in (stand-in.server.test.ts).
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});
beforeEach(async () => {
  await truncateFeedTables(database.db);
  await database.db.execute(sql`truncate clinical_poll_streams`);
});

const manifest = {
  transactionTime: "2026-12-06T12:00:00Z",
  request: "https://clinical.example/Group/g1/$export",
  requiresAccessToken: false,
  output: [{ type: "Patient", url: "https://files.example/Patient.ndjson" }],
  error: [],
};
const PATIENT_LINE = JSON.stringify({ resourceType: "Patient", id: "p1", meta: { versionId: "1", lastUpdated: "2026-12-01T00:00:00Z" }, name: [{ family: "Ek" }] });

/** A Bulk server answering the kick-off and status requests in the order given, and the file. */
function scripted(answers: (() => Response)[]): BulkClient & { calls: string[]; downloads: { url: string; requiresAccessToken: boolean }[] } {
  const calls: string[] = [];
  const downloads: { url: string; requiresAccessToken: boolean }[] = [];
  let i = 0;
  return {
    calls,
    downloads,
    raw: async ({ method, path }) => {
      calls.push(`${method} ${path}`);
      if (method === "DELETE") return new Response(null, { status: 202 });
      const next = answers[i++];
      if (!next) throw new Error("no more answers");
      return next();
    },
    download: async (url, { requiresAccessToken }) => {
      downloads.push({ url, requiresAccessToken });
      // In two chunks that split a line.
      const bytes = new TextEncoder().encode(`${PATIENT_LINE}\n`);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, 20));
          controller.enqueue(bytes.slice(20));
          controller.close();
        },
      });
      return new Response(body, { status: 200 });
    },
  };
}

const accepted = () => new Response(null, { status: 202, headers: { "content-location": "https://clinical.example/bulk-status/1" } });
const running = (retryAfter?: string) => () => new Response(null, { status: 202, headers: retryAfter ? { "retry-after": retryAfter } : {} });
const done = () => new Response(JSON.stringify(manifest), { status: 200, headers: { "content-type": "application/json" } });
const busy = () => new Response(JSON.stringify({ resourceType: "OperationOutcome", issue: [] }), { status: 429, headers: { "retry-after": "30" } });

describe("reconcileGroup", () => {
  it("waits as Retry-After says, at most maxWaitMs each time, and imports the files as the manifest says", async () => {
    const clock = manualClock();
    const client = scripted([busy, accepted, running("600"), running("5"), running(), done]);
    const result = await reconcileGroup({ db: database.db, client, groupId: "g1", types: ["Patient"], clock, maxWaitMs: 120_000, defaultWaitMs: 7000 });
    expect(clock.sleeps).toEqual([30_000, 120_000, 5000, 7000]);
    expect(client.calls[0]).toBe("GET Group/g1/$export?_type=Patient");
    expect(client.calls.at(-1)).toBe("DELETE https://clinical.example/bulk-status/1");
    expect(client.downloads).toEqual([{ url: "https://files.example/Patient.ndjson", requiresAccessToken: false }]);
    expect(result.report).toMatchObject({ received: 1, created: 1 });
    expect(await rows(database.db, sql`select id, family_name from people`)).toEqual([{ id: "p1", family_name: "Ek" }]);
    expect((await readStream(database.db, "reconcile:Group/g1"))?.cursor?.toISOString()).toBe("2026-12-06T12:00:00.000Z");
  });

  it("gives up at its deadline, and says so on the group's row", async () => {
    const clock = manualClock();
    const client = scripted([accepted, ...Array.from({ length: 10 }, () => running("600"))]);
    const failure = await reconcileGroup({ db: database.db, client, groupId: "g1", clock, deadlineMs: 30 * 60_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ClinicalError);
    expect((failure as ClinicalError).kind).toBe("timeout");
    expect(clock.sleeps).toEqual([600_000, 600_000, 600_000]);
    expect((await readStream(database.db, "reconcile:Group/g1"))?.lastError).toMatchObject({ kind: "timeout" });
  });

  it("stops at a refusal, with the clinical system's OperationOutcome", async () => {
    const refused = () => new Response(JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "not-found" }] }), { status: 404 });
    const failure = (await reconcileGroup({ db: database.db, client: scripted([refused]), groupId: "nope", clock: manualClock() }).catch((e: unknown) => e)) as ClinicalError;
    expect(failure).toMatchObject({ kind: "status", status: 404, outcome: { issue: [{ code: "not-found" }] } });
  });
});
