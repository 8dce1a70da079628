import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { Config } from "~/config.server";
import type { Database } from "../../db/connection";
import { BodyTooLarge, readBody } from "~/utils/body.server";
import { logger } from "~/utils/logger";
import { FeedInputError, ingestBatch, type FeedEntry } from "./ingest.server";
import { problem, reportOutcome, responseBundle, summaryText } from "./outcome";
import { jsonBody, ndjsonEntries } from "./read";

/**
 * POST /api/fhir/feed: a FHIR Bundle (application/fhir+json) or NDJSON (application/fhir+ndjson), authenticated by
 * `Authorization: Bearer <FEED_TOKEN>`. Answers with an OperationOutcome (per entry), or a batch-/transaction-response
 * Bundle for batch and transaction Bundles. The body is counted while it is read: past FEED_MAX_BODY_BYTES → 413.
 */

export const FEED_PATH = "/api/fhir/feed";
const FHIR_JSON = "application/fhir+json; charset=utf-8";

const JSON_TYPES = new Set(["application/fhir+json", "application/json"]);
const NDJSON_TYPES = new Set(["application/fhir+ndjson", "application/ndjson", "application/x-ndjson"]);

export interface FeedRouterOptions {
  config: Pick<Config, "FEED_TOKEN" | "FEED_MAX_BODY_BYTES">;
  database: () => Database;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time: both sides are hashed to the same length before comparing. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const given = m?.[1] ?? "";
  const equal = timingSafeEqual(digest(given), digest(token));
  return equal && given.length > 0;
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type(FHIR_JSON).set("Cache-Control", "no-store").send(JSON.stringify(body));
}

export function feedRouter(options: FeedRouterOptions): Router {
  const router = express.Router();
  router.all(FEED_PATH, (req, res, next) => {
    handle(req, res).catch(next);
  });
  const handle = async (req: Request, res: Response): Promise<void> => {
    const token = options.config.FEED_TOKEN;
    if (!token) return send(res, 404, problem("not-found", "The feed is not enabled on this server."));
    if (!tokenMatches(req.headers.authorization, token)) {
      res.set("WWW-Authenticate", req.headers.authorization ? 'Bearer realm="feed", error="invalid_token"' : 'Bearer realm="feed"');
      res.set("Connection", "close");
      return send(res, 401, problem("login", "A valid bearer token is required."));
    }
    if (req.method !== "POST") {
      res.set("Allow", "POST");
      return send(res, 405, problem("not-supported", "Send the feed with POST."));
    }
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const ndjson = NDJSON_TYPES.has(mediaType);
    if (!ndjson && !JSON_TYPES.has(mediaType)) {
      return send(res, 415, problem("not-supported", "Content-Type must be application/fhir+json (a Bundle) or application/fhir+ndjson."));
    }
    const limit = options.config.FEED_MAX_BODY_BYTES;
    const declared = Number(req.headers["content-length"]);
    const tooLarge = () => {
      res.set("Connection", "close");
      send(res, 413, problem("too-costly", `The body is larger than ${limit} bytes (FEED_MAX_BODY_BYTES). Send smaller batches.`));
    };
    if (Number.isFinite(declared) && declared > limit) return tooLarge();
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      throw error;
    }
    let read: { entries: FeedEntry[]; bundleType: string | null };
    try {
      read = ndjson ? { entries: ndjsonEntries(body), bundleType: null } : jsonBody(body);
    } catch (error) {
      if (error instanceof FeedInputError) return send(res, 400, problem("structure", error.message, error.path));
      throw error;
    }
    const { bundleType } = read;
    const { report, entries } = await ingestBatch(options.database(), { kind: "resources", resources: read.entries }, { source: "http" });
    logger.info(
      { received: report.received, stored: report.stored, unchanged: report.unchanged, deleted: report.deleted, rejected: report.rejectedCount },
      "feed received",
    );
    if (bundleType === "batch" || bundleType === "transaction") {
      res.set("X-Feed-Summary", summaryText(report));
      return send(res, 200, responseBundle(bundleType === "batch" ? "batch-response" : "transaction-response", entries));
    }
    return send(res, 200, reportOutcome(report, entries));
  };
  return router;
}
