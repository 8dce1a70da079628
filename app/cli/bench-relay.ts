/**
 * Benchmark of the outbox's relay against the clinical system's stand-in with 20 ms of latency per request:
 *
 * 1. deliveries per second of one portal process (a backlog of messages, across the demo's patients);
 * 2. the same with two processes on one PostgreSQL database (PostgreSQL only: PGlite has one connection);
 * 3. the p95 time from commit to delivery while rows arrive at 50 per second.
 *
 *   npm run bench:relay                       # PostgreSQL: BENCH_DATABASE_URL, DATABASE_URL or 127.0.0.1:5432
 *   npm run bench:relay -- --pglite           # one process on PGlite (step 2 is skipped)
 *   npm run bench:relay -- --rows 3000 --latency 20 --rate 50 --seconds 20
 *
 * Targets: ≥ 300 deliveries/s for one process, p95 commit-to-delivery under 1 s at 50 rows/s. A database of its own
 * is made and dropped; the stand-in runs in this process, the second relay process in a child
 * (app/clinical/outbox/relay-process.ts).
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { createClinicalClient } from "~/clinical/client.server";
import { createRelay, type Relay } from "~/clinical/outbox/relay.server";
import { parseSigningKey, publicJwk, type ClinicalSettings } from "~/clinical/settings.server";
import { startClinicalStandIn } from "~/clinical/stand-in/stand-in.server";
import { TEST_SCOPES, writeTargets } from "~/clinical/stand-in/test-stand-in";
import { messageWriteKinds as messageKinds } from "~/clinical/writes/messages.server";
import { enqueueOutgoing } from "~/clinical/writes/test-messages";
import { rowsOf, type Database } from "../../db/connection";
import { createTestDatabase } from "../../db/testing";

const TARGET_RATE = 300;
const TARGET_P95_MS = 1000;
const CLIENT_ID = "bench-relay";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "3000" },
    latency: { type: "string", default: "20" },
    rate: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    concurrency: { type: "string", default: "50" },
    pglite: { type: "boolean", default: false },
  },
});

const RELAY = { maxAttempts: 10, leaseMs: 60_000, pollMs: 250 };

await main();

async function main() {
  const rows = Number(args.rows);
  const latencyMs = Number(args.latency);
  const concurrency = Number(args.concurrency);
  console.log(`Machine: ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GB; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const serverUrl = args.pglite ? undefined : (process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  const database = await createTestDatabase(serverUrl);
  const standIn = await startClinicalStandIn({ port: 0, nodeEnv: "test", demo: { patients: 50 } });
  const pem = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const settings: ClinicalSettings = {
    fhirBase: standIn.fhirBase,
    tokenUrl: standIn.tokenUrl,
    clientId: CLIENT_ID,
    signingKey: parseSigningKey(pem),
    scopes: TEST_SCOPES,
    timeoutMs: 15_000,
  };
  standIn.registerClient(CLIENT_ID, publicJwk(settings.signingKey));
  const client = createClinicalClient(settings);
  const db = database.db;
  try {
    standIn.faults.setLatency(0);
    const { patientIds: subjects, groupInboxIds } = await writeTargets(client);
    standIn.faults.setLatency(latencyMs);
    const recipient = { id: groupInboxIds[0]!, type: "GROUPINBOX" as const };
    console.log(`Stand-in: ${standIn.fhirBase}, ${latencyMs} ms per request; ${subjects.length} patients write to a care unit's group inbox.`);
    let sequence = 0;
    const nextRow = () => {
      const n = sequence++;
      const patientId = subjects[n % subjects.length]!;
      return { personId: patientId, careUnitId: recipient.id, topic: `Bench ${n}`, body: `Message ${n}` };
    };

    // 1. One process, a backlog.
    for (let i = 0; i < rows; i += 500) {
      await db.transaction(async (tx) => {
        for (let j = i; j < Math.min(rows, i + 500); j++) await enqueueOutgoing(tx, nextRow());
      });
    }
    const one = await drain(db, [createRelay({ db, client, kinds: messageKinds, concurrency, ...RELAY })], rows);
    report(`1 process: ${rows} deliveries`, one.ms, rows, TARGET_RATE);

    // 2. Two processes on one PostgreSQL database.
    if (serverUrl) {
      await db.transaction(async (tx) => {
        for (let j = 0; j < rows; j++) await enqueueOutgoing(tx, nextRow());
      });
      const child = spawn(process.execPath, ["--import", "tsx", "app/clinical/outbox/relay-process.ts"], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, LOG_LEVEL: "warn", RELAY_DATABASE_URL: database.url ?? "", RELAY_CONCURRENCY: String(concurrency), RELAY_CLINICAL: JSON.stringify({ ...settings, signingKey: pem }) },
      });
      const two = await drain(db, [createRelay({ db, client, kinds: messageKinds, concurrency, ...RELAY })], rows);
      child.kill("SIGTERM");
      report(`2 processes: ${rows} deliveries`, two.ms, rows, 0);
      const twice = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from clinical_outbox where state = 'delivered'`))[0]!.n;
      const sent = standIn.inspect.messages().filter((m) => m.subject.startsWith("Bench ")).length;
      console.log(`   ${twice} rows delivered, ${sent} messages made in the stand-in (one per row: ${sent === twice ? "yes" : "NO"})`);
    } else {
      console.log("2 processes: skipped on PGlite (one connection in one process).");
    }

    // 3. Commit to delivery at a steady rate.
    const rate = Number(args.rate);
    const seconds = Number(args.seconds);
    const relay = createRelay({ db, client, kinds: messageKinds, concurrency, ...RELAY });
    relay.start();
    const total = rate * seconds;
    const started = Date.now();
    const firstId = rowsOf<{ n: number }>(await db.execute(sql`select coalesce(max(id), 0)::int as n from clinical_outbox`))[0]!.n;
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      await sleep(due - Date.now());
      await enqueueOutgoing(db, nextRow());
    }
    await waitFor(db, firstId, total);
    await relay.stop();
    const latencies = rowsOf<{ ms: number }>(
      await db.execute(sql`select extract(epoch from (finished_at - created_at)) * 1000 as ms from clinical_outbox where id > ${firstId} order by 1`),
    ).map((r) => Number(r.ms));
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const p95 = p(0.95);
    console.log(
      `3. ${total} rows at ${rate}/s: commit to delivery p50 ${p(0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms ` +
        `(target p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? "met" : "NOT met"})`,
    );
  } finally {
    await standIn.stop();
    await database.destroy();
  }
}

async function drain(db: Database, relays: Relay[], expected: number): Promise<{ ms: number }> {
  const firstOpen = rowsOf<{ n: number }>(await db.execute(sql`select coalesce(min(id), 1)::int - 1 as n from clinical_outbox where state = 'pending'`))[0]!.n;
  const started = performance.now();
  for (const relay of relays) relay.start();
  await waitFor(db, firstOpen, expected);
  const ms = performance.now() - started;
  await Promise.all(relays.map((r) => r.stop()));
  return { ms };
}

async function waitFor(db: Database, afterId: number, expected: number): Promise<void> {
  for (;;) {
    const [counts] = rowsOf<{ done: number; failed: number }>(
      await db.execute(sql`select count(*) filter (where state in ('delivered', 'failed'))::int as done, count(*) filter (where state = 'failed')::int as failed from clinical_outbox where id > ${afterId}`),
    );
    if (counts!.failed > 0) throw new Error(`${counts!.failed} rows failed: the benchmark measures deliveries, not refusals`);
    if (counts!.done >= expected) return;
    await sleep(20);
  }
}

function report(label: string, ms: number, rows: number, target: number) {
  const rate = (rows * 1000) / ms;
  const verdict = target ? ` (target ≥ ${target}/s: ${rate >= target ? "met" : "NOT met"})` : "";
  console.log(`${label} in ${(ms / 1000).toFixed(2)} s: ${rate.toFixed(0)} deliveries/s${verdict}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
