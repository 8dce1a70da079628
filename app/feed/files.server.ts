import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline, Transform } from "node:stream";
import StreamJson from "stream-json";
import Assembler from "stream-json/Assembler.js";
import Pick from "stream-json/filters/Pick.js";
import { bundleEntry, checkBundleType, FeedInputError, type FeedEntry } from "./ingest.server";
import { jsonPath } from "./json-limits";
import type { JsonPathSegments } from "./json-position";
import { jsonBody, ndjsonEntry, type JsonBody } from "./read";

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

/**
 * The .ndjson and .json files named, or found (recursively, in name order) in the folders named. A file found in a
 * folder that cannot be looked at (a broken link) is listed all the same: reading it says why it cannot be read.
 */
export async function listInputFiles(paths: string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const visit = async (p: string, explicit: boolean) => {
    const s = explicit ? await stat(p) : await stat(p).catch(() => null);
    if (s?.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) await visit(path.join(p, name), false);
      return;
    }
    const lower = p.toLowerCase();
    const format = lower.endsWith(".ndjson") || lower.endsWith(".jsonl") ? "ndjson" : lower.endsWith(".json") ? "json" : null;
    if (format) out.push({ path: p, format, bytes: s?.size ?? 0 });
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

/** The lines of a file as entries; a line that is not JSON becomes an `unparsed` entry (rejected, kept as text). */
export function readNdjson(file: string, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  return ndjsonStreamEntries(createReadStream(file, { highWaterMark: 1024 * 1024 }), path.basename(file), onBytes);
}

/**
 * The lines of NDJSON arriving in chunks (a file, a download's body) as entries, located as `name:line`: the same
 * reading as a file's, with flat memory.
 */
export async function* ndjsonStreamEntries(chunks: AsyncIterable<Uint8Array>, name: string, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  let rest: Buffer | null = null;
  let line = 0;
  const entryOf = (bytes: Buffer) => ndjsonEntry(bytes, `${name}:${++line}`);
  for await (const received of chunks) {
    const chunk = Buffer.isBuffer(received) ? received : Buffer.from(received.buffer, received.byteOffset, received.byteLength);
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
function isBulkManifest(value: Record<string, unknown>): boolean {
  return value.resourceType === undefined && Array.isArray(value.output) && value.transactionTime !== undefined;
}

/** A .json file: a Bundle's entries (streamed when big) or a single resource. */
export async function* readJsonFile(
  file: string,
  bytes: number,
  onBytes?: (n: number) => void,
  wholeParseLimit = WHOLE_PARSE_LIMIT,
): AsyncGenerator<FeedEntry> {
  if (bytes > wholeParseLimit) return yield* streamBundle(file, onBytes);
  const content = await readFile(file);
  onBytes?.(content.length);
  let body: JsonBody;
  try {
    body = jsonBody(content);
  } catch (error) {
    if (error instanceof FeedInputError) throw new FeedFileError(`${file}: ${error.message}`);
    throw error;
  }
  if (body.bundleType) yield* body.entries;
  else if (!isBulkManifest(body.value)) yield { ...body.entries[0], location: path.basename(file) };
}

/**
 * A big Bundle, entry by entry: only the current entry is ever held. The Bundle's resourceType and type are checked as
 * they pass (FHIR JSON writes them before `entry`). Bytes that are not UTF-8 mark the entries read from then on (as
 * for a Bundle read whole), and an entry naming a property twice is marked as it is assembled.
 */
async function* streamBundle(file: string, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let invalidUtf8 = false;
  // Runs before the parser sees the chunk: the entries it holds are read after the mark is set.
  input.on("data", (chunk) => {
    onBytes?.(chunk.length);
    if (invalidUtf8) return;
    try {
      utf8.decode(chunk as Buffer, { stream: true });
    } catch {
      invalidUtf8 = true;
    }
  });
  // pipeline() carries a parse error to the last stream, where the loop below sees it.
  // Packed values only (no per-chunk string and number tokens): half the parser's work.
  const picked = pipeline(input, StreamJson.parser({ streamValues: false }), Pick.pick({ filter: /^(resourceType|type|entry\.\d+)$/ }), assembleValues(), () => {});
  let index = 0;
  let isBundle = false;
  try {
    for await (const { value, repeated } of picked as AsyncIterable<AssembledValue>) {
      if (typeof value === "string") {
        if (value === "Bundle") isBundle = true;
        else checkBundleType(value);
        continue;
      }
      if (!isBundle) throw new FeedFileError(`${file}: a file this big must be a Bundle (resourceType first) or NDJSON`);
      const location = `Bundle.entry[${index++}]`;
      const entry = bundleEntry(value, location);
      if (repeated) entry.repeatedName = { name: String(repeated[repeated.length - 1]), path: jsonPath(location, repeated) };
      if (invalidUtf8) entry.invalidUtf8 = true;
      yield entry;
    }
  } catch (error) {
    input.destroy();
    if (error instanceof FeedFileError) throw error;
    if (error instanceof FeedInputError) throw new FeedFileError(`${file}: ${error.message}`);
    throw new FeedFileError(`${file}: ${invalidUtf8 ? "not valid UTF-8, and invalid" : "invalid"} JSON: ${(error as Error).message}`);
  }
}

interface AssembledValue {
  value: unknown;
  /** Where the value names a property twice (the first such place), e.g. ["resource", "id"]. */
  repeated: JsonPathSegments | null;
}

/**
 * The values the parser's tokens make, as StreamValues assembles them, also noting where one names a property twice:
 * the Assembler, like JSON.parse, would keep the last value silently.
 */
function assembleValues(): Transform {
  const assembler = new Assembler();
  let repeated: JsonPathSegments | null = null;
  return new Transform({
    objectMode: true,
    transform(token: { name: string; value?: string }, _encoding, done) {
      if (token.name === "keyValue" && !repeated && Object.hasOwn(assembler.current as object, token.value!)) {
        repeated = [...(assembler.path as unknown as JsonPathSegments), token.value!];
      }
      assembler.consume(token);
      if (assembler.done) {
        this.push({ value: assembler.current as unknown, repeated } satisfies AssembledValue);
        repeated = null;
      }
      done();
    },
  });
}

/** The entries of a file; whatever keeps it from being read (not found, not readable, not JSON) is a FeedFileError. */
export async function* readInputFile(file: InputFile, onBytes?: (n: number) => void): AsyncGenerator<FeedEntry> {
  try {
    yield* file.format === "ndjson" ? readNdjson(file.path, onBytes) : readJsonFile(file.path, file.bytes, onBytes);
  } catch (error) {
    if (error instanceof FeedFileError) throw error;
    throw new FeedFileError(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
