import type { Communication, Slot } from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { ingestBatch } from "./ingest.server";
import { applyMessageListAnswer } from "./messages.server";
import { applyFreeSlotAnswer } from "./slots.server";
import { rows, truncateFeedTables } from "./test-factories";

/** What the poller's answers (free slots, message lists) say about rows the read model holds. */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});
beforeEach(async () => {
  await truncateFeedTables(database.db);
});

const day = (n: number) => new Date(Date.UTC(2030, 0, n, 9)).toISOString();
const slot = (id: string, n: number, status: "free" | "busy" = "free", code = "provtagning"): Slot => ({
  resourceType: "Slot",
  id,
  meta: { versionId: "1", lastUpdated: "2029-12-01T00:00:00Z" },
  schedule: { reference: "Schedule/s1" },
  serviceType: [{ coding: [{ code }] }],
  status,
  start: day(n),
  end: day(n).replace("09:", "10:"),
});
const ingest = (resources: unknown[]) => ingestBatch(database.db, { kind: "resources", resources }, { source: "test" });
const statuses = async () => Object.fromEntries((await rows<{ id: string; status: string }>(database.db, sql`select id, status from slots`)).map((r) => [r.id, r.status]));
const later = async () => new Date(Date.now() + 1000);

describe("applyFreeSlotAnswer", () => {
  it("marks taken the free slots of the code and window the answer lacks, and frees them again when listed", async () => {
    await ingest([slot("a", 2), slot("b", 3), slot("c", 4, "busy"), slot("d", 40), slot("e", 3, "free", "vaccination")]);
    const window = { serviceType: "provtagning", from: new Date(day(1)), to: new Date(day(30)) };
    expect(await applyFreeSlotAnswer(database.db, { ...window, freeIds: ["a"], searchedAt: await later() })).toEqual({ taken: 1, freed: 0 });
    expect(await statuses()).toEqual({ a: "free", b: "busy", c: "busy", d: "free", e: "free" });
    // The same version listed again: free again. A slot busy in its own resource stays busy.
    expect(await applyFreeSlotAnswer(database.db, { ...window, freeIds: ["a", "b", "c"], searchedAt: await later() })).toEqual({ taken: 0, freed: 1 });
    expect(await statuses()).toEqual({ a: "free", b: "free", c: "busy", d: "free", e: "free" });
  });

  it("leaves a slot that arrived after the search began to the next answer", async () => {
    const searchedAt = new Date(Date.now() - 60_000);
    await ingest([slot("a", 2)]);
    await applyFreeSlotAnswer(database.db, { serviceType: "provtagning", from: new Date(day(1)), to: new Date(day(30)), freeIds: [], searchedAt });
    expect(await statuses()).toEqual({ a: "free" });
  });
});

describe("applyMessageListAnswer", () => {
  const message = (id: string, n: number, status: Communication["status"] = "completed"): Communication => ({
    resourceType: "Communication",
    id,
    meta: { versionId: "1", lastUpdated: day(n) },
    status,
    subject: { reference: "Patient/p1" },
    sender: { reference: "Organization/o1" },
    sent: day(n),
    payload: [{ contentString: "Hej" }],
  });
  const shown = async () => (await rows<{ id: string }>(database.db, sql`select id from messages where deleted_at is null order by id`)).map((r) => r.id);

  it("hides the person's messages of the window that neither list holds, and shows them again when listed", async () => {
    await ingest([message("m1", 2), message("m2", 3), message("m3", 40), message("m4", 4, "entered-in-error")]);
    const window = { personId: "p1", from: new Date(day(1)), to: new Date(day(30)) };
    expect(await applyMessageListAnswer(database.db, { ...window, listedIds: ["m1"], askedAt: await later() })).toEqual({ hidden: 1, shown: 0 });
    expect(await shown()).toEqual(["m1", "m3"]);
    expect(await applyMessageListAnswer(database.db, { ...window, listedIds: ["m1", "m2", "m4"], askedAt: await later() })).toEqual({ hidden: 0, shown: 1 });
    expect(await shown()).toEqual(["m1", "m2", "m3"]);
  });
});
