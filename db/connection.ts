import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { acquirePgliteLock } from "./pglite-lock";
import { DEFAULT_POOL_SIZE } from "./pool";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The database, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction on it: what domain functions take. */
export type Queryable = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  pgliteDir?: string;
  /** An already-open PGlite (tests load a pre-migrated data directory into one). */
  pglite?: PGlite;
  poolSize?: number;
}

/**
 * An embedded PostgreSQL with the extensions the migrations create (btree_gist: bookings' exclusion constraint), in
 * `dir` or in memory.
 */
export function createPglite(dir?: string, options: PGliteOptions = {}): Promise<PGlite> {
  return PGlite.create(dir, { ...options, extensions: { btree_gist } });
}

/**
 * A server on this machine is reached through its Unix socket, as libpq names it: `?host=/var/run/postgresql` (the
 * socket's folder). postgres.js takes the socket's path as an option instead, and would send `host` to the server.
 */
export function socketOf(databaseUrl: string): { url: string; socketPath?: string } {
  const url = new URL(databaseUrl);
  const host = url.searchParams.get("host");
  if (!host?.startsWith("/")) return { url: databaseUrl };
  url.searchParams.delete("host");
  return { url: url.toString(), socketPath: `${host.replace(/\/$/, "")}/.s.PGSQL.${url.port || 5432}` };
}

/**
 * Queries one connection may have in flight before postgres.js sends the next to another. Far above the default 100:
 * up to 3.4.10, a transaction whose BEGIN is the query that fills a connection's pipeline is sent without the
 * connection being reserved for it (porsager/postgres#823, #1189; fix proposed in #1218, not released), which fails
 * the transaction with UNSAFE_TRANSACTION (seen under 400 concurrent bookings on a pool of 4) or lets other queries
 * run inside it. A pipeline this deep is never filled: extra queries wait in the client's queue instead. (The option
 * is parsed by postgres.js, src/index.js, but missing from its typings.)
 */
const PIPELINE = { max_pipeline: 100_000 } as postgres.Options<Record<string, postgres.PostgresType>>;

/** A postgres.js client for a DATABASE_URL, by TCP or by the Unix socket it names (see socketOf). */
export function postgresClient(databaseUrl: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const { url, socketPath } = socketOf(databaseUrl);
  return postgres(url, { onnotice: () => {}, ...PIPELINE, ...options, ...(socketPath ? { path: socketPath } : {}) });
}

/** DATABASE_URL set → postgres.js to that server; otherwise the embedded PGlite persisted under pgliteDir. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const client = postgresClient(options.databaseUrl, { max: options.poolSize ?? DEFAULT_POOL_SIZE, connection: { application_name: "citizen-portal" } });
    const db = drizzlePostgres(client, { schema, casing: "snake_case" }) as unknown as Database;
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  let client = options.pglite;
  let unlock = async () => {};
  if (!client) {
    const dir = path.resolve(options.pgliteDir ?? "./.data/pglite");
    await mkdir(path.dirname(dir), { recursive: true });
    unlock = await acquirePgliteLock(dir);
    try {
      client = await createPglite(dir);
    } catch (error) {
      await unlock();
      throw error;
    }
  }
  const pglite = client;
  const db = drizzlePglite(pglite, { schema, casing: "snake_case" }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    close: async () => {
      await pglite.close();
      await unlock();
    },
  };
}

/** Rows of a raw `db.execute(sql...)`: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

// The server entry and the Remix build each load this module (the build bundles its own copy), so the open database
// lives on globalThis: one per process, opened at start-up.
const slot = globalThis as typeof globalThis & { __portalDatabase?: DatabaseHandle };

export function setDatabase(handle: DatabaseHandle | undefined): void {
  slot.__portalDatabase = handle;
}

export function database(): Database {
  const handle = slot.__portalDatabase;
  if (!handle) throw new Error("The database is not open: the server opens it at start-up.");
  return handle.db;
}

export function databaseHandle(): DatabaseHandle | undefined {
  return slot.__portalDatabase;
}
