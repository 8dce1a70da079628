import type { Resource } from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "~/feed/ingest.server";
import { snapshot, truncateFeedTables } from "~/feed/test-factories";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { createPoller, type Poller } from "./poller.server";
import { readStream } from "./state.server";
import { ChangingSource, type Change } from "./test-source";

/**
 * The poller, restarted at random points (a process dying mid-request, another taking over its lease) and fed
 * overlapping pages in any order, with changes that become visible after their time, converges to the read model
 * that the clinical system's final state gives when loaded directly: what one clean run brings.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const OVERLAP_MS = 5000;

interface Step {
  key: number;
  /** Seconds from T0. */
  at: number;
  /** Seconds after `at` that a search first sees it: less than the overlap. */
  lag: number;
}

function changesOf(steps: Step[]): Change[] {
  const ordered = steps.map((s, i) => ({ ...s, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const versions = new Map<number, number>();
  return ordered.map(({ key, at, lag }) => {
    const v = (versions.get(key) ?? 0) + 1;
    versions.set(key, v);
    const meta = { versionId: String(v), lastUpdated: new Date(T0 + at * 1000).toISOString() };
    const resource: Resource & { id: string } =
      key < 3
        ? { resourceType: "Patient", id: `p${key}`, meta, name: [{ family: `Ek v${v}` }] }
        : {
            resourceType: "Observation",
            id: `o${key}`,
            meta,
            status: v % 4 === 3 ? "entered-in-error" : "final",
            code: { text: `Hb v${v}` },
            subject: { reference: `Patient/p${key % 3}` },
            valueQuantity: { value: v },
          };
    return { resource, visibleAt: T0 + (at + lag) * 1000 };
  });
}

async function reset(): Promise<void> {
  await truncateFeedTables(database.db);
  await database.db.execute(sql`truncate clinical_poll_streams, clinical_poll_lease`);
}

/** Runs passes at the given times, killing the process where the source says, and a last one once all is visible. */
async function pollThrough(source: ChangingSource, passAt: number[]): Promise<{ restarts: number }> {
  let restarts = 0;
  const make = (): Poller =>
    createPoller({
      db: database.db,
      client: source,
      types: ["Patient", "Observation"],
      people: false,
      slots: false,
      intervalMs: 1000,
      overlapMs: OVERLAP_MS,
      leaseMs: 60_000,
      lookbackMs: 60_000,
      activeHours: 1,
      sliceMs: 20_000,
      now: () => source.now,
      id: `poller-${restarts}`,
    });
  let poller = make();
  const run = async () => {
    const killed = new Promise<"killed">((resolve) => (source.onKill = () => resolve("killed")));
    const outcome = await Promise.race([poller.runOnce().then(() => "done" as const), killed]);
    if (outcome === "killed") {
      // The dead process never gives its lease back: it runs out, and the next process takes over.
      await database.db.execute(sql`update clinical_poll_lease set lease_until = now()`);
      restarts++;
      poller = make();
    }
    return outcome;
  };
  for (const at of passAt) {
    source.now = T0 + at * 1000;
    await run();
  }
  source.now = T0 + 200_000;
  for (let i = 0; i < 100 && (await run()) === "killed"; i++);
  return { restarts };
}

describe("the poller's convergence", () => {
  it("ends with the read model of the final state, whatever the restarts, page order and overlaps", async () => {
    const step = fc.record({ key: fc.integer({ min: 0, max: 5 }), at: fc.integer({ min: -50, max: 100 }), lag: fc.integer({ min: 0, max: 4 }) });
    let restartsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }),
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 50 }),
        async (steps, gaps, kills, numbers) => {
          const changes = changesOf(steps);
          // Clean: the final state loaded directly.
          await reset();
          const final = new ChangingSource(changes, numbers);
          final.now = Infinity;
          await ingestBatch(database.db, { kind: "resources", resources: [...final.current("Patient"), ...final.current("Observation")] }, { source: "test" });
          const expected = await snapshot(database.db);

          await reset();
          const source = new ChangingSource(changes, numbers);
          source.killAt = new Set(kills);
          let t = -45;
          const passAt = gaps.map((g) => (t += g));
          const { restarts } = await pollThrough(source, passAt);
          restartsSeen += restarts;
          expect(await snapshot(database.db)).toEqual(expected);
          // Every stream caught up to the last pass's end.
          expect((await readStream(database.db, "lastUpdated:Observation"))?.cursor?.getTime()).toBe(T0 + 200_000);
        },
      ),
      { numRuns: 80 },
    );
    expect(restartsSeen).toBeGreaterThan(0);
  }, 240_000);

  it("drops what a pass sees twice, and the feed keeps the newest version whatever comes again", async () => {
    await reset();
    const meta = (v: number, at: number) => ({ versionId: String(v), lastUpdated: new Date(T0 + at * 1000).toISOString() });
    const v1 = { resourceType: "Patient" as const, id: "p1", meta: meta(1, 1), name: [{ family: "Ek" }] };
    const v2 = { ...v1, meta: meta(2, 2), name: [{ family: "Lind" }] };
    const first = await ingestBatch(database.db, { kind: "resources", resources: [v2] }, { source: "poller" });
    expect(first.report.created).toBe(1);
    const again = await ingestBatch(database.db, { kind: "resources", resources: [v2, v1] }, { source: "poller" });
    expect(again.report).toMatchObject({ stored: 0, unchanged: 1, skipped: [{ reason: "stale-version", count: 1 }] });
  });
});
