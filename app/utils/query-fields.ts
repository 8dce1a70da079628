/**
 * A GET form's fields read from the query string, one way for every page that filters a list: each field's usable
 * value, and for a field that was given but cannot be used, why, as a translation key next to that field. The
 * usable part of the filter applies; what was typed stays in the field so the reader can correct it.
 * Pure and without dependencies: the components use `isCalendarDate` too.
 */

/** Why a field's value was not used: a translation key (with its namespace) and what its message names. */
export interface FieldError {
  key: string;
  /** Numbers are formatted for the reader's language; `count` also picks the plural. */
  values?: Record<string, number | string>;
}

export type FieldErrors<K extends string> = Partial<Record<K, FieldError>>;

/** The years a period may name: a record's dates, and the Swedish days of dates.ts, lie well within them. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2999;

/** A real calendar date as YYYY-MM-DD (no 2026-02-30), in any year. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** What the address gave for a field, trimmed, at most `keep` characters of it (the field shows it again). */
function given(params: URLSearchParams, name: string, keep: number): string | undefined {
  const value = params.get(name)?.trim();
  return value ? keepFirst(value, keep) : undefined;
}

function keepFirst(text: string, keep: number): string {
  return text.length <= keep ? text : [...text].slice(0, keep).join("");
}

export interface Period {
  /** The dates that apply: none when the period cannot be used. */
  from?: string;
  to?: string;
  /** What the address gave, for the fields. */
  typed: { from?: string; to?: string };
  errors: FieldErrors<"from" | "to">;
}

/**
 * A period of calendar days, both ends included (they are Swedish days: see app/i18n/dates.ts). A date that is not a
 * date, or outside the years the portal reads, is named at its field and not used; an end before the start is named
 * at the end, and neither date is used.
 */
export function readPeriod(params: URLSearchParams): Period {
  const typed = { from: given(params, "from", 40), to: given(params, "to", 40) };
  const errors: Period["errors"] = {};
  const usable = (name: "from" | "to"): string | undefined => {
    const text = typed[name];
    if (text === undefined) return undefined;
    if (!isCalendarDate(text)) errors[name] = { key: "common:filterErrors.date" };
    else if (Number(text.slice(0, 4)) < FIRST_YEAR || Number(text.slice(0, 4)) > LAST_YEAR) {
      errors[name] = { key: "common:filterErrors.dateYears", values: { first: String(FIRST_YEAR), last: String(LAST_YEAR) } };
    } else return text;
    return undefined;
  };
  const from = usable("from");
  const to = usable("to");
  if (from && to && to < from) {
    errors.to = { key: "common:filterErrors.toBeforeFrom" };
    return { typed, errors };
  }
  return { from, to, typed, errors };
}

/** A page of a list: a whole number from 1. */
export const LAST_PAGE_ASKED = 10_000;

/**
 * The page asked for, 1 when none; a page that is not a whole number from 1 (up to LAST_PAGE_ASKED) is named, and
 * the first page shown. (Whether the list has that many pages, the list's read says: `pastTheEnd`.)
 */
export function readPage(params: URLSearchParams): { page: number; error?: FieldError } {
  const text = params.get("page")?.trim();
  if (!text) return { page: 1 };
  const page = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (page >= 1 && page <= LAST_PAGE_ASKED) return { page };
  return { page: 1, error: { key: "common:filterErrors.page" } };
}

/** The page asked for was past the list's end, which has `last` pages: that is the one shown. */
export function pastTheEnd(asked: number, last: number): FieldError {
  return { key: "common:filterErrors.pastEnd", values: { page: asked, last, count: last } };
}

/** A free text of at most `max` characters (counted as the reader counts them); a longer one is named, not used. */
export function readText(params: URLSearchParams, name: string, max: number): { value?: string; typed?: string; error?: FieldError } {
  const text = params.get(name)?.trim();
  if (!text) return {};
  const length = [...text].length;
  if (length > max) return { typed: keepFirst(text, 1_000), error: { key: "common:filterErrors.tooLong", values: { max, length } } };
  return { value: text, typed: text };
}

/** One of a list of values; anything else is named, with `key` saying what the field offers instead. */
export function readChoice<T extends string>(params: URLSearchParams, name: string, choices: readonly T[], key: string): { value?: T; error?: FieldError } {
  const text = params.get(name)?.trim();
  if (!text) return {};
  return (choices as readonly string[]).includes(text) ? { value: text as T } : { error: { key } };
}
