import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { readJsonFile, readNdjson } from "./files.server";
import { ingestStream } from "./ingest.server";
import { bundleText, ndjsonText, observationTexts, POISONS, rows, truncateFeedTables } from "./test-factories";

/**
 * What feed:import promises of every file it reads: each item is stored or dead-lettered, whatever the batch size,
 * wherever the poisoned item falls, and whether a Bundle file is read whole or streamed.
 */

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "feed-never-lost-"));
});
afterAll(async () => {
  await database.destroy();
  await rm(dir, { recursive: true, force: true });
});

const FORMATS = ["ndjson", "bundle read whole", "bundle streamed"] as const;

it("stores or dead-letters every item of a file, wherever the poisoned one falls and whatever the batch size", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...FORMATS),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom(...POISONS),
      fc.nat(),
      async (format, n, batchSize, poison, at) => {
        const poisoned = at % n;
        await truncateFeedTables(database.db);
        const resources = observationTexts(n, poisoned, poison.text);
        const file = path.join(dir, format === "ndjson" ? "Observation.ndjson" : "bundle.json");
        const text = format === "ndjson" ? ndjsonText(resources) : bundleText("collection", resources);
        await writeFile(file, text);
        const items = format === "ndjson" ? readNdjson(file) : readJsonFile(file, text.length, undefined, format === "bundle streamed" ? 0 : text.length);
        const report = await ingestStream(database.db, items, { source: "test", batchSize });
        expect(report).toMatchObject({ received: n, stored: n - 1, rejectedCount: 1 });
        const [stored] = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM record_entries`);
        expect(stored?.n).toBe(n - 1);
        const letters = await rows<{ reason: string }>(database.db, sql`SELECT reason FROM dead_letters`);
        expect(letters).toHaveLength(1);
        expect(letters[0]?.reason).toMatch(poison.reason);
      },
    ),
    { numRuns: 30 },
  );
}, 240_000);
