import { isUtf8 } from "node:buffer";
import { bundleEntries, FeedInputError, type FeedEntry } from "./ingest.server";
import { jsonPath } from "./json-limits";
import { findJsonError, repeatedNames, type JsonPathSegments } from "./json-position";

/**
 * From the bytes the feed is sent to entries, for POST /api/fhir/feed and for feed:import (files.server.ts): NDJSON
 * line by line, a JSON body (a Bundle or one resource) whole. What only the text shows is marked on the entries it
 * concerns, for the ingestion to reject them: bytes that are not UTF-8 (`invalidUtf8`), a property named twice
 * (`repeatedName`). A body that cannot be read at all throws FeedInputError.
 */

/** What is kept of a line that is not JSON. */
const MAX_KEPT_TEXT = 1024 * 1024;

function decode(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

function resourceRoot(value: unknown): string {
  const type = (value as { resourceType?: unknown } | null)?.resourceType;
  return typeof type === "string" ? type : "Resource";
}

function repeatedName(root: string, path: JsonPathSegments): NonNullable<FeedEntry["repeatedName"]> {
  return { name: String(path[path.length - 1]), path: jsonPath(root, path) };
}

/** One NDJSON line (its bytes, without the newline) as an entry; null when it is blank. */
export function ndjsonEntry(bytes: Buffer, location: string): FeedEntry | null {
  let text = decode(bytes);
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (!text.trim()) return null;
  let entry: FeedEntry;
  try {
    entry = { resource: JSON.parse(text) as unknown, location, rawText: text };
  } catch (error) {
    entry = { location, unparsed: { text: text.slice(0, MAX_KEPT_TEXT), error: (error as Error).message } };
  }
  const [repeated] = entry.unparsed ? [] : repeatedNames(text, entry.resource);
  if (repeated) entry.repeatedName = repeatedName(resourceRoot(entry.resource), repeated);
  if (!isUtf8(bytes)) entry.invalidUtf8 = true;
  return entry;
}

/** The lines of an NDJSON body, located as "line N". */
export function ndjsonEntries(body: Buffer): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (let start = 0, line = 1; start < body.length; line++) {
    const newline = body.indexOf(10, start);
    const end = newline < 0 ? body.length : newline;
    const entry = ndjsonEntry(body.subarray(start, end), `line ${line}`);
    if (entry) entries.push(entry);
    start = end + 1;
  }
  return entries;
}

export interface JsonBody {
  /** The parsed body. */
  value: Record<string, unknown>;
  /** Bundle.type, or null for a single resource. */
  bundleType: string | null;
  entries: FeedEntry[];
}

/**
 * A JSON body: a Bundle's entries, or one resource as one entry. Throws FeedInputError when it is not JSON, not an
 * object, a Bundle of a type the feed does not take, or a Bundle that names a property twice outside its entries.
 */
export function jsonBody(bytes: Buffer): JsonBody {
  const invalidUtf8 = !isUtf8(bytes);
  const text = decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const where = findJsonError(text);
    const message = where ? `${where.message} at line ${where.line}, column ${where.column} (offset ${where.position})` : (error as Error).message;
    const at = where ? `line ${where.line}, column ${where.column}` : null;
    throw new FeedInputError(`${invalidUtf8 ? "Not valid UTF-8, and malformed" : "Malformed"} JSON: ${message}`, at);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FeedInputError("Expected a FHIR Bundle or resource (a JSON object).");
  }
  const object = value as Record<string, unknown>;
  const repeated = repeatedNames(text, value);
  const isBundle = object.resourceType === "Bundle";
  const entries: FeedEntry[] = isBundle ? bundleEntries(value) : [{ resource: value, rawText: text }];
  for (const path of repeated) {
    if (!isBundle) entries[0]!.repeatedName ??= repeatedName(resourceRoot(value), path);
    else {
      const at = repeatedName("Bundle", path);
      const entry = path[0] === "entry" && typeof path[1] === "number" ? entries[path[1]] : undefined;
      if (!entry) throw new FeedInputError(`The Bundle names "${at.name}" twice at ${at.path}: FHIR JSON names each property once`, at.path);
      entry.repeatedName ??= at;
    }
  }
  if (invalidUtf8) for (const entry of entries) entry.invalidUtf8 = true;
  return { value: object, bundleType: isBundle ? (object.type as string) : null, entries };
}
