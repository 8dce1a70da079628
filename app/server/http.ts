import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import express, { type Express } from "express";
import type { Config } from "~/config.server";
import type { DatabaseHandle } from "../../db/connection";
import { withRequestScope } from "~/utils/request-scope.server";
import { logger } from "./logger";
import { cspNonce, sameOriginOnly, securityHeaders } from "./security";

export interface HttpAppOptions {
  config: Config;
  build: ServerBuild | (() => Promise<ServerBuild>);
  database: DatabaseHandle;
  /** Set when the process is shutting down: health turns 503 and connections are not kept alive. */
  isShuttingDown?: () => boolean;
  /** Extra routers mounted before Remix (machine endpoints). */
  mount?: (app: Express) => void;
}

/** Paths that machines call with a bearer token and no cookie: no same-origin rule applies to them. */
export const MACHINE_PATH_PREFIXES = ["/api/fhir/"];

export async function databaseReachable(database: DatabaseHandle, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    });
    await Promise.race([database.db.execute(sql`select 1`), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpApp(options: HttpAppOptions): Express {
  const { config, database } = options;
  const production = config.NODE_ENV === "production";
  const shuttingDown = options.isShuttingDown ?? (() => false);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", production ? 1 : false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    if (shuttingDown()) res.setHeader("Connection", "close");
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Path only: the query string may carry search text, and ids in paths are opaque resource ids.
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  });

  app.use(cspNonce);
  app.use(securityHeaders({ production }));

  app.get("/healthz", async (_req, res) => {
    res.set("Cache-Control", "no-store");
    if (shuttingDown()) return void res.status(503).json({ status: "shutting-down" });
    const ok = await databaseReachable(database);
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "database-unreachable", database: database.kind });
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  // Pages have no file extension: only a name like /robots.txt is looked for on disk (a stat per page adds up).
  const publicFiles = express.static("public", { maxAge: "1h", index: false });
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  app.use(sameOriginOnly({ origin: config.publicOrigin, exemptPrefixes: MACHINE_PATH_PREFIXES }));
  // A page's loaders share what they look up about the request (the session, the person) within one GET.
  app.use((req, _res, next) =>
    req.method === "GET" || req.method === "HEAD" ? withRequestScope(next, { document: !req.path.endsWith(".data") }) : next(),
  );
  options.mount?.(app);

  // Pages may show personal data: no browser or proxy keeps a copy (the back button after logout shows nothing).
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: config.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  );

  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error({ error: err instanceof Error ? err.message : String(err) }, "unhandled error");
    if (res.headersSent) return;
    res.status(500).type("text/plain; charset=utf-8").send("500 Internal Server Error / Internt serverfel\n");
  });

  return app;
}
