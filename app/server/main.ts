import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { ConfigError, parseConfig } from "~/config.server";
import { openDatabase, setDatabase, type DatabaseHandle } from "../../db/connection";
import { migrate } from "../../db/migrate";
import { feedRouter } from "~/feed/http.server";
import { createHttpApp } from "./http";
import { logger } from "~/utils/logger";
import { startupTasks } from "./startup";

async function main() {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`The portal cannot start. ${error.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw error;
  }

  const database: DatabaseHandle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  setDatabase(database);
  await migrate(database);
  logger.info({ database: database.kind }, "database ready");

  const stops: (() => Promise<void>)[] = [];
  for (const task of startupTasks) {
    const stop = await task({ config, database });
    if (stop) stops.push(stop);
  }

  const buildPath = pathToFileURL(path.resolve("build/index.js")).href;
  const build = (await import(buildPath)) as ServerBuild;

  let shuttingDown = false;
  const app = createHttpApp({
    config,
    build,
    database,
    isShuttingDown: () => shuttingDown,
    mount: (express) => express.use(feedRouter({ config, database: () => database.db })),
  });
  const server: Server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, origin: config.publicOrigin }, "portal listening");
  });
  server.keepAliveTimeout = 65_000;

  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down: no new connections, finishing requests in flight");
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    // Whatever hangs (a stuck database close, a task that never settles), the process does not outlive its stop.
    setTimeout(() => {
      logger.error("shutdown did not finish in 20 s; exiting");
      process.exit(1);
    }, 20_000).unref();
    const stopEverything = async () => {
      clearTimeout(force);
      for (const stop of stops.reverse()) await stop().catch(() => {});
      await database.close().catch(() => {});
      setDatabase(undefined);
      logger.info("stopped");
      process.exit(0);
    };
    server.close(() => void stopEverything());
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`The portal could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
