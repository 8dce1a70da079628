import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { Config } from "~/config.server";
import type { Database } from "../../db/connection";
import { logger } from "../server/logger";
import { FeedInputError, ingestBatch, type FeedEntry } from "./ingest.server";
import { findJsonError } from "./json-position";
import { problem, reportOutcome, responseBundle, summaryText } from "./outcome";

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

class BodyTooLarge extends Error {}

/** The body as a Buffer, refusing (without reading further) once it passes `limit` bytes. */
function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function ndjsonEntries(text: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.trim()) return;
    const location = `line ${i + 1}`;
    try {
      entries.push({ resource: JSON.parse(line), location, rawText: line });
    } catch (error) {
      entries.push({ location, unparsed: { text: line, error: (error as Error).message } });
    }
  });
  return entries;
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
    const text = body.toString("utf8");

    let result;
    try {
      if (ndjson) {
        result = await ingestBatch(options.database(), { kind: "resources", resources: ndjsonEntries(text) }, { source: "http" });
      } else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          const where = findJsonError(text);
          const message = where ? `${where.message} at line ${where.line}, column ${where.column} (offset ${where.position})` : (error as Error).message;
          return send(res, 400, problem("structure", `Malformed JSON: ${message}`, where ? `line ${where.line}, column ${where.column}` : null));
        }
        const isBundle = typeof parsed === "object" && parsed !== null && (parsed as { resourceType?: unknown }).resourceType === "Bundle";
        const input = isBundle ? { kind: "bundle" as const, bundle: parsed } : { kind: "resources" as const, resources: [parsed] };
        if (!isBundle && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) {
          return send(res, 400, problem("structure", "Expected a FHIR Bundle or resource (a JSON object)."));
        }
        result = await ingestBatch(options.database(), input, { source: "http" });
      }
    } catch (error) {
      if (error instanceof FeedInputError) return send(res, 400, problem("structure", error.message, error.path));
      throw error;
    }
    const { report, entries, bundleType } = result;
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
