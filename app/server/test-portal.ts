import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { parseConfig } from "~/config.server";
import { feedRouter } from "~/feed/http.server";
import { createSession } from "~/identity/session.server";
import { setDatabase } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createHttpApp } from "./http";

/**
 * The whole portal for a test, as main.ts assembles it: the HTTP server of app/server/http.ts with the feed and the
 * production build of the Remix app (made once by test-build.global.ts), on a database of the test's own.
 */

export const TEST_ORIGIN = "http://portal.test";

export interface TestPortal {
  base: string;
  database: TestDatabase;
  /** A logged-in person's Cookie header value. */
  loginAs(personId: string): Promise<string>;
  /** Another server process on the same database (as production runs several). */
  another(env?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

let build: Promise<ServerBuild> | undefined;

export async function startTestPortal(env: Record<string, string> = {}): Promise<TestPortal> {
  build ??= import(pathToFileURL(path.resolve(import.meta.dirname, "../../build/index.js")).href) as Promise<ServerBuild>;
  const database = await createTestDatabase();
  setDatabase(database);
  const servers: Server[] = [];
  const listen = async (serverEnv: Record<string, string>) => {
    const config = parseConfig({ PUBLIC_ORIGIN: TEST_ORIGIN, ...serverEnv });
    const app = createHttpApp({ config, database, build: await build!, mount: (a) => a.use(feedRouter({ config, database: () => database.db })) });
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return {
    base: await listen(env),
    database,
    another: (anotherEnv = env) => listen(anotherEnv),
    async loginAs(personId) {
      const session = await createSession(database.db, { personId });
      return session.cookie.split(";")[0]!;
    },
    async close() {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      setDatabase(undefined);
      await database.destroy();
    },
  };
}
