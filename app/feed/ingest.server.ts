/**
 * The clinical feed's one way in. Every source (POST /api/fhir/feed, `npm run feed:import`, the demo data at start-up)
 * calls one of these two functions; both validate, map and write in batches and report what happened to each entry.
 *
 *   import { ingestBatch, ingestStream } from "~/feed/ingest.server";
 *
 *   // A whole Bundle (transaction, batch, history, collection or searchset) or a list of resources, in memory:
 *   const { report } = await ingestBatch(db, { kind: "bundle", bundle }, { source: "demo" });
 *   const { report } = await ingestBatch(db, { kind: "resources", resources: [patient, observation] }, { source: "demo" });
 *
 *   // Anything iterable, e.g. NDJSON lines or a streamed Bundle's entries (see files.server.ts), in batches:
 *   const report = await ingestStream(db, resources, { source: "cli", batchSize: 500, onProgress: (r) => … });
 *
 * Items of a stream are resources, or FeedEntry wrappers (a Bundle entry's fullUrl/request/response, text that did
 * not parse, or what the reader saw in the text: see read.ts). The report: { received, stored (= created + updated),
 * created, updated, unchanged, deleted, skipped: [{ reason, count }], rejected: [{ index, resourceType, id, reason,
 * path }], rejectedCount, byType }.
 *
 * Semantics (CONVENTIONS.md): upsert by (resourceType, id); only a newer version applies (meta.versionId numerically,
 * then meta.lastUpdated; equal → "unchanged", older → skipped "stale-version"); a DELETE entry or entered-in-error
 * hides the row and keeps it as a tombstone. Unsupported types are skipped ("unsupported-type"). A resource that is
 * invalid is rejected, stored in dead_letters with its raw JSON and the reason, and the rest of the batch is kept; so
 * is JSON the feed cannot take (nested past MAX_DEPTH, NUL, a lone surrogate, bytes that were not UTF-8, a property
 * named twice: json-limits.ts) and an item the database refuses, whatever the batch's size (CONVENTIONS.md, "Limits").
 * References (urn:uuid: within the bundle, Type/id, absolute, #contained, Type?identifier=) that point at something
 * not yet arrived are kept and resolve when it arrives, in whatever order things come.
 *
 * `ingestBatch` throws FeedInputError when the input as a whole is not acceptable (not a Bundle, unknown Bundle type).
 */
import type { Resource } from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/connection";
import { cutAtDepth, jsonProblem } from "./json-limits";
import { mapResource, type MapResult } from "./map";
import type { FullUrlMap } from "./references";
import { isSupportedType, validateResource } from "./validate";
import { instantMicros, parseVersionId, versionFromEtag } from "./versions";
import { sweepPendingReferences, writeBatch, type DeadLetter, type DeleteItem, type ItemOutcome, type PreparedBatch, type UpsertItem } from "./write.server";

export type { ItemOutcome } from "./write.server";

export interface FeedEntry {
  resource?: unknown;
  fullUrl?: string;
  request?: { method?: string; url?: string };
  response?: { etag?: string; lastModified?: string; status?: string };
  /** Where the item came from, for messages and paths: "Bundle.entry[3]", "Patient.ndjson:12". */
  location?: string;
  /** JSON text that did not parse (an NDJSON line), with the parser's message. */
  unparsed?: { text: string; error: string };
  /** The resource's own JSON text when the reader has it (an NDJSON line): stored as is, not serialised again. */
  rawText?: string;
  /** The bytes it was read from were not all UTF-8: a U+FFFD in its text may stand for bytes that were not. */
  invalidUtf8?: boolean;
  /** A property its text names twice in one object (JSON.parse kept the last value). */
  repeatedName?: { name: string; path: string };
}

export type IngestInput = { kind: "bundle"; bundle: unknown } | { kind: "resources"; resources: unknown[] };

export interface Rejection {
  /** Position of the item in the input (Bundle entry index, or item number in a stream), from 0. */
  index: number;
  resourceType: string | null;
  id: string | null;
  reason: string;
  /** FHIRPath-like location of the problem, e.g. "Bundle.entry[3].resource.subject.reference". */
  path: string | null;
  location: string | null;
}

export interface TypeCounts {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  rejected: number;
}

export interface IngestReport {
  received: number;
  stored: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: { reason: string; count: number }[];
  /** The first `maxRejectionsListed` rejections; rejectedCount has them all. */
  rejected: Rejection[];
  rejectedCount: number;
  byType: Record<string, TypeCounts>;
}

export interface EntryResult {
  index: number;
  location: string | null;
  resourceType: string | null;
  id: string | null;
  outcome: ItemOutcome;
}

export interface IngestOptions {
  /** Who sent it ("http", "cli:file.ndjson", "demo"); kept with dead letters. */
  source: string;
  batchSize?: number;
  maxRejectionsListed?: number;
  onProgress?: (report: IngestReport) => void;
  /** false for bulk imports that can be run again: commits do not wait for the disk (see WriteOptions). */
  durable?: boolean;
  /** Stored rows after which ingestStream first refreshes the planner's statistics (then at each doubling). */
  analyzeAfter?: number;
}

export class FeedInputError extends Error {
  constructor(
    message: string,
    readonly path: string | null = null,
  ) {
    super(message);
    this.name = "FeedInputError";
  }
}

export const BUNDLE_TYPES = new Set(["transaction", "batch", "history", "collection", "searchset"]);
const DEFAULT_BATCH = 500;

export function emptyReport(): IngestReport {
  return { received: 0, stored: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: [], rejected: [], rejectedCount: 0, byType: {} };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A Bundle entry as parsed: of its request and response, only the texts the feed reads are kept. */
export function bundleEntry(e: unknown, location: string): FeedEntry {
  if (!isObject(e)) return { location, resource: e };
  const { request, response } = e;
  return {
    location,
    resource: e.resource,
    fullUrl: text(e.fullUrl),
    request: isObject(request) ? { method: text(request.method), url: text(request.url) } : undefined,
    response: isObject(response) ? { etag: text(response.etag), lastModified: text(response.lastModified), status: text(response.status) } : undefined,
  };
}

/** Checks a Bundle's type; throws FeedInputError when it is not one the feed takes. */
export function checkBundleType(type: unknown): void {
  if (typeof type !== "string" || !BUNDLE_TYPES.has(type)) {
    const given = typeof type === "string" ? JSON.stringify(type) : `(a JSON ${type === null ? "null" : Array.isArray(type) ? "array" : typeof type})`;
    throw new FeedInputError(`Unsupported Bundle.type ${given}: expected ${[...BUNDLE_TYPES].join(", ")}`, "Bundle.type");
  }
}

/** The entries of a Bundle, each with its location; throws FeedInputError when it is not a Bundle the feed takes. */
export function bundleEntries(bundle: unknown): FeedEntry[] {
  if (!isObject(bundle)) throw new FeedInputError("The body is not a JSON object", "$");
  if (bundle.resourceType !== "Bundle") throw new FeedInputError("Expected a Bundle (or NDJSON)", "resourceType");
  checkBundleType(bundle.type);
  const entries = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw new FeedInputError("Bundle.entry is not an array", "Bundle.entry");
  return entries.map((e: unknown, i) => bundleEntry(e, `Bundle.entry[${i}]`));
}

function asEntry(item: unknown): FeedEntry {
  if (isObject(item) && typeof item.resourceType === "string") return { resource: item };
  if (isObject(item) && ("resource" in item || "unparsed" in item || "request" in item)) return item as FeedEntry;
  return { resource: item };
}

/** fullUrl → Type/id for the entries that name both. */
export function fullUrlMap(entries: FeedEntry[]): FullUrlMap {
  const map: FullUrlMap = new Map();
  for (const e of entries) {
    const r = e.resource;
    if (!e.fullUrl || !isObject(r) || typeof r.resourceType !== "string" || typeof r.id !== "string") continue;
    if (!map.has(e.fullUrl)) map.set(e.fullUrl, { type: r.resourceType, id: r.id });
  }
  return map;
}

interface Prepared {
  batch: PreparedBatch;
  /** For each slot: what to report it as. */
  meta: { index: number; location: string | null; resourceType: string | null; id: string | null }[];
}

function problemPath(location: string | undefined, path: string): string {
  // "Observation.subject.reference" inside "Bundle.entry[3]" → "Bundle.entry[3].resource.subject.reference".
  if (!location?.startsWith("Bundle.")) return path;
  const dot = path.indexOf(".");
  return `${location}.resource${dot >= 0 ? path.slice(dot) : ""}`;
}

const DELETE_URL = /^(?:https?:\/\/\S+\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** Validates and maps a slice of items (pure CPU: no database). */
function prepare(entries: FeedEntry[], firstIndex: number, fullUrls: FullUrlMap): Prepared {
  const batch: PreparedBatch = { upserts: [], deletes: [], deadLetters: [], outcomes: [] };
  const meta: Prepared["meta"] = [];
  entries.forEach((entry, offset) => {
    const slot = offset;
    const index = firstIndex + offset;
    const location = entry.location ?? null;
    const resource = entry.resource;
    const typeOf = isObject(resource) && typeof resource.resourceType === "string" ? resource.resourceType : null;
    const idOf = isObject(resource) && typeof resource.id === "string" ? resource.id : null;
    meta.push({ index, location, resourceType: typeOf, id: idOf });
    const reject = (reason: string, path: string | null, raw: unknown = resource, rawText: string | null = null) => {
      batch.outcomes[slot] = { kind: "rejected", reason, path };
      const letter: DeadLetter = { slot, resourceType: typeOf, id: idOf, reason, path, raw: raw ?? null, rawText };
      batch.deadLetters.push(letter);
    };
    const skip = (reason: string) => {
      batch.outcomes[slot] = { kind: "skipped", reason };
    };

    if (entry.unparsed) {
      const reason = `${entry.invalidUtf8 ? "Not valid UTF-8, and invalid" : "Invalid"} JSON: ${entry.unparsed.error}`;
      return reject(reason, null, null, entry.unparsed.text);
    }
    // The JSON itself first: nothing below may recurse into a value nested too deep, nor store what PostgreSQL refuses.
    // Its dead letter keeps the text it came in when the reader has it, else the value (cut at MAX_DEPTH).
    const rawText = entry.rawText ?? null;
    const found = jsonProblem(resource, problemPath(location ?? undefined, typeOf ?? "Resource"), entry.invalidUtf8);
    const repeated = entry.repeatedName && {
      reason: `The property "${entry.repeatedName.name}" appears twice in one object: FHIR JSON names each property once`,
      path: entry.repeatedName.path,
    };
    const unreadable = found ?? repeated;
    if (unreadable) return reject(unreadable.reason, unreadable.path, rawText ? null : found?.tooDeep ? cutAtDepth(resource) : resource, rawText);
    const method = entry.request?.method?.toUpperCase();
    if (method === "GET" || method === "HEAD") return skip("not-a-write");
    if (method === "PATCH") return reject("PATCH entries are not supported: send the whole resource", location ? `${location}.request.method` : null);
    if (method === "DELETE") {
      const url = entry.request?.url ?? "";
      const m = url.includes("?") ? null : DELETE_URL.exec(url);
      if (!m) return reject(`DELETE needs request.url Type/id, got ${JSON.stringify(url)}`, location ? `${location}.request.url` : null, entry);
      const type = m[1]!;
      const id = m[2]!;
      meta[slot] = { index, location, resourceType: type, id };
      if (!isSupportedType(type)) return skip("unsupported-type");
      const versionId = parseVersionId(m[3]) ?? versionFromEtag(entry.response?.etag);
      const lastModified = entry.response?.lastModified;
      const lastUpdated = lastModified && instantMicros(lastModified) !== null ? lastModified : null;
      const del: DeleteItem = { slot, resourceType: type, id, version: { versionId, lastUpdated }, coversAll: versionId === null && lastUpdated === null };
      batch.deletes.push(del);
      return;
    }
    if (resource === undefined) return reject("The entry has no resource", location, entry);
    if (!isObject(resource)) return reject("Not a FHIR resource: expected a JSON object", location);
    if (!typeOf) return reject("Not a FHIR resource: resourceType is missing", problemPath(location ?? undefined, "Resource.resourceType"));
    if (!isSupportedType(typeOf)) return skip("unsupported-type");
    const problem = validateResource(typeOf, resource);
    if (problem) return reject(problem.message, problemPath(location ?? undefined, problem.path));
    if (method === "PUT" && entry.request?.url) {
      const m = DELETE_URL.exec(entry.request.url);
      if (m && (m[1] !== typeOf || m[2] !== idOf)) {
        return reject(`request.url ${entry.request.url} does not name this resource (${typeOf}/${idOf})`, location ? `${location}.request.url` : null);
      }
    }
    const rawJson = rawText ?? JSON.stringify(resource);
    let mapped: MapResult;
    try {
      mapped = mapResource(typeOf, resource as unknown as Resource & { id: string }, { fullUrls });
    } catch (error) {
      return reject(`Could not read the resource: ${error instanceof Error ? error.message : String(error)}`, location);
    }
    if (!mapped.ok) {
      if ("reject" in mapped) return reject(mapped.reject, problemPath(location ?? undefined, mapped.path));
      return skip(mapped.skip);
    }
    const alias = entry.fullUrl?.startsWith("urn:") ? entry.fullUrl : null;
    const upsert: UpsertItem = { slot, mapped: mapped.value, rawJson, alias };
    batch.upserts.push(upsert);
  });
  return { batch, meta };
}

class ReportBuilder {
  readonly report = emptyReport();
  private readonly skipped = new Map<string, number>();

  constructor(private readonly maxRejections: number) {}

  add(prepared: Prepared, entries?: EntryResult[]): void {
    const r = this.report;
    prepared.meta.forEach((m, slot) => {
      const outcome: ItemOutcome = prepared.batch.outcomes[slot] ?? { kind: "rejected", reason: "not processed", path: null };
      const type = m.resourceType ?? "(unknown)";
      const counts = (r.byType[type] ??= { received: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, rejected: 0 });
      r.received++;
      counts.received++;
      switch (outcome.kind) {
        case "created":
          r.created++;
          r.stored++;
          counts.created++;
          break;
        case "updated":
          r.updated++;
          r.stored++;
          counts.updated++;
          break;
        case "unchanged":
          r.unchanged++;
          counts.unchanged++;
          break;
        case "deleted":
          r.deleted++;
          counts.deleted++;
          break;
        case "skipped":
          this.skipped.set(outcome.reason, (this.skipped.get(outcome.reason) ?? 0) + 1);
          counts.skipped++;
          break;
        case "rejected":
          r.rejectedCount++;
          counts.rejected++;
          if (r.rejected.length < this.maxRejections) {
            r.rejected.push({ index: m.index, resourceType: m.resourceType, id: m.id, reason: outcome.reason, path: outcome.path, location: m.location });
          }
          break;
      }
      entries?.push({ index: m.index, location: m.location, resourceType: m.resourceType, id: m.id, outcome });
    });
    r.skipped = [...this.skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  }
}

/**
 * Ingests a Bundle or a list of resources held in memory. References between the bundle's entries resolve across all
 * of it, whatever the batch. `entries` holds the outcome of every entry, in input order (for the HTTP answer).
 */
export async function ingestBatch(
  db: Database,
  input: IngestInput,
  options: IngestOptions,
): Promise<{ report: IngestReport; entries: EntryResult[]; bundleType: string | null }> {
  const entries = input.kind === "bundle" ? bundleEntries(input.bundle) : input.resources.map(asEntry);
  const bundleType = input.kind === "bundle" ? ((input.bundle as { type: string }).type ?? null) : null;
  const fullUrls = fullUrlMap(entries);
  const size = options.batchSize ?? DEFAULT_BATCH;
  const builder = new ReportBuilder(options.maxRejectionsListed ?? Number.POSITIVE_INFINITY);
  const results: EntryResult[] = [];
  for (let start = 0; start < entries.length; start += size) {
    const prepared = prepare(entries.slice(start, start + size), start, fullUrls);
    await writeBatch(db, prepared.batch, { source: options.source, durable: options.durable });
    builder.add(prepared, results);
    options.onProgress?.(builder.report);
  }
  if (builder.report.stored || builder.report.unchanged) await sweepPendingReferences(db);
  return { report: builder.report, entries: results, bundleType };
}

/**
 * Ingests items as they come, `batchSize` at a time, preparing the next batch while the database writes the last.
 * Memory stays flat: nothing but the current batches and the first rejections is kept. A Bundle's entries streamed
 * here resolve urn:uuid: references to earlier batches through reference_aliases, and to later ones when they arrive.
 */
export async function ingestStream(db: Database, items: AsyncIterable<unknown> | Iterable<unknown>, options: IngestOptions): Promise<IngestReport> {
  const size = options.batchSize ?? DEFAULT_BATCH;
  const builder = new ReportBuilder(options.maxRejectionsListed ?? 1000);
  let buffer: FeedEntry[] = [];
  let next = 0;
  let writing: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  // A long import into a growing database refreshes the planner's statistics as it goes (after 20,000 stored rows,
  // then each time the count doubles): with the figures of a nearly empty table, the per-batch statements that fill
  // in derived columns turn into sequential scans, and the import slows down as the tables grow.
  let analyzeAt = options.analyzeAfter ?? 20_000;
  const settle = async () => {
    await writing;
    if (failure) throw failure.error;
  };
  const flush = async () => {
    if (!buffer.length) return;
    const slice = buffer;
    buffer = [];
    const prepared = prepare(slice, next, fullUrlMap(slice));
    next += slice.length;
    await settle();
    writing = writeBatch(db, prepared.batch, { source: options.source, durable: options.durable }).then(
      async () => {
        builder.add(prepared);
        if (builder.report.stored >= analyzeAt) {
          analyzeAt = builder.report.stored * 2;
          await db.execute(sql`analyze`);
        }
        options.onProgress?.(builder.report);
      },
      (error: unknown) => {
        failure = { error };
      },
    );
  };
  try {
    for await (const item of items) {
      buffer.push(asEntry(item));
      if (buffer.length >= size) await flush();
    }
    await flush();
    await settle();
    if (builder.report.stored || builder.report.unchanged) await sweepPendingReferences(db);
  } catch (error) {
    // Let a write in flight settle before reporting the first failure.
    await writing;
    throw failure?.error ?? error;
  }
  return builder.report;
}

/** Adds `from` into `into` (the CLI reports per file, then in total). */
export function mergeReports(into: IngestReport, from: IngestReport, maxRejectionsListed = 1000): IngestReport {
  into.received += from.received;
  into.stored += from.stored;
  into.created += from.created;
  into.updated += from.updated;
  into.unchanged += from.unchanged;
  into.deleted += from.deleted;
  const skipped = new Map(into.skipped.map((s) => [s.reason, s.count]));
  for (const s of from.skipped) skipped.set(s.reason, (skipped.get(s.reason) ?? 0) + s.count);
  into.skipped = [...skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  for (const r of from.rejected) if (into.rejected.length < maxRejectionsListed) into.rejected.push(r);
  into.rejectedCount += from.rejectedCount;
  for (const [type, c] of Object.entries(from.byType)) {
    const t = (into.byType[type] ??= { received: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, rejected: 0 });
    t.received += c.received;
    t.created += c.created;
    t.updated += c.updated;
    t.unchanged += c.unchanged;
    t.deleted += c.deleted;
    t.skipped += c.skipped;
    t.rejected += c.rejected;
  }
  return into;
}
