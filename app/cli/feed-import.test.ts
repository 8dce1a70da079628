import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf, type DatabaseHandle } from "../../db/connection";
import { testServerUrl } from "../../db/testing";
import { bundle, entry, ndjsonText, nestedExtensions, observation, organization, patient, POISONS, ref, urn } from "../feed/test-factories";

/**
 * `npm run feed:import` end to end, as a separate process: against a throwaway PostgreSQL database when
 * TEST_DATABASE_URL/DATABASE_URL is set, else a PGlite directory of its own (never the app's ./.data).
 */

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function importer(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "app/cli/feed-import.ts", ...args], { cwd: process.cwd(), env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let work: string;
let env: NodeJS.ProcessEnv;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "feed-import-"));
  env = { ...process.env, NODE_ENV: "test", DEMO_DATA: "false", LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const server = testServerUrl();
  if (server) {
    const name = `feed_import_test_${randomBytes(5).toString("hex")}`;
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const a = postgres(server, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    env.PGLITE_DIR = path.join(work, "db", "pglite");
  }
  const data = path.join(work, "export");
  await mkdir(data, { recursive: true });
  await writeFile(
    path.join(data, "Observation.ndjson"),
    [
      JSON.stringify(observation({ id: "o1", subject: ref("Patient", "p1"), value: 1 })),
      '{"resourceType": "Observation", "id": "broken"',
      JSON.stringify({ ...observation({ id: "o2", subject: ref("Patient", "p1") }), effectiveDateTime: "last tuesday" }),
      JSON.stringify({ resourceType: "Claim", id: "c1" }),
    ].join("\n"),
  );
  await writeFile(path.join(data, "Patient.ndjson"), `${JSON.stringify(patient({ id: "p1", pnr: "198001019986" }))}\n`);
  await writeFile(
    path.join(data, "bundle.json"),
    JSON.stringify(bundle([entry(patient({ id: "p2" }), { fullUrl: urn("p2") }), entry(observation({ id: "o3", subject: { reference: urn("p2") } }))], "transaction")),
  );
  await writeFile(path.join(data, "manifest.json"), JSON.stringify({ transactionTime: "2026-03-15T10:00:00Z", request: "x", output: [] }));
}, 120_000);

afterAll(async () => {
  await dropDatabase?.();
  await rm(work, { recursive: true, force: true });
});

async function withDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, poolSize: 1 });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

describe("npm run feed:import", () => {
  it("imports folders of NDJSON and Bundles, reports per type, and exits 1 when anything was rejected", async () => {
    const result = await importer([path.join(work, "export")], env);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^Observation\s+3\s+2\s+0\s+0\s+0\s+0\s+1$/m);
    expect(result.stdout).toMatch(/^Claim\s+1\s+0\s+0\s+0\s+0\s+1\s+0$/m);
    expect(result.stdout).toMatch(/^\(unknown\)\s+1\s+0\s+0\s+0\s+0\s+0\s+1$/m);
    expect(result.stdout).toMatch(/^Patient\s+2\s+2\s+0\s+0\s+0\s+0\s+0$/m);
    expect(result.stdout).toMatch(/skipped 1: unsupported-type/);
    expect(result.stdout).toMatch(/Observation\.ndjson:2 \?\/\?: Invalid JSON/);
    expect(result.stdout).toMatch(/Observation\.ndjson:3 Observation\/o2: Invalid FHIR dateTime.* at Observation\.effectiveDateTime/);
    await withDatabase(async ({ db }) => {
      const entries = rowsOf<{ id: string; person_id: string }>(await db.execute(sql`SELECT id, person_id FROM record_entries ORDER BY id`));
      expect(entries).toEqual([
        { id: "o1", person_id: "p1" },
        { id: "o3", person_id: "p2" },
      ]);
      const letters = rowsOf<{ source: string }>(await db.execute(sql`SELECT source FROM dead_letters ORDER BY id`));
      expect(letters.map((l) => l.source)).toEqual(["cli:Observation.ndjson", "cli:Observation.ndjson"]);
    });
  }, 180_000);

  it("reports each file it cannot read, by name and why, and goes on with the next ones", async () => {
    const folder = path.join(work, "poisoned");
    await mkdir(folder, { recursive: true });
    // Organization files are imported first: the bad ones come before everything else.
    await writeFile(path.join(folder, "0.Organization.json"), '{"resourceType": "Bundle", "type": "batch", "entry": [}');
    await writeFile(path.join(folder, "1.Organization.json"), Buffer.from(`\uFEFF${JSON.stringify(organization({ id: "utf16" }))}`, "utf16le"));
    await symlink(path.join(folder, "nowhere.json"), path.join(folder, "2.Organization.json"));
    const deep = `{"resource":{"resourceType":"Organization","id":"deep","extension":${nestedExtensions(100_000)}}}`;
    const beside = JSON.stringify(entry(organization({ id: "beside" })));
    await writeFile(path.join(folder, "3.Organization.json"), `{"resourceType":"Bundle","type":"collection","entry":[${deep},${beside}]}`);
    const lines = [...POISONS.map((p, i) => p.text(`poisoned-${i}`)), Buffer.from(JSON.stringify(organization({ id: "fine" })))];
    await writeFile(path.join(folder, "4.Organization.ndjson"), ndjsonText(lines));
    await writeFile(path.join(folder, "Patient.ndjson"), `${JSON.stringify(patient({ id: "after" }))}\n`);

    const result = await importer([folder], env);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^Could not read: .*0\.Organization\.json: Malformed JSON: .* at line 1, column 55/m);
    expect(result.stdout).toMatch(/^Could not read: .*1\.Organization\.json: Not valid UTF-8, and malformed JSON/m);
    expect(result.stdout).toMatch(/^Could not read: .*2\.Organization\.json: ENOENT/m);
    expect(result.stdout).toMatch(/^Organization\s+3\s+2\s+0\s+0\s+0\s+0\s+1$/m);
    expect(result.stdout).toMatch(new RegExp(`^Observation\\s+${POISONS.length}\\s+0\\s+0\\s+0\\s+0\\s+0\\s+${POISONS.length}$`, "m"));
    expect(result.stdout).toMatch(/^Patient\s+1\s+1\s/m);
    await withDatabase(async ({ db }) => {
      const units = rowsOf<{ id: string }>(await db.execute(sql`SELECT id FROM care_units ORDER BY id`));
      expect(units.map((u) => u.id)).toEqual(["beside", "fine"]);
      expect(rowsOf(await db.execute(sql`SELECT id FROM people WHERE id = 'after'`))).toHaveLength(1);
      const letters = rowsOf<{ source: string; reason: string }>(
        await db.execute(sql`SELECT source, reason FROM dead_letters WHERE source LIKE '%Organization%' ORDER BY id`),
      );
      expect(letters.map((l) => l.source)).toEqual(["cli:3.Organization.json", ...POISONS.map(() => "cli:4.Organization.ndjson")]);
      expect(letters[0]?.reason).toMatch(/deeper than 64 levels/);
      POISONS.forEach((p, i) => expect(letters[i + 1]?.reason).toMatch(p.reason));
    });
  }, 180_000);

  it("prints a JSON summary, and finds everything unchanged the second time", async () => {
    const result = await importer([path.join(work, "export", "Patient.ndjson"), path.join(work, "export", "bundle.json"), "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").pop()!) as Record<string, number>;
    expect(summary).toMatchObject({ received: 3, stored: 0, unchanged: 3, rejectedCount: 0, files: 2 });
    expect(summary.peakRssBytes).toBeGreaterThan(0);
    expect(summary.resourcesPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it("explains wrong usage with exit code 2", async () => {
    const none = await importer([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: npm run feed:import/);
    const txt = path.join(work, "notes.txt");
    await writeFile(txt, "");
    expect((await importer([txt], env)).code).toBe(2);
  }, 60_000);

  it.skipIf(Boolean(testServerUrl()))("refuses a PGlite directory that a running server holds", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    const dir = path.join(work, "held", "pglite");
    await mkdir(path.dirname(dir), { recursive: true });
    await writeFile(`${dir}.lock`, `${holder.pid}@${hostname()}`);
    try {
      const result = await importer([path.join(work, "export", "Patient.ndjson")], { ...env, PGLITE_DIR: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/in use by process \d+/);
    } finally {
      holder.kill();
    }
  }, 60_000);
});
