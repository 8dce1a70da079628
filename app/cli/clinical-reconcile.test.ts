import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "../../db/connection";
import { testServerUrl } from "../../db/testing";
import { parseSigningKey, publicJwk } from "../clinical/settings.server";
import { startClinicalStandIn, STAND_IN_GROUP_ID, type ClinicalStandIn } from "../clinical/stand-in/stand-in.server";
import { TEST_SCOPES } from "../clinical/stand-in/test-stand-in";
import { testKey } from "../clinical/test-clinical-system";

/**
 * `npm run clinical:reconcile` end to end, as a separate process, against the stand-in: into a throwaway PostgreSQL
 * database when TEST_DATABASE_URL/DATABASE_URL is set, else a PGlite directory of its own.
 */

function reconcile(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "app/cli/clinical-reconcile.ts", ...args], { cwd: process.cwd(), env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let work: string;
let env: NodeJS.ProcessEnv;
let standIn: ClinicalStandIn;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "clinical-reconcile-"));
  env = { ...process.env, NODE_ENV: "test", DEMO_DATA: "false", LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const server = testServerUrl();
  if (server) {
    const name = `clinical_reconcile_test_${randomBytes(5).toString("hex")}`;
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
    env.PGLITE_DIR = path.join(work, "pglite");
  }
  standIn = await startClinicalStandIn({ port: 0, nodeEnv: "test", demo: { patients: 2 } });
  const key = testKey("ES384", "jwk").text;
  standIn.registerClient("portal", publicJwk(parseSigningKey(key)));
  Object.assign(env, {
    CLINICAL_FHIR_BASE: standIn.fhirBase,
    CLINICAL_TOKEN_URL: standIn.tokenUrl,
    CLINICAL_CLIENT_ID: "portal",
    CLINICAL_PRIVATE_KEY: key,
    CLINICAL_SCOPES: TEST_SCOPES.join(" "),
  });
});

afterAll(async () => {
  await standIn.stop();
  await dropDatabase?.();
  await rm(work, { recursive: true, force: true });
});

describe("npm run clinical:reconcile", () => {
  it("says clearly when no clinical system is configured", async () => {
    const bare = { ...env };
    for (const name of ["CLINICAL_FHIR_BASE", "CLINICAL_TOKEN_URL", "CLINICAL_CLIENT_ID", "CLINICAL_PRIVATE_KEY"]) delete bare[name];
    const result = await reconcile(["--group", "1"], bare);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No clinical system is configured");
  });

  it("exports the groups of CLINICAL_EXPORT_GROUPS into the database, and a second run changes nothing", async () => {
    const first = await reconcile(["--json"], { ...env, CLINICAL_EXPORT_GROUPS: STAND_IN_GROUP_ID });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { groups: { groupId: string; stored: number; rejectedCount: number }[]; failed: unknown[] };
    expect(summary.failed).toEqual([]);
    expect(summary.groups[0]).toMatchObject({ groupId: STAND_IN_GROUP_ID, rejectedCount: 0 });
    expect(summary.groups[0]!.stored).toBeGreaterThan(20);

    const second = await reconcile(["--group", STAND_IN_GROUP_ID], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/stored 0 /);

    const database = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, poolSize: 1 });
    try {
      const [row] = rowsOf<{ people: number; cursor: string | null }>(
        await database.db.execute(sql`select (select count(*)::int from people) as people,
                                             (select cursor::text from clinical_poll_streams where name = ${`reconcile:Group/${STAND_IN_GROUP_ID}`}) as cursor`),
      );
      expect(row?.people).toBeGreaterThan(2);
      expect(row?.cursor).not.toBeNull();
    } finally {
      await database.close();
    }
  });
});
