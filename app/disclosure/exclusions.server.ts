import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";
import { config } from "~/config.server";

/**
 * What the portal never shows online: entries from excluded care units (and every unit under them), and entries whose
 * text holds an excluded keyword. The region's configuration (RECORD_EXCLUDED_UNITS, RECORD_EXCLUDED_KEYWORDS); these
 * defaults are DOMAIN.md's examples as this region's catalogue has them: Barnahus Göteborg and the forensic psychiatric
 * clinic (by HSA-id), and the three keywords.
 */
export const DEFAULT_EXCLUDED_UNITS = ["SE2321000131-E000000000015", "SE2321000131-E000000000014"] as const;
export const DEFAULT_EXCLUDED_KEYWORDS = ["Våldsutsatt", "Tredje person", "Oro för att barn far illa"] as const;

const HSA_OID = "urn:oid:1.2.752.29.4.19";

export interface ExclusionSettings {
  /** HSA-ids or care unit ids. */
  units: readonly string[];
  keywords: readonly string[];
}

/** The exclusions resolved against the care units the read model holds. */
export interface RecordRules {
  /** Ids of the excluded units and of every unit below them. */
  excludedUnitIds: string[];
  /** Unit references an entry may still carry unresolved ("Organization/id", "Organization?identifier=…|HSA-id"). */
  excludedUnitRefs: string[];
  keywords: string[];
  /**
   * The version of record_keyword_rules whose stored verdicts (record_entries.holds_keyword) were judged against
   * exactly these keywords, or null when they were not: pages then search each entry's text themselves.
   */
  keywordVerdicts: number | null;
}

export function exclusionSettings(): ExclusionSettings {
  const c = config();
  return {
    units: c.RECORD_EXCLUDED_UNITS ?? DEFAULT_EXCLUDED_UNITS,
    keywords: c.RECORD_EXCLUDED_KEYWORDS ?? DEFAULT_EXCLUDED_KEYWORDS,
  };
}

/** `expr` is one of `list` (a text[] expression); false (never null) when expr is null or the list is empty. */
export function inList(expr: SQL, list: SQL): SQL {
  return sql`coalesce(${expr} = any(${list}), false)`;
}

/** `expr` is none of `list` (a text[] expression); true (never null) when expr is null or the list is empty. */
export function notInList(expr: SQL, list: SQL): SQL {
  return sql`(${expr} is null or ${expr} <> all(${list}))`;
}

/** One case-insensitive regular expression for all keywords: each entry's text is read once, not once a keyword. */
export function keywordPattern(keywords: readonly string[]): string {
  return keywords.map((k) => k.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`)).join("|");
}

/** The keywords as configured: trimmed, without blanks and repeats, in their order. */
export function normalizedKeywords(settings: ExclusionSettings): string[] {
  return [...new Set(settings.keywords.map((k) => k.trim()).filter(Boolean))];
}

/** Reads the unit tree once: the listed units (by HSA-id or id) and all their descendants. */
export async function resolveRecordRules(db: Queryable, settings: ExclusionSettings): Promise<RecordRules> {
  const units = [...new Set(settings.units.map((u) => u.trim()).filter(Boolean))];
  const keywords = normalizedKeywords(settings);
  let ids: string[] = [];
  if (units.length > 0) {
    const result = await db.execute(sql`
      with recursive excluded(id) as (
        select id from care_units where ${inList(sql`hsa_id`, sql`${sql.param(units)}::text[]`)} or ${inList(sql`id`, sql`${sql.param(units)}::text[]`)}
        union
        select c.id from care_units c join excluded x on c.parent_id = x.id
      )
      select id from excluded`);
    ids = rowsOf<{ id: string }>(result).map((r) => r.id);
  }
  const excludedUnitIds = [...new Set([...ids])].sort();
  const excludedUnitRefs = [
    ...new Set([
      ...units.map((u) => `Organization?identifier=${HSA_OID}|${u}`),
      ...units.map((u) => `Organization/${u}`),
      ...excludedUnitIds.map((id) => `Organization/${id}`),
    ]),
  ];
  const judged = rowsOf<{ version: number }>(
    await db.execute(sql`select version from record_keyword_rules where id and pattern = ${keywordPattern(keywords)}`),
  );
  return { excludedUnitIds, excludedUnitRefs, keywords, keywordVerdicts: judged[0]?.version ?? null };
}

const RULES_TTL_MS = 60_000;
const cache = new WeakMap<object, { at: number; rules: Promise<RecordRules> }>();

/**
 * The rules for this process's configuration, re-read from the unit tree at most once a minute (units arrive with the
 * feed, rarely): pages pay nothing for them.
 */
export function recordRules(db: Queryable, now = Date.now()): Promise<RecordRules> {
  const hit = cache.get(db);
  if (hit && now - hit.at < RULES_TTL_MS) return hit.rules;
  const rules = resolveRecordRules(db, exclusionSettings());
  cache.set(db, { at: now, rules });
  rules.catch(() => cache.delete(db));
  return rules;
}
