import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import express, { type Express, type Request, type Response } from "express";
import type { Config } from "~/config.server";
import { clinicalSettings } from "~/clinical/connection.server";
import { CLINICAL_STATUS_PATH, clinicalStatus } from "~/clinical/status.server";
import { FEED_PATH, tokenMatches } from "~/feed/http.server";
import type { DatabaseHandle } from "../../db/connection";
import { withRequestScope } from "~/utils/request-scope.server";
import { checkTarget, EdgeError } from "./edge";
import { sendEdgePage, type EdgeRefusal } from "./edge-page";
import { logger } from "~/utils/logger";
import { rateLimit } from "./rate-limit";
import { remixHandler } from "./remix-handler";
import { cspNonce, SAFE_METHODS, sameOriginOnly, securityHeaders } from "./security";

export interface HttpAppOptions {
  config: Config;
  build: ServerBuild | (() => Promise<ServerBuild>);
  database: DatabaseHandle;
  /** Set when the process is shutting down: health turns 503 and connections are not kept alive. */
  isShuttingDown?: () => boolean;
  /** Extra routers mounted before Remix (machine endpoints). */
  mount?: (app: Express) => void;
}

/** Paths that machines call with a bearer token and no cookie, exactly: no same-origin rule applies to them. */
export const MACHINE_PATHS: ReadonlySet<string> = new Set([FEED_PATH, CLINICAL_STATUS_PATH]);
const isMachinePath = (req: Request) => MACHINE_PATHS.has(req.path);

/** Where a login begins and where the identity provider sends the browser back: each counts as a login attempt. */
const LOGIN_PATHS = ["/login/start", "/auth/callback"];

/** The stylesheets of the root route, for pages the server answers itself (see edge-page.ts). */
async function rootStylesheets(build: HttpAppOptions["build"]): Promise<string[]> {
  const resolved = typeof build === "function" ? await build() : build;
  const links = resolved.routes.root?.module.links?.() ?? [];
  return links.flatMap((link) => ("rel" in link && link.rel === "stylesheet" && typeof link.href === "string" ? [link.href] : []));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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

  app.get("/healthz", (_req, res, next) => {
    res.set("Cache-Control", "no-store");
    if (shuttingDown()) return void res.status(503).json({ status: "shutting-down" });
    databaseReachable(database).then(
      (ok) => res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "database-unreachable", database: database.kind }),
      next,
    );
  });

  let stylesheets: Promise<string[]> | undefined;
  const refuse = async (req: Request, res: Response, refusal: EdgeRefusal, retryAfterSeconds?: number) => {
    stylesheets ??= rootStylesheets(options.build).catch(() => []);
    await sendEdgePage(req, res, refusal, { retryAfterSeconds, stylesheets: await stylesheets, machine: isMachinePath(req) });
  };
  const refuseEdge = (req: Request, res: Response, error: EdgeError) => {
    logger.info({ method: req.method, problem: error.problem, detail: error.detail }, "request refused at the edge");
    return refuse(req, res, error.problem);
  };

  // What the client sent is checked before anything reads it: the path and query string here, form bodies in
  // remixHandler (app/server/edge.ts).
  app.use((req, res, next) => {
    try {
      checkTarget(req.originalUrl);
      next();
    } catch (error) {
      if (error instanceof EdgeError) return void refuseEdge(req, res, error).catch(next);
      next(error);
    }
  });
  // The build's files are named by their content: kept for a year. public/'s own (the icons, the web manifest,
  // robots.txt) keep their names: kept for 30 days, so that a changed icon reaches every browser within a month.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  // Pages have no file extension: only a name like /robots.txt is looked for on disk (a stat per page adds up).
  const publicFiles = express.static("public", { maxAge: "30d", index: false });
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()));
  app.use(sameOriginOnly({ origin: config.publicOrigin, isMachinePath, refuse: (req, res) => refuse(req, res, "forbidden") }));

  const db = () => database.db;
  const tooMany = (req: Request, res: Response, retryAfterSeconds: number) => refuse(req, res, "too-many-requests", retryAfterSeconds);
  const loginLimit = rateLimit(db, { name: "login", limit: config.RATE_LIMIT_LOGINS_PER_10_MINUTES, windowSeconds: 600 }, tooMany);
  const formLimit = rateLimit(db, { name: "form", limit: config.RATE_LIMIT_FORM_POSTS_PER_MINUTE, windowSeconds: 60 }, tooMany);
  const feedLimit = rateLimit(db, { name: "feed", limit: config.RATE_LIMIT_FEED_REQUESTS_PER_MINUTE, windowSeconds: 60 }, tooMany);
  app.get(LOGIN_PATHS, loginLimit);
  app.use((req, res, next) => {
    if (isMachinePath(req)) return feedLimit(req, res, next);
    if (!SAFE_METHODS.has(req.method)) return formLimit(req, res, next);
    next();
  });

  // A page's loaders share what they look up about the request (the session, the person) within one GET.
  app.use((req, _res, next) =>
    req.method === "GET" || req.method === "HEAD" ? withRequestScope(next, { document: !req.path.endsWith(".data") }) : next(),
  );
  // The way to the clinical system, for monitoring: read from the portal's own database, so it answers while the
  // clinical system is down. For callers with the feed's token (the integration platform's side).
  app.get(CLINICAL_STATUS_PATH, (req, res) => {
    res.set("Cache-Control", "no-store");
    const token = config.FEED_TOKEN;
    if (!token) return void res.status(404).json({ status: "not-enabled" });
    if (!tokenMatches(req.headers.authorization, token)) {
      res.set("WWW-Authenticate", 'Bearer realm="feed"');
      return void res.status(401).json({ status: "unauthorized" });
    }
    withTimeout(clinicalStatus(database.db, { configured: clinicalSettings(config) !== null }), 2000).then(
      (status) => res.status(200).json({ status: "ok", ...status }),
      () => res.status(503).json({ status: "database-unreachable" }),
    );
  });
  options.mount?.(app);

  // Pages may show personal data: no browser or proxy keeps a copy (the back button after logout shows nothing).
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  app.all(
    "*",
    remixHandler({
      build: options.build,
      origin: config.publicOrigin,
      formBodyLimits: { form: config.FORM_MAX_BODY_BYTES, multipart: config.MESSAGE_FORM_MAX_BODY_BYTES },
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
      onEdgeError: refuseEdge,
    }),
  );

  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error({ error: err instanceof Error ? err.message : String(err) }, "unhandled error");
    if (res.headersSent) return;
    res.status(500).type("text/plain; charset=utf-8").send("500 Internal Server Error / Internt serverfel\n");
  });

  return app;
}
