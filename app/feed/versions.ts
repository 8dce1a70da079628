/**
 * Which version of a resource is newer: `meta.versionId` compared numerically (absent or non-numeric → null, older
 * than any number), then `meta.lastUpdated`. The same order is written in SQL in `tables.server.ts` (versionNewer):
 * the two must agree.
 */

export interface Version {
  /** meta.versionId as a number, or null. */
  versionId: number | null;
  /** meta.lastUpdated as an ISO instant PostgreSQL stores exactly (microseconds), or null. */
  lastUpdated: string | null;
}

const NUMERIC = /^\d{1,15}$/;

/** meta.versionId → number; null when absent or not a whole number PostgreSQL's bigint and JavaScript both hold. */
export function parseVersionId(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value !== "string" || !NUMERIC.test(value.trim())) return null;
  return Number(value.trim());
}

/** ETag `W/"3"` or `"3"` → 3. */
export function versionFromEtag(etag: unknown): number | null {
  if (typeof etag !== "string") return null;
  const m = /^(?:W\/)?"?([^"]*)"?$/.exec(etag.trim());
  return m ? parseVersionId(m[1]) : null;
}

/**
 * An instant as microseconds since the epoch, the precision PostgreSQL keeps (it rounds finer fractions to the
 * nearest microsecond, as this does). Null when it does not parse.
 */
export function instantMicros(value: string | null | undefined): number | null {
  if (!value) return null;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms * 1000;
  }
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return null;
  const fraction = m[2] ?? "";
  // Round to microseconds: "1234567" → 1234.567 → 1235.
  const micros = fraction ? Math.round(Number(`0.${fraction}`) * 1e6) : 0;
  return seconds * 1000 + micros;
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareVersions(a: Version, b: Version): number {
  const va = a.versionId ?? -1;
  const vb = b.versionId ?? -1;
  if (va !== vb) return va < vb ? -1 : 1;
  const la = instantMicros(a.lastUpdated) ?? -Infinity;
  const lb = instantMicros(b.lastUpdated) ?? -Infinity;
  if (la === lb) return 0;
  return la < lb ? -1 : 1;
}
