/**
 * What the benchmarks of a citizen's form posts share (bench-book, bench-booking-race, bench-send): a fresh PostgreSQL
 * database with the demo catalogue and generated patients, a session per virtual citizen, production portal processes
 * on it; a form POSTed as the citizen's browser would; and the two ways of loading the portals: at a fixed rate (open
 * loop) and at saturation (closed loop), every answer's status counted.
 */
import http from "node:http";
import { sql } from "drizzle-orm";
import { adoptConfiguredKeywords } from "~/disclosure/keyword-verdicts.server";
import { openDatabase, rowsOf, type Database, type DatabaseHandle } from "../../db/connection";
import { migrate } from "../../db/migrate";
import { BOOKING_PORTAL_ENV, buildPortal, createDatabase, databaseCpuMsSince, databaseCpuSnapshot, databaseUrlFor, dropDatabase, processCpuMs, sessionCookie, startPortal, type Portal } from "./bench-portal";
import { loadGeneratedPatients } from "./bench-record-data";

export interface Citizen {
  personId: string;
  cookie: string;
  /** A client address of their own (X-Forwarded-For; the portal trusts one proxy in production). */
  address: string;
}

export interface CitizenBench {
  db: Database;
  databaseUrl: string;
  /** The database's name (for databaseCpuSnapshot). */
  databaseName: string;
  citizens: Citizen[];
  portals: Portal[];
  cleanup: () => Promise<void>;
}

export interface CitizenBenchOptions {
  patients: number;
  citizens: number;
  portals: number;
  /** The new database's name starts with this (portal_bench_<name>_<time>). */
  name: string;
  /** A kept database to measure again, without loading (and not dropped). */
  reuse?: string;
}

/** Runs `work` over the items, `concurrency` at a time. */
export async function eachLimited<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

/**
 * A database of the benchmark's own loaded with `patients` generated patients (and the demo catalogue: units, types,
 * 35 days of slots from tomorrow), sessions for up to `citizens` adults among them, and `portals` production portal
 * processes on it (with BOOKING_PORTAL_ENV: no form limit per address, a relay that never gives up). `prepare` runs
 * before the portals start (what the benchmark asks of the domain first, without the portals' CPU beside it).
 * `cleanup` stops the processes and drops the database.
 */
export async function prepareCitizenBench(
  serverUrl: string,
  options: CitizenBenchOptions,
  prepare: (db: Database, citizens: Citizen[]) => Promise<void> = async () => {},
): Promise<CitizenBench> {
  buildPortal();
  const name = options.reuse ?? `portal_bench_${options.name}_${Date.now()}`;
  const databaseUrl = options.reuse ? databaseUrlFor(serverUrl, name) : await createDatabase(serverUrl, name);
  const handle: DatabaseHandle = await openDatabase({ databaseUrl, poolSize: 8 });
  const portals: Portal[] = [];
  const cleanup = async () => {
    for (const p of portals) p.child.kill("SIGTERM");
    await handle.close();
    if (!options.reuse) await dropDatabase(serverUrl, name);
  };
  try {
    const db = handle.db;
    await migrate(handle);
    await adoptConfiguredKeywords(db);
    if (!options.reuse) {
      const loaded = await loadGeneratedPatients(handle, options.patients);
      console.log(`loaded ${loaded.resources.toLocaleString("en")} resources (${options.patients.toLocaleString("en")} generated patients and the demo catalogue) in ${loaded.seconds.toFixed(0)} s`);
      await db.execute(sql`vacuum (analyze)`);
    }

    // Adults who act for themselves.
    const people = rowsOf<{ id: string }>(
      await db.execute(sql`
        select id from people
         where not deceased and personnummer is not null and birth_date < now() - interval '18 years'
         order by id limit ${options.citizens}`),
    );
    const citizens: Citizen[] = [];
    for (const [i, p] of people.entries()) {
      citizens.push({ personId: p.id, cookie: await sessionCookie(db, p.id), address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    }
    await prepare(db, citizens);
    for (let i = 0; i < options.portals; i++) portals.push(await startPortal(databaseUrl, { env: BOOKING_PORTAL_ENV }));
    return { db, databaseUrl, databaseName: name, citizens, portals, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export interface Answer {
  status: number;
  ms: number;
}

/**
 * POSTs a form to `path` as the citizen's browser would (their session cookie, the portal's own Origin, their
 * address), without following the redirect. Status 0: the request failed on the network.
 */
export function postForm(agent: http.Agent, portal: Portal, citizen: Citizen, path: string, form: { contentType: string; body: string | Buffer }): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      `${portal.url}${path}`,
      {
        method: "POST",
        agent,
        headers: {
          cookie: citizen.cookie,
          origin: portal.url,
          "x-forwarded-for": citizen.address,
          "content-type": form.contentType,
          "content-length": Buffer.byteLength(form.body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(form.body);
  });
}

/** One request of a load: the item's form posted to that portal. */
export type Send<T> = (agent: http.Agent, portal: Portal, item: T) => Promise<Answer>;

/** How many answers of each status a run got (0: a network error). */
export class StatusCount {
  readonly counts = new Map<number, number>();
  add(status: number) {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }
  /** How many were not `expected`. */
  others(expected: number): number {
    return [...this.counts].filter(([status]) => status !== expected).reduce((n, [, c]) => n + c, 0);
  }
  toString(): string {
    return [...this.counts].map(([status, n]) => `${status === 0 ? "network error" : status} ×${n}`).join(", ");
  }
}

/**
 * Open loop: item i is sent at start + i/rate, alternately to each portal, whatever the server's speed; latency counts
 * from then (queueing is not hidden). The latencies (ms, sorted) of the answers with status `ok`.
 */
export async function atRate<T>(portals: Portal[], items: T[], rate: number, send: Send<T>, statuses: StatusCount, ok = 303): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const start = performance.now() + 100;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      send(agent, portals[i % portals.length]!, item).then((answer) => {
        statuses.add(answer.status);
        if (answer.status === ok) latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return latencies.sort((a, b) => a - b);
}

export interface Saturation {
  /** Answers with status `ok`. */
  done: number;
  seconds: number;
  /** Their latencies, ms, sorted. */
  latencies: number[];
  portalCpuMs: number;
  databaseCpuMs: number;
  /** The items ran out before the time did. */
  ranOut: boolean;
}

/**
 * Closed loop: `connections` requests at once over the portals until the time or the items run out; the CPU the
 * portals and the database (by its name: its backends and the server's writers) used meanwhile.
 */
export async function saturated<T>(
  portals: Portal[],
  items: T[],
  { seconds, connections, database }: { seconds: number; connections: number; database: string },
  send: Send<T>,
  statuses: StatusCount,
  ok = 303,
): Promise<Saturation> {
  const portalCpu = () => portals.reduce((n, p) => n + processCpuMs(p.child.pid), 0);
  const [portalBefore, databaseBefore] = [portalCpu(), databaseCpuSnapshot(database)];
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      while (next < items.length && performance.now() < until) {
        const answer = await send(agent, portals[c % portals.length]!, items[next++] as T);
        statuses.add(answer.status);
        if (answer.status === ok) latencies.push(answer.ms);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    done: latencies.length,
    seconds: elapsed,
    latencies: latencies.sort((a, b) => a - b),
    portalCpuMs: portalCpu() - portalBefore,
    databaseCpuMs: databaseCpuMsSince(databaseBefore, database),
    ranOut: next >= items.length,
  };
}
