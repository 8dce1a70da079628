import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { arg, type Values } from "../../db/statements";
import { inList, keywordPattern, notInList, type RecordRules } from "./exclusions.server";

/**
 * Who is looking at whose record, and under which rules: every record query takes one, and names the subject in its
 * WHERE clause through `entryScope`.
 */
export interface RecordScope {
  subjectPersonId: string;
  /** The session's "hide new entries" choice: entries recorded after this are not shown. */
  hideEntriesAfter: Date | null;
  rules: RecordRules;
  /**
   * The subject and the "hide new entries" choice are not known yet: the statement reads them from the request's
   * session itself, binding the placeholders `subject` and `hideAfter` (see `readWithSession`).
   */
  fromSession?: boolean;
}

/**
 * The FROM clause every record query shares: the entry `e`, the care contact it belongs to `enc` (whose unit the entry
 * takes when it names none itself) and that unit `u`.
 */
export const entryFrom = sql`record_entries e
  left join record_entries enc
    on enc.resource_type = 'Encounter' and enc.id = e.encounter_id and enc.person_id = e.person_id
  left join care_units u on u.id = coalesce(e.care_unit_id, enc.care_unit_id)`;

/**
 * The statements' text is built once per shape and kept (runShaped): what varies from page to page goes in as
 * placeholders, filled from `scopeValues`. Whether entries are hidden changes the text, and so do the rules: they are
 * the region's configuration, the same for every caller, so they are written into the text (`rulesText`) rather than
 * sent with every page ten times over and parsed again each time.
 */
export function scopeShape(scope: RecordScope): string {
  return `${scope.fromSession ? "session" : scope.hideEntriesAfter ? "hidden" : "all"}|${rulesKey(scope.rules)}`;
}

/** The values of the placeholders of `entryScope` and `shownOnline`. */
export function scopeValues(scope: RecordScope): Values {
  return scope.fromSession ? {} : { subject: scope.subjectPersonId, hideAfter: scope.hideEntriesAfter?.toISOString() ?? null };
}

const rulesKeys = new WeakMap<RecordRules, string>();

/** What names a set of rules in a statement's shape: a digest of their content (rules are re-read every minute). */
function rulesKey(rules: RecordRules): string {
  let key = rulesKeys.get(rules);
  if (key === undefined) {
    const content = JSON.stringify([rules.excludedUnitIds, rules.excludedUnitRefs, rules.keywords, rules.keywordVerdicts]);
    key = `rules:${createHash("sha256").update(content).digest("base64url").slice(0, 22)}`;
    rulesKeys.set(rules, key);
  }
  return key;
}

/**
 * A string as a literal of the statement's text. An escape string (E'…'), so that it reads the same whatever the
 * server's standard_conforming_strings: each backslash and quote doubled. PostgreSQL's text holds no NUL character.
 */
function textLiteral(value: string): SQL {
  if (value.includes("\0")) throw new Error("a rule holds a NUL character");
  return sql.raw(`E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`);
}

/** A list of strings as a text[] literal of the statement's text. */
function textArrayLiteral(values: readonly string[]): SQL {
  if (values.length === 0) return sql.raw("'{}'::text[]");
  return sql`array[${sql.join(values.map(textLiteral), sql`, `)}]::text[]`;
}

/** The rules as the statement's text has them: the excluded units' ids and references, the keywords' pattern. */
function rulesText(rules: RecordRules): { ids: SQL; refs: SQL; keywords: SQL } {
  return {
    ids: textArrayLiteral(rules.excludedUnitIds),
    refs: textArrayLiteral(rules.excludedUnitRefs),
    keywords: textLiteral(keywordPattern(rules.keywords)),
  };
}

/** The subject's live entries (tombstones never show), without the ones hidden by the session's choice. */
export function entryScope(scope: RecordScope): SQL {
  // Spelled out rather than coalesce(...) <= cutoff, so that the planner can estimate it from the columns' statistics.
  const hidden = sql`(e.recorded_at <= ${arg("hideAfter")}::timestamptz or (e.recorded_at is null and coalesce(e.occurred_at, e.last_updated) <= ${arg("hideAfter")}::timestamptz))`;
  // Read from the session by the statement itself: whether there is a choice is known only as it runs.
  const hide = scope.fromSession
    ? sql` and (${arg("hideAfter")}::timestamptz is null or ${hidden})`
    : scope.hideEntriesAfter
      ? sql` and ${hidden}`
      : sql``;
  return sql`e.person_id = ${arg("subject")} and e.deleted_at is null${hide}`;
}

/** Withheld because the entry comes from (or, for a referral, goes to) an excluded unit. */
export function fromExcludedUnit(scope: RecordScope): SQL {
  const { ids, refs } = rulesText(scope.rules);
  return sql`(${inList(sql`e.care_unit_id`, ids)}
    or ${inList(sql`enc.care_unit_id`, ids)}
    or ${inList(sql`e.care_unit_reference`, refs)}
    or ${inList(sql`(e.details->>'toUnitId')`, ids)}
    or ${inList(sql`(e.details->>'fromUnitId')`, ids)}
    or ${inList(sql`(e.details->>'toUnitReference')`, refs)})`;
}

/** A message (or anything else with a care unit) from an excluded unit. */
export function fromExcludedUnitId(scope: RecordScope, unitId: SQL): SQL {
  return inList(unitId, rulesText(scope.rules).ids);
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The stored verdicts' version, as the statement's text has it (an integer the rules read from the database). */
function verdictsVersion(rules: RecordRules): SQL | null {
  return rules.keywordVerdicts === null ? null : sql.raw(String(Math.trunc(rules.keywordVerdicts)));
}

/**
 * Withheld because the entry's title or text holds an excluded keyword (case-insensitive): the verdict stored with the
 * entry when it was judged against these keywords, otherwise a search of its text.
 */
export function holdsExcludedKeyword(scope: RecordScope): SQL {
  if (scope.rules.keywords.length === 0) return sql`false`;
  const { keywords } = rulesText(scope.rules);
  const searched = sql`(coalesce(e.title, '') ~* ${keywords} or coalesce(e.text, '') ~* ${keywords})`;
  const version = verdictsVersion(scope.rules);
  return version ? sql`(case when e.keyword_rules_version = ${version} then e.holds_keyword else ${searched} end)` : searched;
}

/**
 * Shown online: neither from an excluded unit nor holding an excluded keyword. The negation of the two tests above,
 * written as conditions the planner estimates from column statistics (a page must stay an index scan in date order
 * that stops at the page's end, not a sort of the whole record).
 */
export function shownOnline(scope: RecordScope): SQL {
  const { ids, refs, keywords } = rulesText(scope.rules);
  const searched = sql`coalesce(e.title, '') !~* ${keywords} and coalesce(e.text, '') !~* ${keywords}`;
  const version = verdictsVersion(scope.rules);
  const withoutKeywords =
    scope.rules.keywords.length === 0
      ? sql``
      : version
        ? sql` and ((e.keyword_rules_version = ${version} and e.holds_keyword = false) or (e.keyword_rules_version is distinct from ${version} and ${searched}))`
        : sql` and ${searched}`;
  return sql`${notInList(sql`e.care_unit_id`, ids)}
    and ${notInList(sql`enc.care_unit_id`, ids)}
    and ${notInList(sql`e.care_unit_reference`, refs)}
    and ${notInList(sql`(e.details->>'toUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'fromUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'toUnitReference')`, refs)}${withoutKeywords}`;
}

export function nextDay(isoDate: string): string {
  const t = new Date(`${isoDate}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** An instant as PostgreSQL's JSON writes it in UTC: "2026-03-01T10:00:00+00:00", with up to six decimals. */
const PG_UTC_INSTANT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$/;

/** An instant as ISO text in UTC with milliseconds ("2026-03-01T10:00:00.000Z"), or null. */
export function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    // The common case, without a Date: the text PostgreSQL's JSON has, rewritten (milliseconds cut as Date cuts them).
    const m = PG_UTC_INSTANT.exec(value);
    if (m?.[1] && Number(m[1].slice(0, 4)) > 0) return `${m[1]}.${(m[2] ?? "").slice(0, 3).padEnd(3, "0")}Z`;
  }
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
