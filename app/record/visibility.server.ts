import { sql, type SQL } from "drizzle-orm";
import { arg, type Values } from "../../db/statements";
import { inList, notInList, type RecordRules } from "./exclusions.server";

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
 * placeholders, filled from `scopeValues`. Only whether entries are hidden, and whether keywords are excluded at all,
 * change the text.
 */
export function scopeShape(scope: RecordScope): string {
  return `${scope.fromSession ? "session" : scope.hideEntriesAfter ? "hidden" : "all"}|${scope.rules.keywords.length > 0 ? "keywords" : "no-keywords"}`;
}

/** The values of the placeholders of `entryScope`, `shownOnline`, `fromExcludedUnit` and `holdsExcludedKeyword`. */
export function scopeValues(scope: RecordScope): Values {
  return {
    ...(scope.fromSession ? {} : { subject: scope.subjectPersonId, hideAfter: scope.hideEntriesAfter?.toISOString() ?? null }),
    excludedUnitIds: scope.rules.excludedUnitIds,
    excludedUnitRefs: scope.rules.excludedUnitRefs,
    keywords: scope.rules.keywords.length > 0 ? keywordPattern(scope.rules.keywords) : null,
  };
}

const EXCLUDED_IDS = sql`${arg("excludedUnitIds")}::text[]`;
const EXCLUDED_REFS = sql`${arg("excludedUnitRefs")}::text[]`;
const KEYWORDS = arg("keywords");

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
export function fromExcludedUnit(): SQL {
  return sql`(${inList(sql`e.care_unit_id`, EXCLUDED_IDS)}
    or ${inList(sql`enc.care_unit_id`, EXCLUDED_IDS)}
    or ${inList(sql`e.care_unit_reference`, EXCLUDED_REFS)}
    or ${inList(sql`(e.details->>'toUnitId')`, EXCLUDED_IDS)}
    or ${inList(sql`(e.details->>'fromUnitId')`, EXCLUDED_IDS)}
    or ${inList(sql`(e.details->>'toUnitReference')`, EXCLUDED_REFS)})`;
}

/** A message (or anything else with a care unit) from an excluded unit. */
export function fromExcludedUnitId(unitId: SQL): SQL {
  return inList(unitId, EXCLUDED_IDS);
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One case-insensitive regular expression for all keywords: each entry's text is read once, not once a keyword. */
export function keywordPattern(keywords: readonly string[]): string {
  return keywords.map((k) => k.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`)).join("|");
}

/** Withheld because the entry's title or text holds an excluded keyword (case-insensitive). */
export function holdsExcludedKeyword(scope: RecordScope): SQL {
  if (scope.rules.keywords.length === 0) return sql`false`;
  return sql`(coalesce(e.title, '') ~* ${KEYWORDS} or coalesce(e.text, '') ~* ${KEYWORDS})`;
}

/**
 * Shown online: neither from an excluded unit nor holding an excluded keyword. The negation of the two tests above,
 * written as conditions the planner estimates from column statistics (a page must stay an index scan in date order
 * that stops at the page's end, not a sort of the whole record).
 */
export function shownOnline(scope: RecordScope): SQL {
  const keywords =
    scope.rules.keywords.length === 0 ? sql`` : sql` and coalesce(e.title, '') !~* ${KEYWORDS} and coalesce(e.text, '') !~* ${KEYWORDS}`;
  return sql`${notInList(sql`e.care_unit_id`, EXCLUDED_IDS)}
    and ${notInList(sql`enc.care_unit_id`, EXCLUDED_IDS)}
    and ${notInList(sql`e.care_unit_reference`, EXCLUDED_REFS)}
    and ${notInList(sql`(e.details->>'toUnitId')`, EXCLUDED_IDS)}
    and ${notInList(sql`(e.details->>'fromUnitId')`, EXCLUDED_IDS)}
    and ${notInList(sql`(e.details->>'toUnitReference')`, EXCLUDED_REFS)}${keywords}`;
}

export function nextDay(isoDate: string): string {
  const t = new Date(`${isoDate}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

export function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
