import { sql, type SQL } from "drizzle-orm";
import { inList, keywordPattern, notInList, type RecordRules } from "./exclusions.server";

/**
 * Whether a record entry is withheld, as conditions of a query over the entry `e`, the care contact it belongs to
 * `enc` and that contact's unit (see record/queries.server's `entryFrom`). The rules go in as parameters: the excluded
 * units' ids and references as text[], the keywords as one case-insensitive pattern.
 */

function unitIds(rules: RecordRules): SQL {
  return sql`${sql.param(rules.excludedUnitIds)}::text[]`;
}

function unitRefs(rules: RecordRules): SQL {
  return sql`${sql.param(rules.excludedUnitRefs)}::text[]`;
}

/** Withheld because the entry comes from (or, for a referral, goes to) an excluded unit. */
export function fromExcludedUnit(rules: RecordRules): SQL {
  return sql`(${inList(sql`e.care_unit_id`, unitIds(rules))}
    or ${inList(sql`enc.care_unit_id`, unitIds(rules))}
    or ${inList(sql`e.care_unit_reference`, unitRefs(rules))}
    or ${inList(sql`(e.details->>'toUnitId')`, unitIds(rules))}
    or ${inList(sql`(e.details->>'fromUnitId')`, unitIds(rules))}
    or ${inList(sql`(e.details->>'toUnitReference')`, unitRefs(rules))})`;
}

/**
 * A message, an appointment, an access event or anything else with a care unit (`unitId`, an expression) from an
 * excluded unit; `unitReference` too for rows whose unit the feed has not resolved yet.
 */
export function fromExcludedUnitId(rules: RecordRules, unitId: SQL, unitReference?: SQL): SQL {
  if (!unitReference) return inList(unitId, unitIds(rules));
  return sql`(${inList(unitId, unitIds(rules))} or ${inList(unitReference, unitRefs(rules))})`;
}

/**
 * Withheld because the entry's title or text holds an excluded keyword (case-insensitive): the verdict stored with the
 * entry when it was judged against these keywords (keyword-verdicts.server), otherwise a search of its text.
 */
export function holdsExcludedKeyword(rules: RecordRules): SQL {
  if (rules.keywords.length === 0) return sql`false`;
  const pattern = keywordPattern(rules.keywords);
  const searched = sql`(coalesce(e.title, '') ~* ${pattern} or coalesce(e.text, '') ~* ${pattern})`;
  if (rules.keywordVerdicts === null) return searched;
  return sql`(case when e.keyword_rules_version = ${rules.keywordVerdicts} then e.holds_keyword else ${searched} end)`;
}

/**
 * Shown online: neither from an excluded unit nor holding an excluded keyword. The negation of the two tests above,
 * written as conditions the planner estimates from column statistics (a page must stay an index scan in date order
 * that stops at the page's end, not a sort of the whole record).
 */
export function shownOnline(rules: RecordRules): SQL {
  const ids = unitIds(rules);
  const refs = unitRefs(rules);
  let withoutKeywords = sql``;
  if (rules.keywords.length > 0) {
    const pattern = keywordPattern(rules.keywords);
    const searched = sql`coalesce(e.title, '') !~* ${pattern} and coalesce(e.text, '') !~* ${pattern}`;
    const version = rules.keywordVerdicts;
    withoutKeywords =
      version === null
        ? sql` and ${searched}`
        : sql` and ((e.keyword_rules_version = ${version} and e.holds_keyword = false) or (e.keyword_rules_version is distinct from ${version} and ${searched}))`;
  }
  return sql`${notInList(sql`e.care_unit_id`, ids)}
    and ${notInList(sql`enc.care_unit_id`, ids)}
    and ${notInList(sql`e.care_unit_reference`, refs)}
    and ${notInList(sql`(e.details->>'toUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'fromUnitId')`, ids)}
    and ${notInList(sql`(e.details->>'toUnitReference')`, refs)}${withoutKeywords}`;
}

/** Whom to ask about information that is not shown online. */
export interface WithheldNotice {
  /** The unit to ask (for a withheld note: its unit; for an excluded unit: the provider it belongs to), if known. */
  askName: string | null;
  askPhone: string | null;
}

/** Why an entry is withheld: from an excluded unit, or holding an excluded keyword. */
export type WithheldBecause = "unit" | "keyword";

/** The care unit a withheld entry comes from, and the provider that unit belongs to. */
export interface WithheldOrigin {
  unitId: string | null;
  unitName: string | null;
  unitPhone: string | null;
  providerId: string | null;
  providerName: string | null;
  providerPhone: string | null;
}

/**
 * The neutral notice for a withheld entry: whom to ask. An excluded unit is never named (its name alone can say too
 * much): the notice names its provider, or nobody when the unit is its own provider. For a keyword, the entry's unit.
 */
export function withheldNotice(because: WithheldBecause, origin: WithheldOrigin): WithheldNotice {
  if (because === "keyword") return { askName: origin.unitName, askPhone: origin.unitPhone };
  const provider = origin.providerId !== null && origin.providerId !== origin.unitId;
  return { askName: provider ? origin.providerName : null, askPhone: provider ? origin.providerPhone : null };
}
