// `npm run bench:record`: how fast the record pages (and the booking pages of free times and appointments, and the
// messages' inbox and a conversation) are at 2,000 and 20,000 patients.
//
// For each size: a fresh PostgreSQL database, generated patients loaded through the feed, a production build of the
// portal serving it, and virtual users (each a different patient, logged in by a session row of their own). Then:
//   capacity  requests/s per page at saturation (10 connections, autocannon), beside the accessibility statement (a
//             page of the same build that reads no patient data), and their ratio; the pages take turns (--rounds);
//   latency   p50/p95/p99 per page at a fixed arrival rate (open loop: requests are sent on a schedule, whatever the
//             server's speed, and latency counts from the scheduled time, so queueing is not hidden); the sizes take
//             turns (--rounds), each size's portal running until the end;
//   plans     EXPLAIN (ANALYZE, BUFFERS) of every query the pages make, for one patient: planned for its values, and
//             the generic plan PostgreSQL may keep for the prepared statement.
// Flags: --sizes 2000,20000  --capacity-seconds 12 (per page, in --rounds 6 turns)  --latency-seconds 30  --rate 50  --users 200
//        --keep (keep each size's database)  --reuse NAME (measure a kept database again, without loading; one size)
// Besides each page's ratio over the whole run, it prints the spread of the ratio over the rounds: how far apart two
// measurements a few seconds apart fall on this machine. It ends with each target, met or not.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { bookableTypes, bookingUnits } from "~/booking/booking.server";
import { recordRules } from "~/disclosure/exclusions.server";
import { listConversations } from "~/messages/conversations.server";
import { pageJavaScript } from "./page-javascript";
import { adoptConfiguredKeywords, judgeAllEntries } from "~/disclosure/keyword-verdicts.server";
import { openDatabase, postgresClient, rowsOf, type DatabaseHandle } from "../../db/connection";
import { migrate } from "../../db/migrate";
import { loadGeneratedPatients, recordPageQueries } from "./bench-record-data";
import { buildPortal, CLOCK_TICKS, createDatabase, databaseCpuMs, processCpuMs, databaseUrlFor, dropDatabase, localServerUrl, percentile, sessionCookie, startPortal } from "./bench-portal";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "2000,20000" },
    "capacity-seconds": { type: "string", default: "12" },
    // Short turns: this machine's speed drifts by a quarter within minutes, and should fall on every page alike.
    rounds: { type: "string", default: "6" },
    "latency-seconds": { type: "string", default: "30" },
    rate: { type: "string", default: "50" },
    users: { type: "string", default: "200" },
    "server-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? localServerUrl() },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
    // Only the pages whose names contain one of these (comma-separated), for quick before-and-after runs.
    pages: { type: "string" },
    // A V8 CPU profile of the portal process, written into this folder when it stops (node --cpu-prof).
    profile: { type: "string" },
  },
});

// A reused database is of one size: measured once.
const sizes = args.sizes.split(",").map((s) => Number(s.trim())).slice(0, args.reuse ? 1 : undefined);
const capacitySeconds = Number(args["capacity-seconds"]);
const rounds = Math.max(1, Number(args.rounds));
const latencySeconds = Number(args["latency-seconds"]);
const rate = Number(args.rate);
const userCount = Number(args.users);

interface User {
  personId: string;
  cookie: string;
  trendCode: string;
  /** The booking page's path of a type they may book: /appointments/book/<unitId>/<typeId>. */
  bookingPath: string;
  /** The id of one of their conversations, the newest the inbox shows them (/messages/<id>). */
  conversationId: string;
}

interface Page {
  name: string;
  path: (user: User) => string;
  /** Sent with the virtual user's session cookie. */
  loggedIn: boolean;
  /** A page of the citizen's own data (the record's, booking's or messages'): also measured for latency, and held to the targets. */
  record: boolean;
}

const NO_DATA_PAGE = "no-data page (accessibility statement)";
const NO_DATA_PAGE_LOGGED_IN = "  the same page, logged in";

const allPages: Page[] = [
  { name: "overview", path: () => "/record", loggedIn: true, record: true },
  { name: "results list", path: () => "/record/results", loggedIn: true, record: true },
  { name: "trend", path: (u) => `/record/results/${encodeURIComponent(u.trendCode)}`, loggedIn: true, record: true },
  { name: "notes list", path: () => "/record/notes", loggedIn: true, record: true },
  // Booking: next week's free times of a type the citizen may book, and their appointments.
  { name: "free times (week)", path: (u) => `${u.bookingPath}?week=1`, loggedIn: true, record: true },
  { name: "my appointments", path: () => "/appointments", loggedIn: true, record: true },
  // Messages: the inbox's first page, and a conversation of theirs, opened before (see benchSize: the first opening
  // marks the care team's messages read, a write and an outbox row; measured is the read after it).
  { name: "inbox", path: () => "/messages", loggedIn: true, record: true },
  { name: "conversation", path: (u) => `/messages/${encodeURIComponent(u.conversationId)}`, loggedIn: true, record: true },
  // The comparison the targets name: the same build's page that reads no patient data, as anyone reads it.
  { name: NO_DATA_PAGE, path: () => "/accessibility", loggedIn: false, record: false },
  // The same page for a logged-in citizen: with the session lookup and page header every personal page has.
  { name: NO_DATA_PAGE_LOGGED_IN, path: () => "/accessibility", loggedIn: true, record: false },
];

const pageFilter = args.pages?.split(",").map((s) => s.trim());
const pages = pageFilter ? allPages.filter((p) => !p.record || pageFilter.some((f) => p.name.includes(f))) : allPages;

/** The targets (issues #5 and #24): capacity against the no-data page, p95 at the fixed rate, p95 growth with size, JavaScript. */
const TARGET = { capacityRatio: 0.4, p95Ms: 50, p95Growth: 1.5, pageJavaScriptKb: 120 } as const;

/** A ratio to three places, cut (not rounded), so that a ratio just below a target never prints as the target. */
function ratioText(ratio: number): string {
  return (Math.floor(ratio * 1000) / 1000).toFixed(3);
}

function verdict(met: boolean): string {
  return met ? "met" : "NOT met";
}

function median(sorted: number[]): number {
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The machine's CPU time, busy and in all, in ms, from /proc/stat (Linux); NaN elsewhere. */
function machineCpuMs(): { busy: number; total: number } {
  try {
    const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/**
 * How often the portal's JavaScript thread was taken off its core while it could have run (Linux; NaN elsewhere):
 * on a machine it shares with PostgreSQL, a backend woken by the portal's query may run there first.
 */
function preemptions(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/task/${pid}/status`, "utf8");
    return Number(/nonvoluntary_ctxt_switches:\s*(\d+)/.exec(status)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}


interface Capacity {
  rps: number;
  /** The portal process's CPU per request: steadier than requests/s on a shared machine, and what a page costs. */
  cpuMsPerRequest: number;
  /** The same, of the portal's JavaScript thread alone. */
  mainThreadMsPerRequest: number;
  /** The database server's CPU per request (when it runs on this machine): it shares the 2 cores. */
  databaseCpuMsPerRequest: number;
  /** How busy the whole machine was (0–1): below 1, something other than CPU held the page back. */
  machineBusy: number;
  /** Times per request the portal's JavaScript thread was taken off its core (see `preemptions`). */
  preemptionsPerRequest: number;
  /** Requests/s in each round (see `capacities`): paired with the no-data page's in the same round. */
  roundRps: number[];
}

interface Slice {
  requests: number;
  seconds: number;
  cpuMs: number;
  mainThreadMs: number;
  databaseCpuMs: number;
  machineBusyMs: number;
  machineTotalMs: number;
  preemptions: number;
}

/** One slice of a page's capacity run: requests answered, in how long, and the portal's CPU for them. */
async function capacitySlice(base: string, pid: number | undefined, page: Page, users: User[], seconds: number): Promise<Slice> {
  let next = 0;
  const cpuBefore = processCpuMs(pid);
  const mainBefore = processCpuMs(pid, true);
  const databaseBefore = databaseCpuMs();
  const machineBefore = machineCpuMs();
  const preemptedBefore = preemptions(pid);
  const result = await autocannon({
    url: base,
    connections: 10,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const user = users[next++ % users.length] as User;
          return { ...req, method: "GET", path: page.path(user), headers: page.loggedIn ? { cookie: user.cookie } : {} };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    console.warn(`  ! ${page.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return {
    requests: result.requests.total,
    seconds: result.duration,
    cpuMs: processCpuMs(pid) - cpuBefore,
    mainThreadMs: processCpuMs(pid, true) - mainBefore,
    databaseCpuMs: databaseCpuMs() - databaseBefore,
    machineBusyMs: machineCpuMs().busy - machineBefore.busy,
    machineTotalMs: machineCpuMs().total - machineBefore.total,
    preemptions: preemptions(pid) - preemptedBefore,
  };
}

/**
 * Every page's capacity, measured in turns: each round gives each page a slice of the time, so that a change in the
 * machine's speed during the run (seen here: up to 2× within minutes) falls on all pages alike, not on whichever was
 * measured then. A page's figure is over all its slices.
 */
async function capacities(base: string, pid: number | undefined, users: User[]): Promise<Map<string, Capacity>> {
  const slices = new Map<string, Slice[]>(pages.map((p) => [p.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const page of pages) slices.get(page.name)?.push(await capacitySlice(base, pid, page, users, capacitySeconds / rounds));
  }
  const out = new Map<string, Capacity>();
  for (const [name, list] of slices) {
    const requests = list.reduce((n, s) => n + s.requests, 0);
    const seconds = list.reduce((n, s) => n + s.seconds, 0);
    out.set(name, {
      rps: requests / seconds,
      cpuMsPerRequest: list.reduce((n, s) => n + s.cpuMs, 0) / requests,
      mainThreadMsPerRequest: list.reduce((n, s) => n + s.mainThreadMs, 0) / requests,
      databaseCpuMsPerRequest: list.reduce((n, s) => n + s.databaseCpuMs, 0) / requests,
      machineBusy: list.reduce((n, s) => n + s.machineBusyMs, 0) / list.reduce((n, s) => n + s.machineTotalMs, 0),
      preemptionsPerRequest: list.reduce((n, s) => n + s.preemptions, 0) / requests,
      roundRps: list.map((s) => s.requests / s.seconds),
    });
  }
  return out;
}

/** Open loop: request i is due at start + i/rate, whatever happened to the others; latency counts from then. */
async function latency(base: string, users: User[], seconds: number): Promise<Map<string, number[]>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const byPage = new Map<string, number[]>(pages.filter((p) => p.record).map((p) => [p.name, []]));
  const recordPages = pages.filter((p) => p.record);
  const total = Math.round(rate * seconds);
  const start = performance.now() + 100;
  const inFlight: Promise<void>[] = [];
  let failures = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const page = recordPages[i % recordPages.length] as Page;
    const user = users[(i * 7) % users.length] as User;
    inFlight.push(
      new Promise<void>((resolve) => {
        const req = http.get(`${base}${page.path(user)}`, { agent, headers: { cookie: user.cookie } }, (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode !== 200) failures++;
            byPage.get(page.name)?.push(performance.now() - due);
            resolve();
          });
        });
        req.on("error", () => {
          failures++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  if (failures > 0) console.warn(`  ! ${failures} requests failed or answered other than 200`);
  return byPage;
}

/**
 * Every size's latency, measured in turns as capacity is (see `capacities`): each round gives each size a slice of
 * the time, so that the machine's state (its speed, and the disk still writing back what a load left) falls on all
 * sizes alike, and the p95 growth from the smallest size to the largest measures the data, not the moment. Each
 * portal first gets one unmeasured slice: the other sizes' loads and runs have had the machine since its own.
 */
async function latencies(runs: SizeRun[]): Promise<void> {
  for (const run of runs) await latency(run.portal.url, run.users, 4);
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      for (const [name, list] of await latency(run.portal.url, run.users, latencySeconds / rounds)) run.lat.get(name)?.push(...list);
    }
  }
  for (const run of runs) for (const list of run.lat.values()) list.sort((a, b) => a - b);
}

/**
 * Each query's plan twice: planned for these values (as the first runs of a statement are), and the generic plan
 * PostgreSQL may keep for the prepared statement the portal runs it as (see runNamed), forced here to show it.
 */
async function explainPlans(handle: DatabaseHandle, databaseUrl: string, user: User): Promise<string[]> {
  const out: string[] = [];
  const queries = await recordPageQueries(handle, user.personId, user.trendCode, user.conversationId);
  const client = postgresClient(databaseUrl, { max: 1 });
  try {
    await client.unsafe("set plan_cache_mode = force_generic_plan");
    for (const [i, { name, query }] of queries.entries()) {
      const custom = rowsOf<Record<string, string>>(
        await handle.db.execute(sql.raw(`explain (analyze, buffers, costs off, timing on) ${inline(query.sql, query.params)}`)),
      );
      await client.unsafe(`prepare plan_${i} as ${query.sql}`);
      const args = query.params.length > 0 ? `(${query.params.map((v) => literal(v)).join(", ")})` : "";
      const generic = await client.unsafe<Record<string, string>[]>(`explain (analyze, buffers, costs off, timing on) execute plan_${i}${args}`);
      const text = (rows: Record<string, string>[]) => rows.map((r) => Object.values(r)[0]).join("\n");
      out.push(`── ${name}, planned for its values\n${text(custom)}\n── ${name}, generic plan of the prepared statement\n${text(generic)}`);
    }
  } finally {
    await client.end();
  }
  return out;
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `'{${v.map((x) => `"${String(x).replace(/["\\]/g, "\\$&").replace(/'/g, "''")}"`).join(",")}}'`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return `'${v.toISOString()}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
}

interface SizeRun {
  patients: number;
  resources: number;
  users: User[];
  portal: { url: string; child: ChildProcess };
  cap: Map<string, Capacity>;
  baseline: Capacity;
  loggedInBaseline: Capacity;
  /** Each record page's latencies at the fixed rate, in ms, sorted (see `latencies`). */
  lat: Map<string, number[]>;
  /** The plans of the pages' queries for one patient (see `explainPlans`). */
  plans: () => Promise<string[]>;
}

/** What to undo when the run ends: each size's portal, database connections and (unless kept) database. */
const cleanups: (() => Promise<void>)[] = [];

/**
 * One size: a database loaded with generated patients, virtual users, a portal serving it, and each page's capacity.
 * The portal keeps running, for the latency turns of every size (`latencies`).
 */
async function benchSize(patients: number): Promise<SizeRun> {
  const name = args.reuse ?? `portal_bench_${patients}_${Date.now()}`;
  const serverUrl = args["server-url"];
  console.log(`\n══ ${patients.toLocaleString("en")} generated patients (database ${name})`);
  const databaseUrl = args.reuse ? databaseUrlFor(serverUrl, name) : await createDatabase(serverUrl, name);
  const handle = await openDatabase({ databaseUrl, poolSize: 4 });
  // Set once started; the cleanup may run before that.
  let portal: { url: string; child: ChildProcess } | undefined = undefined;
  cleanups.push(async () => {
    portal?.child.kill("SIGTERM");
    await handle.close();
    if (!args.keep && !args.reuse) await dropDatabase(serverUrl, name);
  });
  await migrate(handle);
  // As a portal process does at start-up: the configured keywords, which entries are judged against as they load.
  await adoptConfiguredKeywords(handle.db);
  const loaded = args.reuse
    ? { resources: rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from record_entries`))[0]?.n ?? 0, seconds: 0 }
    : await loadGeneratedPatients(handle, patients);
  const people = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from people`))[0]?.n ?? 0;
  console.log(
    `loaded ${loaded.resources.toLocaleString("en")} resources for ${people.toLocaleString("en")} people in ${loaded.seconds.toFixed(0)} s`,
  );
  // Entries a reused database holds from before (none after a load): judged now, not during the measurement.
  await judgeAllEntries(handle.db, { pauseMs: 0 });
  // A database in service has had autovacuum's pass and a checkpoint over what was loaded: measure that, not their
  // catch-up (writing the load's dirty pages while the pages' access-log commits wait on the disk).
  await handle.db.execute(sql`vacuum (analyze)`);
  await handle.db.execute(sql`checkpoint`);

  const subjects = rowsOf<{ person_id: string; code: string }>(
    await handle.db.execute(sql`
      select distinct on (e.person_id) e.person_id, e.code
      from record_entries e join people p on p.id = e.person_id
      where e.section = 'results' and e.code is not null and e.deleted_at is null and not p.deceased
        and p.personnummer is not null and p.birth_date < now() - interval '18 years'
      group by e.person_id, e.code having count(*) > 2
      order by e.person_id, count(*) desc limit ${userCount * 6}`),
  );
  if (subjects.length === 0) throw new Error("no adult patients with repeated results were generated");
  const users: User[] = [];
  const rules = await recordRules(handle.db);
  for (const s of subjects) {
    if (users.length === userCount) break;
    // The first type of the first unit the booking page offers them (the unit whose care they are in comes first);
    // a patient who may book none is not a virtual user (the booking pages are measured for every one).
    const now = new Date();
    const [unit] = await bookingUnits(handle.db, { subjectId: s.person_id, now });
    const [type] = unit ? await bookableTypes(handle.db, { subjectId: s.person_id, unitId: unit.id, now }) : [];
    if (!unit || !type) continue;
    // The newest conversation their inbox shows (as the messages domain lists it); a patient without one is not a
    // virtual user either (about 4 adults in 10 have written to their care centre in the generated data).
    const [conversation] = (await listConversations(handle.db, { subjectId: s.person_id, rules, page: 1 })).conversations;
    if (!conversation) continue;
    const bookingPath = `/appointments/book/${encodeURIComponent(unit.id)}/${encodeURIComponent(type.id)}`;
    users.push({ personId: s.person_id, cookie: await sessionCookie(handle.db, s.person_id), trendCode: s.code, bookingPath, conversationId: conversation.id });
  }
  if (users.length === 0) throw new Error("no adult patient with repeated results, a conversation and a type to book was generated");
  if (users.length < userCount) console.warn(`  ! ${users.length} virtual users of the ${userCount} asked for`);

  portal = await startPortal(databaseUrl, args.profile ? { profileDir: args.profile } : {});
  for (const page of pages) {
    const res = await fetch(`${portal.url}${page.path(users[0] as User)}`, { headers: { cookie: (users[0] as User).cookie }, redirect: "manual" });
    if (res.status !== 200) throw new Error(`${page.name} answered ${res.status}`);
  }
  // Each virtual user's conversation opened once: the generated care messages arrive unread, and the first opening
  // marks them read (an update and an outbox row telling the clinical system). Measured is a conversation opened again,
  // the same in every round; the first opening's write is not in the figures.
  if (pages.some((p) => p.name === "conversation")) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < users.length) {
          const user = users[next++] as User;
          const res = await fetch(`${portal!.url}/messages/${encodeURIComponent(user.conversationId)}`, { headers: { cookie: user.cookie }, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`a conversation answered ${res.status}`);
        }
      }),
    );
  }
  // Warm up: JIT, connection pool, PostgreSQL buffers.
  for (const page of pages) await autocannon({ url: portal.url, connections: 4, duration: 2, requests: [{ path: page.path(users[0] as User), headers: { cookie: (users[0] as User).cookie } }] });

  const cap = await capacities(portal.url, portal.child.pid, users);
  const plans = () => {
    process.env.BENCH_CAPTURE_URL = databaseUrl;
    return explainPlans(handle, databaseUrl, users[0] as User);
  };
  return {
    patients: people,
    resources: loaded.resources,
    users,
    portal,
    cap,
    baseline: cap.get(NO_DATA_PAGE) as Capacity,
    loggedInBaseline: cap.get(NO_DATA_PAGE_LOGGED_IN) as Capacity,
    lat: new Map(pages.filter((p) => p.record).map((p) => [p.name, []])),
    plans,
  };
}

buildPortal();

// The browser's share: what a first visit to each record page downloads in JavaScript (gzipped), from the manifest.
const RECORD_ROUTE_CHAINS: [string, string[]][] = [
  ["overview", ["root", "routes/record", "routes/record._index"]],
  ["results list", ["root", "routes/record", "routes/record.results._index"]],
  ["trend", ["root", "routes/record", "routes/record.results.$code"]],
  ["notes list", ["root", "routes/record", "routes/record.notes"]],
  ["inbox", ["root", "routes/messages", "routes/messages._index"]],
  ["conversation", ["root", "routes/messages", "routes/messages.$id"]],
];
const javaScript = RECORD_ROUTE_CHAINS.map(([name, chain]) => ({ name, ...pageJavaScript(chain) }));

console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`);
const runs: SizeRun[] = [];
let plans: string[] = [];
try {
  for (const size of sizes) runs.push(await benchSize(size));
  await latencies(runs);
  plans = (await runs[runs.length - 1]?.plans()) ?? [];
} finally {
  for (const cleanup of cleanups) await cleanup();
}

console.log("\n══ capacity at saturation (10 connections), requests/s");
for (const run of runs) {
  console.log(`${run.patients.toLocaleString("en")} patients (${run.resources.toLocaleString("en")} resources, ${run.users.length} virtual users):`);
  for (const [name, { rps, cpuMsPerRequest, mainThreadMsPerRequest, databaseCpuMsPerRequest, machineBusy, preemptionsPerRequest }] of run.cap) {
    console.log(
      `  ${name.padEnd(42)} ${rps.toFixed(0).padStart(6)} req/s   ratio to no-data page ${ratioText(rps / run.baseline.rps)}` +
        ` (logged in: ${ratioText(rps / run.loggedInBaseline.rps)})` +
        `   CPU per request: portal ${cpuMsPerRequest.toFixed(2)} ms (its JavaScript thread ${mainThreadMsPerRequest.toFixed(2)}),` +
        ` database ${databaseCpuMsPerRequest.toFixed(2)} ms;` +
        ` machine ${(machineBusy * 100).toFixed(0)} % busy;` +
        ` portal taken off its core ${preemptionsPerRequest.toFixed(2)}× a request`,
    );
  }
  console.log("  the ratio to the no-data page in each round (the two measured a few seconds apart), lowest–median–highest:");
  for (const [name, { roundRps }] of run.cap) {
    if (name === NO_DATA_PAGE || name === NO_DATA_PAGE_LOGGED_IN) continue;
    const ratios = roundRps.map((rps, i) => rps / (run.baseline.roundRps[i] as number)).sort((a, b) => a - b);
    const loggedIn = roundRps.map((rps, i) => rps / (run.loggedInBaseline.roundRps[i] as number)).sort((a, b) => a - b);
    const spread = (list: number[]) => `${ratioText(list[0] as number)}–${ratioText(median(list))}–${ratioText(list[list.length - 1] as number)}`;
    console.log(`  ${name.padEnd(42)} ${spread(ratios)} (logged in: ${spread(loggedIn)})`);
  }
}
console.log(`\n══ latency at ${rate} requests/s (open loop, spread over the pages; the sizes in turns), ms`);
for (const run of runs) {
  console.log(`${run.patients.toLocaleString("en")} patients:`);
  for (const [name, list] of run.lat) {
    console.log(
      `  ${name.padEnd(18)} n=${String(list.length).padStart(4)}  p50 ${percentile(list, 50).toFixed(1).padStart(6)}  p95 ${percentile(list, 95).toFixed(1).padStart(6)}  p99 ${percentile(list, 99).toFixed(1).padStart(6)}`,
    );
  }
}
// How much each page's p95 grows from the smallest size to the largest (none with one size).
const [small, large] = [runs[0], runs[runs.length - 1]] as [SizeRun, SizeRun];
const p95Growth = new Map(
  runs.length >= 2 ? [...large.lat].map(([name, list]) => [name, percentile(list, 95) / percentile(small.lat.get(name) ?? [], 95)]) : [],
);
if (p95Growth.size > 0) {
  console.log(`\n══ p95 at ${large.patients.toLocaleString("en")} vs ${small.patients.toLocaleString("en")} patients`);
  for (const [name, growth] of p95Growth) console.log(`  ${name.padEnd(18)} ${growth.toFixed(2)}×`);
}
console.log("\n══ targets");
for (const [label, baselineOf] of [
  [`capacity at least ${TARGET.capacityRatio} of the no-data page's, every record page`, (run: SizeRun) => run.baseline],
  ["  the same, against the no-data page logged in", (run: SizeRun) => run.loggedInBaseline],
] as const) {
  const verdicts = runs.map((run) => {
    const [lowestName, lowest] = [...run.cap]
      .filter(([name]) => pages.some((p) => p.record && p.name === name))
      .map(([name, c]) => [name, c.rps / baselineOf(run).rps] as const)
      .sort((a, b) => a[1] - b[1])[0] ?? ["-", NaN];
    return `${run.patients.toLocaleString("en")} patients ${verdict(lowest >= TARGET.capacityRatio)} (lowest ${ratioText(lowest)}, ${lowestName})`;
  });
  console.log(`  ${label}: ${verdicts.join("; ")}`);
}
const highestP95 = runs.map((run) => Math.max(...[...run.lat.values()].map((list) => percentile(list, 95))));
console.log(
  `  p95 under ${TARGET.p95Ms} ms at ${rate} requests/s: ` +
    runs.map((run, i) => `${run.patients.toLocaleString("en")} patients ${verdict((highestP95[i] as number) < TARGET.p95Ms)} (highest ${(highestP95[i] as number).toFixed(1)} ms)`).join("; "),
);
if (p95Growth.size > 0) {
  const growth = Math.max(...p95Growth.values());
  console.log(
    `  p95 at ${large.patients.toLocaleString("en")} patients within ${TARGET.p95Growth}× of ${small.patients.toLocaleString("en")}: ` +
      `${verdict(growth <= TARGET.p95Growth)} (highest ${growth.toFixed(2)}×)`,
  );
}
const heaviest = Math.max(...javaScript.map((j) => j.gzipBytes));
console.log(`  JavaScript of a record page under ${TARGET.pageJavaScriptKb} kB gzipped: ${verdict(heaviest < TARGET.pageJavaScriptKb * 1000)} (largest ${(heaviest / 1000).toFixed(1)} kB)`);
console.log("\n══ JavaScript a first visit downloads (gzipped, from the build's manifest and metafile; texts of the heavier language)");
for (const { name, files, gzipBytes, namespaces, language } of javaScript) {
  console.log(`  ${name.padEnd(14)} ${(gzipBytes / 1000).toFixed(1).padStart(6)} kB in ${files} files (texts: ${namespaces.join(", ")}; ${language})`);
}
console.log("\n══ query plans (largest size, one patient)");
console.log(plans.join("\n\n"));
process.exit(0);
