import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, rowsOf, type Database } from "../../../db/connection";
import { clinicalOutbox, rateLimits } from "../../../db/schema";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../../../db/testing";
import { enqueue } from "./outbox.server";
import { createRelay, type RelayOptions } from "./relay.server";
import { Clinic, outboxRows, Process, TEST_KIND, testKind, type ReadFault, type WriteFault } from "./test-clinic";

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.destroy();
});
beforeEach(async () => {
  await db.execute(sql`truncate clinical_outbox restart identity`);
});

const FAST = { maxAttempts: 20, concurrency: 10, leaseMs: 60_000, backoff: { baseMs: 1, maxMs: 4 }, settleMs: 0, pollMs: 5 };

function relayFor(process: Process, options: Partial<RelayOptions<Process>> = {}) {
  return createRelay<Process>({ db, client: process, kinds: { [TEST_KIND]: testKind }, ...FAST, ...options });
}

async function book(subjectPersonId: string, slot: string): Promise<number> {
  return enqueue(db, { kind: TEST_KIND, subjectPersonId, payload: { slot } });
}

/** Makes every pending row due now, so that a test need not wait out a backoff. */
async function dueNow(): Promise<void> {
  await db.execute(sql`update clinical_outbox set next_attempt_at = now() where state = 'pending'`);
}

describe("enqueue", () => {
  it("writes the row in the caller's transaction: with the feature's own state, or not at all", async () => {
    await db.transaction(async (tx) => {
      await tx.insert(rateLimits).values({ key: "booked-1", hits: 1, windowEndsAt: new Date() });
      await enqueue(tx, { kind: TEST_KIND, subjectPersonId: "p1", payload: { slot: "s1" } });
    });
    await db
      .transaction(async (tx) => {
        await tx.insert(rateLimits).values({ key: "booked-2", hits: 1, windowEndsAt: new Date() });
        await enqueue(tx, { kind: TEST_KIND, subjectPersonId: "p1", payload: { slot: "s2" } });
        throw new Error("the feature changed its mind");
      })
      .catch(() => {});
    const rows = await db.select({ payload: clinicalOutbox.payload, state: clinicalOutbox.state }).from(clinicalOutbox);
    expect(rows).toEqual([{ payload: { slot: "s1" }, state: "pending" }]);
    const local = await db.select({ key: rateLimits.key }).from(rateLimits);
    expect(local.map((r) => r.key).filter((k) => k.startsWith("booked-"))).toEqual(["booked-1"]);
  });
});

describe("the relay", () => {
  it("delivers a row once and keeps what the clinical system made", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    expect(await relayFor(new Process(clinic)).deliverDue()).toBe(1);
    const [row] = await outboxRows(db);
    expect(row).toMatchObject({ id, state: "delivered", attempts: 1, result: { id: clinic.effects[0]?.id } });
    expect(clinic.effectsOf(id)).toHaveLength(1);
    expect(clinic.reads.get(id)).toBeUndefined();
  });

  it.each<[string, WriteFault]>([
    ["the answer was lost after the effect", "lost"],
    ["the answer came too late after the effect", "timeout-after"],
  ])("reads back after %s, and does not write again", async (_, fault) => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, [fault]);
    const relay = relayFor(new Process(clinic));
    await relay.deliverDue();
    expect((await outboxRows(db))[0]).toMatchObject({ state: "pending", uncertain: true, last_error: { uncertain: true } });
    await dueNow();
    await relay.deliverDue();
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivered", attempts: 2, result: { id: clinic.effects[0]?.id } });
    expect(clinic.effectsOf(id)).toHaveLength(1);
    expect(clinic.writes.get(id)).toBe(1);
  });

  it.each<[string, WriteFault]>([
    ["a 500", "500"],
    ["a 503", "503"],
    ["a timeout", "timeout"],
  ])("reads back after %s, finds nothing and writes", async (_, fault) => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, [fault]);
    const relay = relayFor(new Process(clinic));
    await relay.deliverDue();
    await dueNow();
    await relay.deliverDue();
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivered", attempts: 2 });
    expect(clinic.reads.get(id)).toBe(1);
    expect(clinic.writes.get(id)).toBe(2);
    expect(clinic.effectsOf(id)).toHaveLength(1);
  });

  it("waits as a 429's Retry-After says, and writes next without reading back (nothing was done)", async () => {
    const clinic = new Clinic();
    clinic.retryAfterMs = 3000;
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, ["429"]);
    const relay = relayFor(new Process(clinic), { backoff: { baseMs: 10, maxMs: 10 } });
    await relay.deliverDue();
    const [row] = await outboxRows(db);
    expect(row).toMatchObject({ state: "pending", uncertain: false, last_error: { status: 429 } });
    expect(row?.next_attempt_in_ms).toBeGreaterThan(2500);
    expect(row?.next_attempt_in_ms).toBeLessThanOrEqual(3000);
    expect(await relay.deliverDue()).toBe(0);
    await dueNow();
    await relay.deliverDue();
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivered" });
    expect(clinic.reads.get(id)).toBeUndefined();
  });

  it.each<[WriteFault]>([["400"], ["422"]])("fails a row the clinical system refuses with %s, with its OperationOutcome, at once", async (fault) => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, [fault]);
    await relayFor(new Process(clinic)).deliverDue();
    const [row] = await outboxRows(db);
    expect(row).toMatchObject({
      state: "failed",
      attempts: 1,
      last_error: { kind: "status", status: Number(fault), uncertain: false, outcome: { resourceType: "OperationOutcome" } },
    });
    expect(clinic.effectsOf(id)).toHaveLength(0);
  });

  it("takes a 422 that is its own earlier booking, landed late, for the delivery it is", async () => {
    const clinic = new Clinic();
    clinic.uniqueSlots = true;
    const id = await book("p1", "s1");
    // The first POST times out; the clinical system books the slot only after the next attempt has read back.
    clinic.writeFaults.set(id, ["timeout"]);
    const relay = relayFor(new Process(clinic));
    await relay.deliverDue();
    clinic.landLater({ id, subjectPersonId: "p1", slot: "s1" });
    await dueNow();
    await relay.deliverDue();
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivered", result: { id: clinic.effects[0]?.id } });
    expect(clinic.effectsOf(id)).toHaveLength(1);
  });

  it("after an attempt that may have taken effect, reads back no sooner than the settling time, so a late write is seen", async () => {
    const clinic = new Clinic();
    const [uncertainId, certainId] = [await book("p1", "s1"), await book("p2", "s2")];
    clinic.writeFaults.set(uncertainId, ["lost"]);
    clinic.writeFaults.set(certainId, ["token"]);
    await relayFor(new Process(clinic), { settleMs: 5_000, backoff: { baseMs: 10, maxMs: 10 } }).deliverDue();
    const [uncertain, certain] = await outboxRows(db);
    expect(uncertain).toMatchObject({ state: "pending", uncertain: true });
    expect(uncertain?.next_attempt_in_ms).toBeGreaterThan(4500);
    // Nothing was sent: no reason to wait longer than the backoff.
    expect(certain).toMatchObject({ state: "pending", uncertain: false });
    expect(certain?.next_attempt_in_ms).toBeLessThan(1000);
  });

  it("fails a row after the configured number of attempts, with the last error", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, ["503", "503", "503", "503"]);
    const relay = relayFor(new Process(clinic), { maxAttempts: 3 });
    for (let i = 0; i < 4; i++) {
      await dueNow();
      await relay.deliverDue();
    }
    expect((await outboxRows(db))[0]).toMatchObject({ state: "failed", attempts: 3, last_error: { status: 503 } });
    expect(clinic.writes.get(id)).toBe(3);
  });

  it("waits exponentially longer after each failure, with jitter", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, ["token", "token", "token", "token"]);
    const draws = [0, 1, 0, 1];
    const relay = relayFor(new Process(clinic), { backoff: { baseMs: 10_000, maxMs: 60_000 }, random: () => draws.shift() ?? 0 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await dueNow();
      await relay.deliverDue();
      waits.push((await outboxRows(db))[0]?.next_attempt_in_ms ?? 0);
    }
    // Half of 10 s, all of 20 s, half of 40 s, all of 60 s (the cap): each within a second of it.
    [5_000, 20_000, 20_000, 60_000].forEach((expected, i) => expect(Math.abs((waits[i] ?? 0) - expected)).toBeLessThan(1000));
    expect(clinic.writes.get(id)).toBe(4);
  });

  it("delivers a subject's rows one at a time in order, and different subjects' at once", async () => {
    const clinic = new Clinic();
    clinic.latencyMs = 10;
    const ids: Record<string, number[]> = {};
    for (let i = 0; i < 5; i++) {
      for (const subject of ["p1", "p2", "p3", "p4"]) (ids[subject] ??= []).push(await book(subject, `${subject}-s${i}`));
    }
    // The first row of p2 fails once: p2's later rows wait for it rather than overtake it.
    clinic.writeFaults.set(ids.p2?.[0] ?? 0, ["503"]);
    const relay = relayFor(new Process(clinic));
    for (let round = 0; round < 20 && (await outboxRows(db)).some((r) => r.state !== "delivered"); round++) {
      await dueNow();
      await relay.deliverDue();
    }
    expect((await outboxRows(db)).every((r) => r.state === "delivered")).toBe(true);
    expect(clinic.maxInFlightPerSubject).toBe(1);
    expect(clinic.maxInFlight).toBe(4);
    for (const [subject, rows] of Object.entries(ids)) {
      expect(clinic.effects.filter((e) => e.subjectPersonId === subject).map((e) => e.rowId)).toEqual(rows);
      expect(clinic.callOrder.get(subject)).toEqual([...(clinic.callOrder.get(subject) ?? [])].sort((a, b) => a - b));
    }
  });

  it("running, delivers many rows at once: 300 rows against 20 ms per request in well under the 6 s of one at a time", async () => {
    const clinic = new Clinic();
    clinic.latencyMs = 20;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) await enqueue(tx, { kind: TEST_KIND, subjectPersonId: `p${i}`, payload: { slot: `s${i}` } });
    });
    const relay = relayFor(new Process(clinic), { concurrency: 50 });
    const started = Date.now();
    relay.start();
    while (clinic.effects.length < 300 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    const elapsed = Date.now() - started;
    await relay.stop();
    console.info(`outbox relay: 300 deliveries in ${elapsed} ms (${Math.round(300_000 / elapsed)}/s) against 20 ms per request`);
    expect((await outboxRows(db)).every((r) => r.state === "delivered")).toBe(true);
    expect(clinic.effects).toHaveLength(300);
    expect(elapsed).toBeLessThan(4000);
    expect(clinic.maxInFlight).toBeGreaterThan(10);
  });

  it("leaves a killed relay's row until its lease runs out, then another relay reads back and does not write again", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    const later = await book("p1", "s2");
    clinic.writeFaults.set(id, ["killed-after"]);
    const first = new Process(clinic);
    void relayFor(first, { leaseMs: 300 }).deliverDue();
    await first.died;
    const second = relayFor(new Process(clinic), { leaseMs: 300 });
    expect(await second.deliverDue()).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(await second.deliverDue()).toBe(1);
    const rows = await outboxRows(db);
    expect(rows[0]).toMatchObject({ id, state: "delivered", attempts: 2, claimed_by: second.id });
    expect(rows[1]).toMatchObject({ id: later, state: "pending" });
    expect(clinic.effectsOf(id)).toHaveLength(1);
    expect(clinic.writes.get(id)).toBe(1);
  });

  it("ignores what a relay whose lease ran out learns afterwards: the row is the relay's that took it over", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, ["stalled-after"]);
    const slow = relayFor(new Process(clinic), { leaseMs: 100 });
    const slowDelivery = slow.deliverDue();
    await new Promise((r) => setTimeout(r, 150));
    const second = relayFor(new Process(clinic), { leaseMs: 100 });
    expect(await second.deliverDue()).toBe(1);
    clinic.releaseStalled();
    await slowDelivery;
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivered", attempts: 2, claimed_by: second.id, last_error: null });
    expect(clinic.effectsOf(id)).toHaveLength(1);
  });

  it("stops without waiting longer than it is allowed for a delivery that does not end", async () => {
    const clinic = new Clinic();
    const id = await book("p1", "s1");
    clinic.writeFaults.set(id, ["stalled-after"]);
    const relay = relayFor(new Process(clinic), { stopWaitMs: 200 });
    relay.start();
    while (clinic.effects.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await outboxRows(db))[0]).toMatchObject({ state: "delivering", uncertain: true });
    clinic.releaseStalled();
  });

  it("claims no row of a kind it has no handler for", async () => {
    await enqueue(db, { kind: "other.kind", subjectPersonId: "p1", payload: {} });
    expect(await relayFor(new Process(new Clinic())).deliverDue()).toBe(0);
    expect((await outboxRows(db))[0]).toMatchObject({ state: "pending", attempts: 0 });
  });
});

const WRITE_FAULTS: WriteFault[] = ["ok", "lost", "timeout-after", "timeout", "500", "503", "429", "400", "422", "token"];
// A killed relay's rows wait for its lease to run out: rarer, to keep the property fast.
const writeFault = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...WRITE_FAULTS) }, { weight: 1, arbitrary: fc.constantFrom<WriteFault>("killed-after", "killed-before") });
const READ_FAULTS: ReadFault[] = ["ok", "500", "timeout"];

it("ends every row delivered with exactly one effect or failed with a reason, in order per subject, whatever the faults", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          subject: fc.constantFrom("p1", "p2", "p3"),
          writeFaults: fc.array(writeFault, { maxLength: 3 }),
          readFaults: fc.array(fc.constantFrom(...READ_FAULTS), { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      async (plans) => {
        await db.execute(sql`delete from clinical_outbox`);
        const clinic = new Clinic();
        const ids: number[] = [];
        for (const [i, plan] of plans.entries()) {
          const id = await book(plan.subject, `slot-${i}`);
          ids.push(id);
          clinic.writeFaults.set(id, [...plan.writeFaults]);
          clinic.readFaults.set(id, [...plan.readFaults]);
        }
        let process = new Process(clinic);
        let relay = relayFor(process, { leaseMs: 60 });
        for (let round = 0; ; round++) {
          const claimed = await Promise.race([relay.deliverDue(), process.died.then(() => -1)]);
          if (claimed === -1) {
            process = new Process(clinic);
            relay = relayFor(process, { leaseMs: 60 });
          } else if (claimed === 0) {
            const open = (await outboxRows(db)).filter((r) => r.state === "pending" || r.state === "delivering");
            if (open.length === 0) break;
            if (round > 500) throw new Error(`not delivered: ${JSON.stringify(open)}`);
            await new Promise((r) => setTimeout(r, 3));
          }
        }
        const rows = await outboxRows(db);
        for (const row of rows) {
          const effects = clinic.effectsOf(row.id);
          if (row.state === "delivered") {
            expect(effects).toHaveLength(1);
            expect(row.result?.id).toBe(effects[0]?.id);
          } else {
            expect(row.state).toBe("failed");
            expect(effects).toHaveLength(0);
            expect([400, 422]).toContain(row.last_error?.status);
          }
        }
        for (const subject of new Set(plans.map((p) => p.subject))) {
          const order = clinic.callOrder.get(subject) ?? [];
          expect(order).toEqual([...order].sort((a, b) => a - b));
          const mine = rows.filter((r) => r.subject_person_id === subject && r.state === "delivered").map((r) => r.id);
          expect(clinic.effects.filter((e) => e.subjectPersonId === subject).map((e) => e.rowId)).toEqual(mine);
        }
        expect(clinic.maxInFlightPerSubject).toBeLessThanOrEqual(1);
      },
    ),
    { numRuns: 200 },
  );
}, 240_000);

// Two relays of two processes need two connections to one database: PGlite is one connection inside one process, so
// there the claim is serial by construction and the test would prove nothing about SKIP LOCKED or the leases.
describe.skipIf(!testServerUrl())("two relays on one PostgreSQL database", () => {
  it("deliver 1,000 rows between them, none twice, in order per subject", async () => {
    const clinic = new Clinic();
    clinic.latencyMs = 2;
    const values = Array.from({ length: 1000 }, (_, i) => ({ kind: TEST_KIND, subjectPersonId: `p${i % 20}`, payload: { slot: `s${i}` } }));
    await db.insert(clinicalOutbox).values(values);
    const url = new URL(testServerUrl() ?? "");
    url.pathname = `/${rowsOf<{ name: string }>(await db.execute(sql`select current_database() as name`))[0]?.name}`;
    const pools = await Promise.all([0, 1].map(() => openDatabase({ databaseUrl: url.toString(), poolSize: 3 })));
    try {
      const relays = pools.map((pool) =>
        createRelay<Process>({ db: pool.db, client: new Process(clinic), kinds: { [TEST_KIND]: testKind }, ...FAST, concurrency: 20 }),
      );
      for (const relay of relays) relay.start();
      const started = Date.now();
      while (Date.now() - started < 30_000) {
        const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(clinicalOutbox).where(sql`state <> 'delivered'`);
        if (left?.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await Promise.all(relays.map((r) => r.stop()));
      const rows = await outboxRows(db);
      expect(rows.filter((r) => r.state === "delivered")).toHaveLength(1000);
      expect(clinic.effects).toHaveLength(1000);
      expect(new Set(clinic.effects.map((e) => e.rowId)).size).toBe(1000);
      expect([...clinic.writes.values()].every((n) => n === 1)).toBe(true);
      expect(clinic.maxInFlightPerSubject).toBe(1);
      // Both took part. Only one row per subject is claimable at a time (20 here), so how the rows split between the
      // two depends on who claims first after each delivery: on a busy machine one may get under a tenth.
      for (const relay of relays) expect(rows.filter((r) => r.claimed_by === relay.id).length).toBeGreaterThan(20);
      for (const [, order] of clinic.callOrder) expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});
