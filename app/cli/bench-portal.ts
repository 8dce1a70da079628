/**
 * What the benchmarks that drive production portal processes share (bench-record, bench-booking-race, bench-book):
 * a database of their own on the PostgreSQL server, the production build, portal processes started on it with a
 * fake clinical system, and a percentile.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createSession } from "~/identity/session.server";
import { postgresClient, type Database } from "../../db/connection";

/**
 * The PostgreSQL server on this machine, through its Unix socket when it has one, as a region's server beside its
 * database would be reached: a loopback TCP write charges the sender for the receiving side of the network stack too.
 */
export function localServerUrl(): string {
  const dir = "/var/run/postgresql";
  return existsSync(`${dir}/.s.PGSQL.5432`) ? `postgres://postgres@localhost/postgres?host=${dir}` : "postgres://postgres@127.0.0.1:5432/postgres";
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgresClient(serverUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return databaseUrlFor(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = postgresClient(serverUrl, { max: 1 });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** The production build the portal processes serve (`npm run build`); exits the benchmark when it fails. */
export function buildPortal(): void {
  const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) process.exit(1);
}

/** Node's flags for a portal process, as `npm run start:prod` gives them (package.json's config.portalNodeFlags). */
function portalNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { config?: { portalNodeFlags?: string } };
  return pkg.config?.portalNodeFlags?.split(" ").filter(Boolean) ?? [];
}

export interface Portal {
  url: string;
  child: ChildProcess;
}

export interface PortalOptions {
  /** A V8 CPU profile of the process, written into this folder when it stops (node --cpu-prof). */
  profileDir?: string;
  /** More environment (e.g. a rate limit out of the way of a benchmark whose citizens all come from 127.0.0.1). */
  env?: Record<string, string>;
}

/**
 * A production portal process on the database, as the region runs it (React's production build, Secure cookies),
 * answering on a port of its own once /healthz does. Login itself is never measured: the identity provider is never
 * called, since the virtual users hold sessions already. The clinical system is a name that resolves nowhere
 * (https://clinical.invalid): the relay's deliveries fail and wait to be tried again.
 */
export async function startPortal(databaseUrl: string, options: PortalOptions = {}): Promise<Portal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profiling = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const nodeFlags = process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...profiling, ...portalNodeFlags(), ...nodeFlags, "--import", "tsx", "app/server/main.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      OIDC_ISSUER: "https://e-id.invalid",
      OIDC_CLIENT_ID: "bench",
      OIDC_CLIENT_SECRET: "bench",
      // Production requires a clinical system.
      CLINICAL_FHIR_BASE: "https://clinical.invalid/r4",
      CLINICAL_TOKEN_URL: "https://clinical.invalid/token",
      CLINICAL_CLIENT_ID: "bench",
      CLINICAL_PRIVATE_KEY: generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
      // And the notification channels it offers (nothing is told during a run: no care team answers).
      SMTP_URL: "smtp://smtp.invalid:587",
      SMTP_FROM: "Min vård <no-reply@portal.invalid>",
      SMS_GATEWAY_URL: "https://sms.invalid/send",
      SMS_GATEWAY_TOKEN: "bench",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      PUBLIC_ORIGIN: url,
      DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      SESSION_IDLE_MINUTES: "600",
      ...options.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGTERM");
  throw new Error("the portal did not start");
}

/**
 * The environment of portal processes that take many bookings from virtual citizens: the form limit is per client
 * address, and the relay, which cannot reach the fake clinical system, must never give up on a booking (a failed
 * delivery is a refusal, which would let its slot go during the run).
 */
export const BOOKING_PORTAL_ENV: Record<string, string> = {
  RATE_LIMIT_FORM_POSTS_PER_MINUTE: "1000000",
  CLINICAL_OUTBOX_MAX_ATTEMPTS: "1000000",
};

/** A session row for the person, as a login makes one; the Cookie header's value that presents it. */
export async function sessionCookie(db: Database, personId: string): Promise<string> {
  const session = await createSession(db, { personId }, { idleMs: 10 * 3_600_000, absoluteMs: 10 * 3_600_000, secureCookie: true });
  return session.cookie.split(";")[0] as string;
}

/** The p-th percentile of sorted numbers (NaN for none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

// USER_HZ: 100 on every Linux the portal runs on (getconf CLK_TCK).
export const CLOCK_TICKS = 100;

/**
 * CPU time (user + system) the portal process has used, in ms, from /proc (Linux); NaN elsewhere. `mainThread`: its
 * JavaScript thread only (without the garbage collector's and libuv's helper threads), which is what one process's
 * capacity runs out of.
 */
export function processCpuMs(pid: number | undefined, mainThread = false): number {
  try {
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
/** CPU time of the PostgreSQL server's processes on this machine, in ms (NaN when there are none to read). */
export function databaseCpuMs(): number {
  let total = 0;
  let found = false;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.split(") ")[1]?.split(" ") ?? [];
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      found = true;
    } catch {
      // the process ended
    }
  }
  return found ? total : NaN;
}

/** The server's own processes that write for every database: what a database's commits also cost. */
const SHARED_DATABASE_PROCESSES = /^postgres: .*: (checkpointer|background writer|walwriter)\s*$/;

/**
 * CPU time (ms) of each PostgreSQL process on this machine serving `database` (its backends, and the server's
 * checkpointer, background writer and WAL writer), by pid: with `databaseCpuMsSince`, a database's CPU over an
 * interval that neither other databases' backends (other benchmarks, tests on the same server) nor their ending count in.
 */
export function databaseCpuSnapshot(database: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      if (!title.split(/\s+/).includes(database) && !SHARED_DATABASE_PROCESSES.test(title)) continue;
      const fields = stat.split(") ")[1]?.split(" ") ?? [];
      out.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // the process ended
    }
  }
  return out;
}

/** The CPU (ms) the database's processes used since the snapshot (a process started since counts whole); NaN for none. */
export function databaseCpuMsSince(before: Map<number, number>, database: string): number {
  const after = databaseCpuSnapshot(database);
  if (after.size === 0) return NaN;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
