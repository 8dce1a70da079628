/**
 * Benchmark of the clinical feed's bulk import: generates demo data as Bulk Data NDJSON (npm run feed:generate),
 * imports it with `npm run feed:import` into a fresh PostgreSQL database, and prints resources per second and the
 * importer's peak memory against the targets (5,000 resources/s, under 400 MB).
 *
 *   npm run bench:feed                                 # 2,000 patients (~200 MB, ~220,000 resources), a few minutes
 *   npm run bench:feed -- --size 1GB                   # ~10,000 patients (~1 GB, ~1.1 million resources)
 *   npm run bench:feed -- --patients 500 --format bundle --reimport --keep
 *
 * Options: --patients N or --size 200MB|1GB (about 100 kB per patient); --format ndjson|bundle (bundle: one Bundle
 * file per resource type, streamed with stream-json); --reimport (import the same files again: every resource
 * unchanged); --keep (keep the database and the files); --out DIR (default bench-out/feed-<patients>, reused when
 * present); --pglite (import into a fresh PGlite directory instead). The PostgreSQL server is BENCH_DATABASE_URL,
 * else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; a database bench_feed_<random> is created
 * on it and dropped at the end.
 *
 * The machine may be shared: the load average is printed, and the CPU seconds used by the importer and by its
 * database backends, so that the figures can be read against what the machine had to give.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { openDatabase, postgresClient } from "../../db/connection";
import { migrate } from "../../db/migrate";
import { adoptConfiguredKeywords } from "~/disclosure/keyword-verdicts.server";

const USAGE =
  "Usage: npm run bench:feed -- [--patients N | --size 200MB|1GB] [--format ndjson|bundle] [--reimport] [--keep] [--out DIR] [--pglite]";
const TARGET_RATE = 5000;
const TARGET_RSS = 400 * 1024 * 1024;
const BYTES_PER_PATIENT = 100 * 1024;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(kb|mb|gb)?$/i.exec(text.trim());
  if (!m) fail(`--size: cannot read ${text}`);
  const unit = (m[2] ?? "mb").toLowerCase();
  return Number(m[1]) * (unit === "gb" ? 1024 ** 3 : unit === "mb" ? 1024 ** 2 : 1024);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        patients: { type: "string" },
        size: { type: "string" },
        format: { type: "string", default: "ndjson" },
        reimport: { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        out: { type: "string" },
        pglite: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.patients && parsed.size) fail("Give --patients or --size, not both.");
  const patients = parsed.size ? Math.max(1, Math.round(parseSize(parsed.size) / BYTES_PER_PATIENT)) : Number(parsed.patients ?? 2000);
  if (!Number.isInteger(patients) || patients < 1) fail("--patients must be a whole number above 0");
  if (parsed.format !== "ndjson" && parsed.format !== "bundle") fail("--format is ndjson or bundle");
  const out = path.resolve(parsed.out ?? `bench-out/feed-${patients}`);
  return { patients, format: parsed.format as "ndjson" | "bundle", reimport: parsed.reimport, keep: parsed.keep, out, pglite: parsed.pglite };
}

const tsx = path.resolve("node_modules/.bin/tsx");
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const nf = new Intl.NumberFormat("en-US");

function run(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      onLine?.(line);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, lines }));
  });
}

async function generate(patients: number, dir: string): Promise<void> {
  if (existsSync(path.join(dir, "manifest.json"))) {
    console.log(`Using the data already in ${dir}.`);
    return;
  }
  console.log(`Generating ${nf.format(patients)} patients into ${dir} …`);
  const { code } = await run(["app/cli/feed-generate.ts", "--patients", String(patients), "--out", dir, "--today", "2026-03-15T10:00:00Z"], process.env, (l) => {
    if (l.startsWith("Wrote")) console.log(l);
  });
  if (code !== 0) throw new Error("feed:generate failed");
}

/** One Bundle (type collection) per NDJSON file, written line by line: the same resources, for the streamed path. */
async function bundleFiles(ndjsonDir: string): Promise<string> {
  const dir = `${ndjsonDir}-bundles`;
  if (existsSync(path.join(dir, "done"))) return dir;
  await mkdir(dir, { recursive: true });
  for (const name of (await readdir(ndjsonDir)).filter((n) => n.endsWith(".ndjson"))) {
    const out = createWriteStream(path.join(dir, name.replace(/\.ndjson$/, ".json")));
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, "drain");
    };
    await write('{"resourceType":"Bundle","type":"collection","entry":[\n');
    let first = true;
    for await (const line of createInterface({ input: createReadStream(path.join(ndjsonDir, name)) })) {
      if (!line.trim()) continue;
      await write(`${first ? "" : ",\n"}{"resource":${line}}`);
      first = false;
    }
    await write("\n]}\n");
    out.end();
    await once(out, "finish");
  }
  createWriteStream(path.join(dir, "done")).end();
  return dir;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) if (/\.(nd)?json$/.test(name) && name !== "manifest.json") total += (await stat(path.join(dir, name))).size;
  return total;
}

/** CPU seconds (user + system) of local processes, read from /proc; null where /proc is not there. */
async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface ImportSummary {
  received: number;
  stored: number;
  unchanged: number;
  rejectedCount: number;
  seconds: number;
  resourcesPerSecond: number;
  peakRssBytes: number;
  cpuSeconds: number;
  bytes: number;
  database: string;
}

async function importOnce(dir: string, env: NodeJS.ProcessEnv, admin: postgres.Sql | null, dbName: string | null) {
  const backends = new Map<number, number>();
  const sample = async () => {
    if (!admin || !dbName) return;
    const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${dbName}`;
    for (const { pid } of rows) {
      const cpu = await cpuSeconds(pid);
      if (cpu !== null) backends.set(pid, Math.max(backends.get(pid) ?? 0, cpu));
    }
  };
  const sampler = setInterval(() => void sample().catch(() => {}), 500);
  const load = loadavg()[0]!;
  const result = await run(["app/cli/feed-import.ts", dir, "--json"], env);
  clearInterval(sampler);
  await sample().catch(() => {});
  const summaryLine = result.lines.reverse().find((l) => l.startsWith("{"));
  if (!summaryLine) throw new Error(`feed:import printed no summary (exit code ${result.code})`);
  const summary = JSON.parse(summaryLine) as ImportSummary;
  return { summary, code: result.code, load, backendCpu: [...backends.values()].reduce((a, b) => a + b, 0) };
}

async function main() {
  const o = options();
  await mkdir(path.dirname(o.out), { recursive: true });
  await generate(o.patients, o.out);
  const dir = o.format === "bundle" ? await bundleFiles(o.out) : o.out;
  const bytes = await folderBytes(dir);
  console.log(`Input: ${mb(bytes)} of ${o.format === "bundle" ? "Bundle files" : "NDJSON"} in ${dir}`);

  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  let admin: postgres.Sql | null = null;
  let dbName: string | null = null;
  let pgliteDir: string | null = null;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", DEMO_DATA: "false" };
  delete env.DATABASE_URL;
  if (o.pglite) {
    pgliteDir = path.join(await mkdtemp(path.join(tmpdir(), "bench-feed-")), "pglite");
    env.PGLITE_DIR = pgliteDir;
    console.log(`Database: a fresh PGlite in ${pgliteDir}`);
    const handle = await openDatabase({ pgliteDir });
    await migrate(handle);
    // As a portal process does at start-up: the import then judges each entry against the keywords as it writes it.
    await adoptConfiguredKeywords(handle.db);
    await handle.close();
  } else {
    admin = postgresClient(serverUrl, { max: 1 });
    dbName = `bench_feed_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
    console.log(`Database: ${dbName} on ${url.host} (PostgreSQL ${(await admin`SHOW server_version`)[0]!.server_version})`);
    const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
    await migrate(handle);
    await adoptConfiguredKeywords(handle.db);
    await handle.close();
  }

  let failed = false;
  try {
    const runs: [string, Awaited<ReturnType<typeof importOnce>>][] = [];
    runs.push(["import", await importOnce(dir, env, admin, dbName)]);
    if (o.reimport) runs.push(["re-import (all unchanged)", await importOnce(dir, env, admin, dbName)]);
    console.log("");
    for (const [label, r] of runs) {
      const s = r.summary;
      const rate = s.resourcesPerSecond;
      console.log(`${label}: ${nf.format(s.received)} resources (${mb(s.bytes)}) in ${s.seconds.toFixed(1)} s`);
      console.log(`  rate          ${nf.format(Math.round(rate))} resources/s   (target ≥ ${nf.format(TARGET_RATE)}: ${rate >= TARGET_RATE ? "met" : "NOT met"})`);
      console.log(`  peak memory   ${mb(s.peakRssBytes)} RSS of the importer   (target < ${mb(TARGET_RSS)}: ${s.peakRssBytes < TARGET_RSS ? "met" : "NOT met"})`);
      console.log(`  CPU           importer ${s.cpuSeconds.toFixed(1)} s${r.backendCpu ? `, database backends ${r.backendCpu.toFixed(1)} s` : ""}`);
      console.log(`  load average  ${r.load.toFixed(1)} at the start, on ${cpus().length} CPUs`);
      console.log(`  stored ${nf.format(s.stored)}, unchanged ${nf.format(s.unchanged)}, rejected ${nf.format(s.rejectedCount)} (exit code ${r.code})`);
      if (r.code !== 0 || s.rejectedCount) failed = true;
    }
    if (admin && dbName) {
      const sizes = await admin.unsafe(`SELECT pg_size_pretty(pg_database_size('${dbName}')) AS size`);
      console.log(`Database size after import: ${sizes[0]!.size}`);
    }
  } finally {
    if (admin && dbName) {
      if (o.keep) console.log(`Kept database ${dbName}.`);
      else await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    if (pgliteDir && !o.keep) await rm(path.dirname(pgliteDir), { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`bench:feed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
