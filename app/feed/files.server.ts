import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream";
import StreamJson from "stream-json";
import Pick from "stream-json/filters/Pick.js";
import StreamValues from "stream-json/streamers/StreamValues.js";
import { bundleEntries, BUNDLE_TYPES, type FeedEntry } from "./ingest.server";
import { findJsonError } from "./json-position";

/**
 * Reading feed files with flat memory: NDJSON (Bulk Data $export output) line by line; Bundle files whole when small,
 * streamed entry by entry with stream-json when big. A single resource in a .json file is one entry.
 */

export interface InputFile {
  path: string;
  format: "ndjson" | "json";
  bytes: number;
}

/** Files bigger than this are streamed entry by entry instead of parsed whole. */
export const WHOLE_PARSE_LIMIT = 8 * 1024 * 1024;

/** The .ndjson and .json files named, or found (recursively, in name order) in the folders named. */
export async function listInputFiles(paths: string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const visit = async (p: string, explicit: boolean) => {
    const s = await stat(p);
    if (s.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) await visit(path.join(p, name), false);
      return;
    }
    const lower = p.toLowerCase();
    const format = lower.endsWith(".ndjson") || lower.endsWith(".jsonl") ? "ndjson" : lower.endsWith(".json") ? "json" : null;
    if (format) out.push({ path: p, format, bytes: s.size });
    else if (explicit) throw new Error(`${p}: not a .json or .ndjson file`);
  };
  for (const p of paths) await visit(p, true);
  return orderForImport(out);
}

/**
 * Bulk Data exports name files after their type (Patient.ndjson, 1.Observation.ndjson, Encounter-2.ndjson; the same
 * for Bundle files named so). Importing
 * what others refer to first (units, practitioners, medications, patients, appointment types, care contacts) lets rows
 * take their derived columns at insert instead of being rewritten when the target arrives later. Order only affects
 * speed: any order gives the same result.
 */
const IMPORT_ORDER = ["Organization", "Practitioner", "Medication", "Patient", "RelatedPerson", "HealthcareService", "Schedule", "Slot", "Encounter"];

function importRank(file: string): number {
  const m = /^(?:\d+[._-])?([A-Z][A-Za-z]+?)(?:[._-]\d+)?\.(?:ndjson|jsonl|json)$/.exec(path.basename(file));
  const rank = m ? IMPORT_ORDER.indexOf(m[1]!) : -1;
  return rank >= 0 ? rank : IMPORT_ORDER.length;
}

export function orderForImport(files: InputFile[]): InputFile[] {
  return files
    .map((f, i) => ({ f, i, rank: importRank(f.path) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.f);
}

const MAX_KEPT_TEXT = 1024 * 1024;

/** The lines of a file as entries; a line that is not JSON becomes an `unparsed` entry (rejected, kept as text). */
export async function* readNdjson(file: string, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  const name = path.basename(file);
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let rest: Buffer | null = null;
  let line = 0;
  const entryOf = (buf: Buffer): FeedEntry | null => {
    line++;
    let text = buf.toString("utf8");
    if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (!text.trim()) return null;
    const location = `${name}:${line}`;
    try {
      return { resource: JSON.parse(text), location, rawText: text };
    } catch (error) {
      return { location, unparsed: { text: text.slice(0, MAX_KEPT_TEXT), error: (error as Error).message } };
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    let data: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      const entry = entryOf(data.subarray(start, nl));
      start = nl + 1;
      if (entry) yield entry;
    }
    data = data.subarray(start);
    rest = data.length ? Buffer.from(data) : null;
  }
  if (rest?.length) {
    const entry = entryOf(rest);
    if (entry) yield entry;
  }
}

export class FeedFileError extends Error {}

/** A Bulk Data $export manifest.json lists the NDJSON files beside it: nothing to import. */
function isBulkManifest(value: unknown): boolean {
  const v = value as { resourceType?: unknown; output?: unknown; transactionTime?: unknown } | null;
  return typeof v === "object" && v !== null && v.resourceType === undefined && Array.isArray(v.output) && v.transactionTime !== undefined;
}

/** A .json file: a Bundle's entries (streamed when big) or a single resource. */
export async function* readJsonFile(
  file: string,
  bytes: number,
  onBytes?: (n: number) => void,
  wholeParseLimit = WHOLE_PARSE_LIMIT,
): AsyncGenerator<FeedEntry> {
  if (bytes <= wholeParseLimit) {
    const text = await readFile(file, "utf8");
    onBytes?.(bytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const where = findJsonError(text);
      throw new FeedFileError(`${file}: invalid JSON: ${where ? `${where.message} at line ${where.line}, column ${where.column}` : (error as Error).message}`);
    }
    if (typeof value === "object" && value !== null && (value as { resourceType?: unknown }).resourceType === "Bundle") {
      let entries: FeedEntry[];
      try {
        entries = bundleEntries(value);
      } catch (error) {
        throw new FeedFileError(`${file}: ${(error as Error).message}`);
      }
      yield* entries;
    } else if (!isBulkManifest(value)) {
      yield { resource: value, location: path.basename(file) };
    }
    return;
  }
  yield* streamBundle(file, onBytes);
}

/**
 * A big Bundle, entry by entry: only the current entry is ever held. The Bundle's resourceType and type are checked as
 * they pass (FHIR JSON writes them before `entry`).
 */
async function* streamBundle(file: string, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
  input.on("data", (chunk) => onBytes?.(chunk.length));
  // pipeline() carries a parse error to the last stream, where the loop below sees it.
  // Packed values only (no per-chunk string and number tokens): half the parser's work.
  const picked = pipeline(input, StreamJson.parser({ streamValues: false }), Pick.pick({ filter: /^(resourceType|type|entry\.\d+)$/ }), StreamValues.streamValues(), () => {});
  let index = 0;
  let isBundle = false;
  try {
    for await (const { value } of picked as AsyncIterable<{ key: number; value: unknown }>) {
      if (typeof value === "string") {
        if (value === "Bundle") isBundle = true;
        else if (!BUNDLE_TYPES.has(value)) throw new FeedFileError(`${file}: unsupported Bundle.type ${JSON.stringify(value)}`);
        continue;
      }
      if (!isBundle) throw new FeedFileError(`${file}: a file this big must be a Bundle (resourceType first) or NDJSON`);
      const e = (value ?? {}) as Record<string, unknown>;
      const location = `Bundle.entry[${index++}]`;
      yield {
        location,
        resource: e.resource,
        fullUrl: typeof e.fullUrl === "string" ? e.fullUrl : undefined,
        request: e.request as FeedEntry["request"],
        response: e.response as FeedEntry["response"],
      };
    }
  } catch (error) {
    input.destroy();
    if (error instanceof FeedFileError) throw error;
    throw new FeedFileError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

export function readInputFile(file: InputFile, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  return file.format === "ndjson" ? readNdjson(file.path, onBytes) : readJsonFile(file.path, file.bytes, onBytes);
}
