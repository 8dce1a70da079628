import { existsSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { postgresClient, rowsOf, socketOf } from "./connection";
import { createTestDatabase, testServerUrl } from "./testing";

describe("socketOf", () => {
  it("reads a Unix socket's folder as libpq names it (?host=/dir), and leaves the rest of the address", () => {
    expect(socketOf("postgres://postgres@localhost/portal?host=/var/run/postgresql")).toEqual({
      url: "postgres://postgres@localhost/portal",
      socketPath: "/var/run/postgresql/.s.PGSQL.5432",
    });
    expect(socketOf("postgres://u:p@localhost:5433/portal?host=/tmp/&sslmode=disable")).toEqual({
      url: "postgres://u:p@localhost:5433/portal?sslmode=disable",
      socketPath: "/tmp/.s.PGSQL.5433",
    });
  });

  it("leaves a TCP address as it is", () => {
    expect(socketOf("postgres://postgres@127.0.0.1:5432/portal")).toEqual({ url: "postgres://postgres@127.0.0.1:5432/portal" });
    expect(socketOf("postgres://postgres@db.example/portal?host=db2.example")).toEqual({ url: "postgres://postgres@db.example/portal?host=db2.example" });
  });
});

describe("a test database on a server named by its Unix socket", () => {
  // The configured local server (CI's, by TCP), named instead by its socket's folder, as the README shows.
  const socketUrl = (() => {
    const server = testServerUrl();
    if (!server) return undefined;
    const url = new URL(server);
    if (url.searchParams.has("host")) return server;
    const folder = "/var/run/postgresql";
    if (!["127.0.0.1", "localhost"].includes(url.hostname) || !existsSync(`${folder}/.s.PGSQL.${url.port || 5432}`)) return undefined;
    url.hostname = "localhost";
    url.searchParams.set("host", folder);
    return url.toString();
  })();

  it.runIf(socketUrl !== undefined)("is made, used and dropped through the socket", async () => {
    const test = await createTestDatabase(socketUrl);
    const [row] = rowsOf<{ name: string }>(await test.db.execute(sql`select current_database() as name`));
    expect(row?.name).toMatch(/^portal_test_[0-9a-f]{12}$/);
    await test.destroy();
    const admin = postgresClient(socketUrl as string, { max: 1 });
    try {
      expect(await admin`select 1 from pg_database where datname = ${row?.name ?? ""}`).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });
});
