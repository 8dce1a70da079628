import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { rows } from "~/feed/test-factories";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { startTestStandIn, type TestStandIn } from "../stand-in/test-stand-in";
import { readLease } from "./state.server";
import { clinicalPollerTask, pollIntervalMs } from "./startup.server";

/** The poller as the server runs it: nothing without a clinical system; with one, it polls until stopped. */

let database: TestDatabase;
let t: TestStandIn;
beforeAll(async () => {
  database = await createTestDatabase();
  t = await startTestStandIn({ demo: { patients: 1 } });
});
afterAll(async () => {
  await t.standIn.stop();
  await database.destroy();
});

it("does nothing without a clinical system", async () => {
  expect(await clinicalPollerTask({ config: parseConfig({}), database })).toBeUndefined();
  expect(await readLease(database.db)).toBeNull();
});

it("polls with the configured client and scopes, and gives the lease up when stopped", async () => {
  const config = parseConfig({ CLINICAL_POLL_INTERVAL_MS: "200" });
  config.clinical = t.settings;
  const stop = await clinicalPollerTask({ config, database });
  expect(stop).toBeTypeOf("function");
  const until = Date.now() + 20_000;
  let streams: { name: string }[] = [];
  while (Date.now() < until) {
    streams = await rows<{ name: string }>(database.db, sql`select name from clinical_poll_streams where last_success_at is not null order by name`);
    if (streams.some((s) => s.name === "slots")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(streams.map((s) => s.name)).toEqual(expect.arrayContaining(["lastUpdated:Observation", "people", "slots"]));
  // Only the types the scopes name are asked for.
  expect(streams.map((s) => s.name)).not.toContain("lastUpdated:Procedure");
  await stop!();
  const lease = await readLease(database.db);
  expect(lease!.leaseUntil.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
});

it("polls every 30 s by default, every 5 s against the development stand-in, and as CLINICAL_POLL_INTERVAL_MS says when set", () => {
  const configured = { ...parseConfig({}), clinical: t.settings };
  expect(pollIntervalMs(configured)).toBe(30_000);
  expect(pollIntervalMs(parseConfig({}))).toBe(5_000);
  expect(pollIntervalMs(parseConfig({ CLINICAL_POLL_INTERVAL_MS: "60000" }))).toBe(60_000);
  expect(pollIntervalMs({ ...parseConfig({ CLINICAL_POLL_INTERVAL_MS: "1000" }), clinical: t.settings })).toBe(1_000);
});
