import { randomBytes } from "node:crypto";
import { createPglite, openDatabase, postgresClient, type DatabaseHandle } from "./connection";
import { migrate } from "./migrate";

/** A database of the test's own: created, migrated, and dropped again by `destroy()`. */
export interface TestDatabase extends DatabaseHandle {
  /** The database's URL on a PostgreSQL server, for another process to open it; none for PGlite. */
  url?: string;
  destroy(): Promise<void>;
}

export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

let migratedDump: Promise<Blob> | undefined;

async function pgliteDump(): Promise<Blob> {
  migratedDump ??= (async () => {
    const pg = await createPglite();
    const handle = await openDatabase({ pglite: pg });
    await migrate(handle);
    const dump = await pg.dumpDataDir("gzip");
    await pg.close();
    return dump;
  })();
  return migratedDump;
}

/**
 * With TEST_DATABASE_URL or DATABASE_URL set: a fresh database on that server (by TCP or by its Unix socket, see
 * socketOf), named portal_test_<random>. Otherwise: an in-memory PGlite loaded from a migrated data directory (made
 * once per test worker).
 */
export async function createTestDatabase(serverUrl = testServerUrl()): Promise<TestDatabase> {
  if (!serverUrl) {
    const pg = await createPglite(undefined, { loadDataDir: await pgliteDump() });
    const handle = await openDatabase({ pglite: pg });
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const admin = postgresClient(serverUrl, { max: 1 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await migrate(handle);
  return {
    ...handle,
    url: url.toString(),
    async destroy() {
      await handle.close();
      const dropper = postgresClient(serverUrl, { max: 1 });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
