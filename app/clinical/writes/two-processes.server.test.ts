import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/connection";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../../../db/testing";
import { createRelay } from "../outbox/relay.server";
import { startTestStandIn, writeTargets, type TestStandIn } from "../stand-in/test-stand-in";
import { messageWriteKinds as messageKinds } from "./messages.server";
import { enqueueOutgoing } from "./test-messages";

/**
 * Two portal processes, each with its relay, on one PostgreSQL database, delivering to the stand-in over HTTP: every
 * row once, none twice. (PGlite is one connection in one process: there two processes cannot share a database.)
 */

describe.skipIf(!testServerUrl())("two portal processes on one PostgreSQL database", () => {
  let t: TestStandIn;
  let database: TestDatabase;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    t = await startTestStandIn({ demo: { patients: 0 } });
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    child?.kill("SIGKILL");
    await t?.standIn.stop();
    await database?.destroy();
  });

  it("deliver 1,000 messages between them, each made once in the clinical system", async () => {
    const { patientIds, groupInboxIds } = await writeTargets(t.client);
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) {
        const patientId = patientIds[i % patientIds.length]!;
        await enqueueOutgoing(tx, { personId: patientId, careUnitId: groupInboxIds[0]!, topic: `Två processer ${i}`, body: String(i) });
      }
    });
    const key = t.signingKey;
    const jwk = JSON.stringify({ ...key.key.export({ format: "jwk" }), kid: key.kid, alg: key.alg });
    child = spawn(process.execPath, ["--import", "tsx", path.resolve("app/clinical/outbox/relay-process.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, LOG_LEVEL: "warn", RELAY_DATABASE_URL: database.url, RELAY_CONCURRENCY: "20", RELAY_CLINICAL: JSON.stringify({ ...t.settings, signingKey: jwk }) },
    });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on("line", (line) => line.includes('"ready":true') && resolve());
      child!.once("exit", (code) => reject(new Error(`the relay process exited (${code})`)));
    });
    const relay = createRelay({ db: database.db, client: t.client, kinds: messageKinds, concurrency: 20, maxAttempts: 10, leaseMs: 60_000, settleMs: 5_000 });
    relay.start();
    try {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const [open] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from clinical_outbox where state <> 'delivered'`));
        if (open!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await relay.stop();
      child.kill("SIGTERM");
    }
    const rows = rowsOf<{ claimed_by: string; message_id: string }>(
      await database.db.execute(sql`select claimed_by, result->>'messageId' as message_id from clinical_outbox where state = 'delivered'`),
    );
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(1000);
    const made = t.standIn.inspect.messages().filter((m) => m.subject.startsWith("Två processer "));
    expect(made).toHaveLength(1000);
    expect(new Set(made.map((m) => m.subject)).size).toBe(1000);
    // Both processes took part (how the rows split depends on who claims first after each delivery, one row per
    // patient being claimable at a time).
    const shares = new Map<string, number>();
    for (const row of rows) shares.set(row.claimed_by, (shares.get(row.claimed_by) ?? 0) + 1);
    expect(shares.size).toBe(2);
    for (const share of shares.values()) expect(share).toBeGreaterThan(20);
  }, 120_000);
});
