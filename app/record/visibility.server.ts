import { sql, type SQL } from "drizzle-orm";
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
}

/**
 * The FROM clause every record query shares: the entry `e`, the care contact it belongs to `enc` (whose unit the entry
 * takes when it names none itself) and that unit `u`.
 */
export const entryFrom = sql`record_entries e
  left join record_entries enc
    on enc.resource_type = 'Encounter' and enc.id = e.encounter_id and enc.person_id = e.person_id
  left join care_units u on u.id = coalesce(e.care_unit_id, enc.care_unit_id)`;

/** The subject's live entries (tombstones never show), without the ones hidden by the session's choice. */
export function entryScope(scope: RecordScope): SQL {
  const cutoff = scope.hideEntriesAfter?.toISOString();
  // Spelled out rather than coalesce(...) <= cutoff, so that the planner can estimate it from the columns' statistics.
  const hide = cutoff
    ? sql` and (e.recorded_at <= ${cutoff}::timestamptz or (e.recorded_at is null and coalesce(e.occurred_at, e.last_updated) <= ${cutoff}::timestamptz))`
    : sql``;
  return sql`e.person_id = ${scope.subjectPersonId} and e.deleted_at is null${hide}`;
}

/** Withheld because the entry comes from (or, for a referral, goes to) an excluded unit. */
export function fromExcludedUnit(rules: RecordRules): SQL {
  const ids = rules.excludedUnitIds;
  return sql`(${inList(sql`e.care_unit_id`, ids)}
    or ${inList(sql`enc.care_unit_id`, ids)}
    or ${inList(sql`e.care_unit_reference`, rules.excludedUnitRefs)}
    or ${inList(sql`(e.details->>'toUnitId')`, ids)}
    or ${inList(sql`(e.details->>'fromUnitId')`, ids)}
    or ${inList(sql`(e.details->>'toUnitReference')`, rules.excludedUnitRefs)})`;
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One case-insensitive regular expression for all keywords: each entry's text is read once, not once a keyword. */
export function keywordPattern(keywords: readonly string[]): string {
  return keywords.map((k) => k.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`)).join("|");
}

/** Withheld because the entry's title or text holds an excluded keyword (case-insensitive). */
export function holdsExcludedKeyword(rules: RecordRules): SQL {
  if (rules.keywords.length === 0) return sql`false`;
  const p = keywordPattern(rules.keywords);
  return sql`(coalesce(e.title, '') ~* ${p} or coalesce(e.text, '') ~* ${p})`;
}

/**
 * Shown online: neither from an excluded unit nor holding an excluded keyword. The negation of the two tests above,
 * written as conditions the planner estimates from column statistics (a page must stay an index scan in date order
 * that stops at the page's end, not a sort of the whole record).
 */
export function shownOnline(rules: RecordRules): SQL {
  const ids = rules.excludedUnitIds;
  const refs = rules.excludedUnitRefs;
  const keywords = rules.keywords.length === 0 ? sql`` : sql` and coalesce(e.title, '') !~* ${keywordPattern(rules.keywords)} and coalesce(e.text, '') !~* ${keywordPattern(rules.keywords)}`;
  return sql`${notInList(sql`e.care_unit_id`, ids)}
    and ${notInList(sql`enc.care_unit_id`, ids)}
    and ${notInList(sql`e.care_unit_reference`, refs)}
    and ${notInList(sql`(e.details->>'toUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'fromUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'toUnitReference')`, refs)}${keywords}`;
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
