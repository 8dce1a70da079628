import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { ingestStream } from "./ingest.server";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

function patients(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    resourceType: "Patient",
    id: `stats-${i}`,
    meta: { versionId: "1" },
    birthDate: "1980-01-01",
  }));
}

async function lastAnalyzed(): Promise<unknown> {
  return rowsOf<{ last_analyze: unknown }>(
    await database.db.execute(sql`select last_analyze from pg_stat_user_tables where relname = 'people'`),
  )[0]?.last_analyze;
}

describe("a long import", () => {
  it("refreshes the planner's statistics as the tables grow", async () => {
    await ingestStream(database.db, patients(5), { source: "test", batchSize: 5, analyzeAfter: 10 });
    expect(await lastAnalyzed()).toBeNull();
    await ingestStream(database.db, patients(30), { source: "test", batchSize: 5, analyzeAfter: 10 });
    expect(await lastAnalyzed()).not.toBeNull();
  });
});
