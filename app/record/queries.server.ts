import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { arg, runNamed, runRead, valuesOf, type Read, type ReadsWrite, type TogetherPart, type Values } from "../../db/statements";
import type { ProviderKind } from "../../db/schema/care";
import { recordSections, type RecordSection } from "../../db/schema/record";
import { swedishMidnight } from "~/audit/access-log.server";
import { PAGE_SIZE, PRINT_LIMIT, providerKindFilters, type SectionFilters } from "./sections";
import {
  entryFrom,
  entryScope,
  fromExcludedUnit,
  holdsExcludedKeyword,
  likePattern,
  nextDay,
  scopeShape,
  scopeValues,
  shownOnline,
  toIso,
  type RecordScope,
} from "./visibility.server";

/** One entry as a record page shows it: what happened, when, where, and which kind of provider. */
export interface EntryView {
  /** "Type/id": what the access log names. */
  ref: string;
  section: RecordSection;
  occurredAt: string | null;
  title: string | null;
  text: string | null;
  code: string | null;
  status: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
  authorName: string | null;
  authorProfession: string | null;
  valueNumber: number | null;
  valueText: string | null;
  valueUnit: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  referenceText: string | null;
  interpretation: string | null;
  fromUnitName: string | null;
  toUnitName: string | null;
  criticality: string | null;
}

/** Medication statuses that mean the citizen takes it now. */
export const CURRENT_MEDICATION_STATUSES = ["active", "on-hold", "intended"] as const;

const currentMedication = sql`e.status in ('active', 'on-hold', 'intended')`;

interface Needs {
  text: boolean;
  author: boolean;
  value: boolean;
  referral: boolean;
  medication: boolean;
  criticality: boolean;
}

const needsOf: Record<RecordSection, Needs> = {
  notes: { text: true, author: true, value: false, referral: false, medication: false, criticality: false },
  diagnoses: { text: true, author: false, value: false, referral: false, medication: false, criticality: false },
  medications: { text: true, author: true, value: false, referral: false, medication: true, criticality: false },
  results: { text: true, author: false, value: true, referral: false, medication: false, criticality: false },
  vaccinations: { text: false, author: false, value: false, referral: false, medication: false, criticality: false },
  allergies: { text: true, author: false, value: false, referral: false, medication: false, criticality: true },
  care_contacts: { text: true, author: true, value: false, referral: false, medication: false, criticality: false },
  referrals: { text: true, author: false, value: false, referral: true, medication: false, criticality: false },
};

const ALL_NEEDS: Needs = { text: true, author: true, value: true, referral: true, medication: true, criticality: true };

/**
 * The columns a section's page shows (and nothing else), with the joins they need. A column a section has no use for
 * is left out, not selected as null: each row comes back as JSON, where a null column still costs its name.
 */
function columnsFor(needs: Needs): { select: SQL; joins: SQL } {
  const select = [
    sql`e.resource_type, e.id, e.section, e.occurred_at, e.code, e.status, u.name as unit_name, u.provider_kind`,
    needs.medication ? sql`coalesce(e.title, mp.name) as title` : sql`e.title`,
    ...(needs.text ? [sql`e.text`] : []),
    ...(needs.author ? [sql`p.name as author_name, p.profession as author_profession`] : []),
    ...(needs.value
      ? [sql`e.value_number, e.value_text, e.unit as value_unit, e.reference_low, e.reference_high, e.reference_text, e.interpretation`]
      : []),
    ...(needs.referral ? [sql`fu.name as from_unit_name, tu.name as to_unit_name`] : []),
    ...(needs.criticality ? [sql`e.details->>'criticality' as criticality`] : []),
  ];
  const joins = [
    needs.author ? sql` left join practitioners p on p.id = e.practitioner_id` : sql``,
    needs.medication ? sql` left join medication_products mp on mp.id = e.medication_id` : sql``,
    needs.referral
      ? sql` left join care_units fu on fu.id = e.details->>'fromUnitId' left join care_units tu on tu.id = e.details->>'toUnitId'`
      : sql``,
  ];
  return { select: sql.join(select, sql`, `), joins: sql.join(joins, sql``) };
}

/** An entry's row: the columns every section has, and those its section selects (see columnsFor). */
interface EntryRow {
  resource_type: string;
  id: string;
  section: RecordSection;
  occurred_at: Date | string | null;
  code: string | null;
  status: string | null;
  unit_name: string | null;
  provider_kind: string | null;
  title: string | null;
  text?: string | null;
  author_name?: string | null;
  author_profession?: string | null;
  value_number?: number | string | null;
  value_text?: string | null;
  value_unit?: string | null;
  reference_low?: number | string | null;
  reference_high?: number | string | null;
  reference_text?: string | null;
  interpretation?: string | null;
  from_unit_name?: string | null;
  to_unit_name?: string | null;
  criticality?: string | null;
}

function num(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function providerKindOf(v: string | null): ProviderKind {
  return (providerKindFilters as readonly string[]).includes(v ?? "") ? (v as ProviderKind) : "unknown";
}

function toView(r: EntryRow): EntryView {
  return {
    ref: `${r.resource_type}/${r.id}`,
    section: r.section,
    occurredAt: toIso(r.occurred_at),
    title: r.title,
    text: r.text ?? null,
    code: r.code,
    status: r.status,
    careUnitName: r.unit_name,
    providerKind: providerKindOf(r.provider_kind),
    authorName: r.author_name ?? null,
    authorProfession: r.author_profession ?? null,
    valueNumber: num(r.value_number),
    valueText: r.value_text ?? null,
    valueUnit: r.value_unit ?? null,
    referenceLow: num(r.reference_low),
    referenceHigh: num(r.reference_high),
    referenceText: r.reference_text ?? null,
    interpretation: r.interpretation ?? null,
    fromUnitName: r.from_unit_name ?? null,
    toUnitName: r.to_unit_name ?? null,
    criticality: r.criticality ?? null,
  };
}

type Filters = Partial<SectionFilters>;

/** What decides the text of `filterConditions`: which filters are set (their values go in as placeholders). */
function filterShape(section: RecordSection | null, filters: Filters): string {
  const provider = !filters.provider
    ? ""
    : filters.provider === "unknown"
      ? "unknown"
      : (providerKindFilters as readonly string[]).includes(filters.provider)
        ? "kind"
        : "unit";
  const q = filters.q && (section === "notes" || section === null) ? "q" : "";
  const status = filters.status && section === "medications" ? filters.status : "";
  return `${filters.from ? "from" : ""}|${filters.to ? "to" : ""}|${provider}|${q}|${status}`;
}

/** The filter conditions of a section page (period, provider, notes search, medication status). */
function filterConditions(section: RecordSection | null, filters: Filters): SQL {
  const parts: SQL[] = [];
  if (filters.from) parts.push(sql` and e.occurred_at >= ${arg("from")}::timestamptz`);
  if (filters.to) parts.push(sql` and e.occurred_at < ${arg("until")}::timestamptz`);
  if (filters.provider) {
    if ((providerKindFilters as readonly string[]).includes(filters.provider)) {
      // On the bare column (not coalesce(...)): the planner estimates it from statistics and keeps the date-ordered scan.
      parts.push(filters.provider === "unknown" ? sql` and (u.provider_kind = 'unknown' or u.id is null)` : sql` and u.provider_kind = ${arg("provider")}`);
    } else {
      parts.push(sql` and (u.id = ${arg("provider")} or u.provider_id = ${arg("provider")})`);
    }
  }
  if (filters.q && (section === "notes" || section === null)) {
    parts.push(sql` and (e.text ilike ${arg("pattern")} or e.title ilike ${arg("pattern")})`);
  }
  if (filters.status && section === "medications") {
    parts.push(filters.status === "current" ? sql` and ${currentMedication}` : sql` and not ${currentMedication}`);
  }
  return sql.join(parts, sql``);
}

/** The values of `filterConditions`' placeholders. */
function filterValues(filters: Filters): Values {
  return {
    from: filters.from ? swedishMidnight(filters.from).toISOString() : null,
    until: filters.to ? swedishMidnight(nextDay(filters.to)).toISOString() : null,
    provider: filters.provider ?? null,
    pattern: filters.q ? likePattern(filters.q) : null,
  };
}

/** A section as a literal of the statement's text (the sections are a fixed list): for statements over several. */
function sectionLiteral(section: RecordSection): SQL {
  if (!recordSections.includes(section)) throw new Error(`no such section: ${String(section)}`);
  return sql.raw(`'${section}'`);
}

export interface EntryPage {
  entries: EntryView[];
  page: number;
  pageSize: number;
  hasNext: boolean;
}

/** How every list of entries is ordered: newest first, and a stable order among entries of the same instant. */
const NEWEST_FIRST = sql`occurred_at desc nulls last, resource_type, id`;

/** An entry row's reference ("Observation/123"), over a selectTogether part's row `x`: what the access log names. */
export const ENTRY_REF = sql`x.resource_type || '/' || x.id`;

/** One page of a section (one entry more than the page, to tell whether there is a next). */
function sectionListQuery(scope: RecordScope, section: RecordSection, filters: Filters): SQL {
  const { select, joins } = columnsFor(needsOf[section]);
  return sql`
    select ${select}
      from ${entryFrom}${joins}
     where ${entryScope(scope)} and e.section = ${arg("section")} and ${shownOnline(scope)}${filterConditions(section, filters)}
     order by e.occurred_at desc nulls last, e.resource_type, e.id
     limit ${arg("pageSize")}::int + 1 offset ${arg("offset")}`;
}

function entryPageOf(rows: EntryRow[], page: number, pageSize: number): EntryPage {
  return { entries: rows.slice(0, pageSize).map(toView), page, pageSize, hasNext: rows.length > pageSize };
}

/** Whom to ask about information that is not shown online. */
export interface WithheldNotice {
  /** The unit to ask (for a withheld note: its unit; for an excluded unit: the provider it belongs to), if known. */
  askName: string | null;
  askPhone: string | null;
}

export interface UnitOption {
  id: string;
  name: string;
  providerKind: ProviderKind;
  providerId: string | null;
  providerName: string | null;
}

export interface SectionFacets {
  /** The units (and so providers) the section's shown entries come from: the provider filter's choices. */
  units: UnitOption[];
  withheld: WithheldNotice[];
}

interface FacetRow {
  unit_id: string | null;
  unit_name: string | null;
  unit_phone: string | null;
  provider_kind: string | null;
  provider_id: string | null;
  provider_name: string | null;
  provider_phone: string | null;
  withheld: "unit" | "keyword" | null;
}

/** Names in Swedish alphabetical order (å, ä, ö last), whatever the page's language: they are Swedish names. */
const swedishOrder = new Intl.Collator("sv").compare;

function facetsOf(rows: FacetRow[]): SectionFacets {
  const units: UnitOption[] = [];
  const withheld = new Map<string, WithheldNotice>();
  for (const r of rows) {
    if (r.withheld === null) {
      if (r.unit_id && r.unit_name) {
        units.push({
          id: r.unit_id,
          name: r.unit_name,
          providerKind: providerKindOf(r.provider_kind),
          providerId: r.provider_id,
          providerName: r.provider_name,
        });
      }
      continue;
    }
    // An excluded unit is never named (its name alone can say too much): the notice names its provider.
    const notice =
      r.withheld === "unit"
        ? { askName: r.provider_id && r.provider_id !== r.unit_id ? r.provider_name : null, askPhone: r.provider_id && r.provider_id !== r.unit_id ? r.provider_phone : null }
        : { askName: r.unit_name, askPhone: r.unit_phone };
    withheld.set(`${notice.askName ?? ""}|${notice.askPhone ?? ""}`, notice);
  }
  units.sort((a, b) => swedishOrder(a.name, b.name));
  const notices = [...withheld.values()].sort((a, b) => swedishOrder(a.askName ?? "\uffff", b.askName ?? "\uffff"));
  return { units, withheld: notices };
}

/**
 * For a section: the units its shown entries come from, and where something was withheld, whom
 * to ask. One aggregate over the subject's entries of the section; no withheld entry's content leaves the query.
 */
function sectionFacetsQuery(scope: RecordScope): SQL {
  return sql`
    select u.id as unit_id, u.name as unit_name, u.phone as unit_phone, u.provider_kind, u.provider_id,
           root.name as provider_name, root.phone as provider_phone,
           case when ${fromExcludedUnit(scope)} then 'unit'
                when ${holdsExcludedKeyword(scope)} then 'keyword' end as withheld
      from ${entryFrom}
      left join care_units root on root.id = u.provider_id
     where ${entryScope(scope)} and e.section = ${arg("section")}
     group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

/**
 * What a section page shows, in one statement: one page of the subject's live entries shown online, filtered, newest
 * first (an indexed query on (person_id, section, occurred_at desc)), and the section's facets.
 */
export function sectionPage(
  db: Queryable,
  scope: RecordScope,
  section: RecordSection,
  filters: Filters,
  pageSize = PAGE_SIZE,
  logRead?: ReadsWrite,
): Promise<SectionRead> {
  return runRead(db, sectionPageRead(scope, section, filters, pageSize, logRead));
}

export interface SectionRead {
  page: EntryPage;
  facets: SectionFacets;
}

/** `sectionPage` as a statement still to run. */
export function sectionPageRead(
  scope: RecordScope,
  section: RecordSection,
  filters: Filters,
  pageSize = PAGE_SIZE,
  logRead?: ReadsWrite,
): Read<SectionRead, { entries: EntryRow[]; facets: FacetRow[] }> {
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  return {
    together: () => ({
      parts: {
        // The query reads one entry past the page, to tell whether there is a next page: that one is not shown.
        entries: { query: sectionListQuery(scope, section, filters), orderBy: NEWEST_FIRST, shown: { ref: ENTRY_REF, limit: sql`${arg("pageSize")}` } },
        facets: { query: sectionFacetsQuery(scope) },
      },
      write: logRead?.write,
    }),
    shape: `section|${section}|${scopeShape(scope)}|${filterShape(section, filters)}|${logRead ? "logged" : "read"}`,
    values: valuesOf(scopeValues(scope), filterValues(filters), { section, pageSize, offset: (page - 1) * pageSize }, logRead?.values ?? {}),
    result: (rows) => ({ page: entryPageOf(rows.entries, page, pageSize), facets: facetsOf(rows.facets) }),
  };
}

export interface TrendPoint {
  ref: string;
  occurredAt: string | null;
  valueNumber: number | null;
  valueText: string | null;
  valueUnit: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  referenceText: string | null;
  interpretation: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
}

export interface Trend {
  code: string;
  title: string | null;
  points: TrendPoint[];
  withheld: WithheldNotice[];
}

/** A result's value as the section list reads it, with what the withheld notices need. */
interface TrendRow
  extends FacetRow,
    Required<
      Pick<
        EntryRow,
        | "resource_type"
        | "id"
        | "occurred_at"
        | "title"
        | "value_number"
        | "value_text"
        | "value_unit"
        | "reference_low"
        | "reference_high"
        | "reference_text"
        | "interpretation"
      >
    > {}

export const TREND_LIMIT = 1000;

/**
 * Every value of one result (by its code) over time, oldest first, and whether values of it were withheld. One query
 * on (person_id, code, occurred_at desc); null when the subject has no such result at all.
 */
export function resultTrend(db: Queryable, scope: RecordScope, code: string, logRead?: ReadsWrite): Promise<Trend | null> {
  return runRead(db, resultTrendRead(scope, code, logRead));
}

/** `resultTrend` as a statement still to run. */
export function resultTrendRead(scope: RecordScope, code: string, logRead?: ReadsWrite): Read<Trend | null, { points: TrendRow[] }> {
  return {
    together: () => ({
      parts: {
        points: {
          query: sql`
            select e.resource_type, e.id, e.occurred_at, e.title, e.value_number, e.value_text, e.unit as value_unit,
                   e.reference_low, e.reference_high, e.reference_text, e.interpretation,
                   u.id as unit_id, u.name as unit_name, u.phone as unit_phone, u.provider_kind, u.provider_id,
                   root.name as provider_name, root.phone as provider_phone,
                   case when ${fromExcludedUnit(scope)} then 'unit'
                        when ${holdsExcludedKeyword(scope)} then 'keyword' end as withheld
              from ${entryFrom}
              left join care_units root on root.id = u.provider_id
             where ${entryScope(scope)} and e.code = ${arg("code")} and e.section = 'results'
             order by e.occurred_at desc nulls last, e.resource_type, e.id
             limit ${sql.raw(String(TREND_LIMIT))}`,
          orderBy: sql`occurred_at asc nulls first, resource_type, id`,
          shown: { ref: ENTRY_REF, where: sql`x.withheld is null` },
        },
      },
      write: logRead?.write,
    }),
    shape: `trend|${scopeShape(scope)}|${logRead ? "logged" : "read"}`,
    values: valuesOf(scopeValues(scope), { code }, logRead?.values ?? {}),
    result: ({ points }) => trendOf(code, points),
  };
}

function trendOf(code: string, rows: TrendRow[]): Trend | null {
  if (rows.length === 0) return null;
  const shown = rows.filter((r) => r.withheld === null);
  const { withheld } = facetsOf(rows.filter((r) => r.withheld !== null));
  const newest = shown[shown.length - 1];
  return {
    code,
    title: newest?.title ?? null,
    withheld,
    points: shown.map((r) => ({
      ref: `${r.resource_type}/${r.id}`,
      occurredAt: toIso(r.occurred_at),
      valueNumber: num(r.value_number),
      valueText: r.value_text,
      valueUnit: r.value_unit,
      referenceLow: num(r.reference_low),
      referenceHigh: num(r.reference_high),
      referenceText: r.reference_text,
      interpretation: r.interpretation,
      careUnitName: r.unit_name,
      providerKind: providerKindOf(r.provider_kind),
    })),
  };
}

export interface PrintSection {
  section: RecordSection;
  entries: EntryView[];
  /** More entries than a printout holds: the citizen narrows the period. */
  truncated: boolean;
}

/** The sections of a printout (one, or all), each newest first and at most PRINT_LIMIT entries. One query. */
export async function printEntries(
  db: Queryable,
  scope: RecordScope,
  sections: readonly RecordSection[],
  filters: Partial<SectionFilters>,
): Promise<PrintSection[]> {
  const { select, joins } = columnsFor(ALL_NEEDS);
  const periodAndProvider = { ...filters, q: undefined, status: undefined };
  const result = await runNamed<EntryRow>(
    db,
    sql`
    select x.* from unnest(${arg("sections")}::text[]) as s(section)
    cross join lateral (
      select ${select}
        from ${entryFrom}${joins}
       where ${entryScope(scope)} and e.section = s.section and ${shownOnline(scope)}${filterConditions(null, periodAndProvider)}
       order by e.occurred_at desc nulls last, e.resource_type, e.id
       limit ${sql.raw(String(PRINT_LIMIT + 1))}
    ) x`,
    valuesOf(scopeValues(scope), filterValues(periodAndProvider), { sections: [...sections] }),
  );
  const rows = result.map(toView);
  return sections.map((section) => {
    const mine = rows.filter((r) => r.section === section);
    return { section, entries: mine.slice(0, PRINT_LIMIT), truncated: mine.length > PRINT_LIMIT };
  });
}

export interface ExportedEntry {
  ref: string;
  resource: Record<string, unknown>;
}

/** The raw FHIR resources of every entry the portal shows the subject (optionally one section, filtered). One query. */
export async function exportEntries(
  db: Queryable,
  scope: RecordScope,
  section: RecordSection | null,
  filters: Partial<SectionFilters> = {},
): Promise<ExportedEntry[]> {
  const inSection = section ? sql` and e.section = ${arg("section")}` : sql``;
  const result = await runNamed<{ resource_type: string; id: string; raw: Record<string, unknown> | string }>(
    db,
    sql`
    select e.resource_type, e.id, e.raw
      from ${entryFrom}
     where ${entryScope(scope)}${inSection} and ${shownOnline(scope)}${filterConditions(section, filters)}
     order by e.section, e.occurred_at desc nulls last, e.resource_type, e.id`,
    valuesOf(scopeValues(scope), filterValues(filters), { section }),
  );
  return result.map((r) => ({
    ref: `${r.resource_type}/${r.id}`,
    resource: typeof r.raw === "string" ? (JSON.parse(r.raw) as Record<string, unknown>) : r.raw,
  }));
}

export const HIGHLIGHT_RESULTS = 5;
export const HIGHLIGHT_MEDICATIONS = 10;
export const HIGHLIGHT_ALLERGIES = 10;

/**
 * What the overview shows of the record: the newest results, current medications and active allergies and other
 * warnings. One query: three index scans on (person_id, section, occurred_at desc), each stopping at its limit. A part
 * of the overview's statement (selectTogether); `highlightsOf` reads its rows.
 */
export function highlightsQuery(scope: RecordScope): TogetherPart {
  const { select, joins } = columnsFor({ text: true, author: false, value: true, referral: false, medication: true, criticality: true });
  const part = (section: RecordSection, condition: SQL, limit: number) => sql`(
    select ${select}
      from ${entryFrom}${joins}
     where ${entryScope(scope)} and e.section = ${sectionLiteral(section)} and ${shownOnline(scope)}${condition}
     order by e.occurred_at desc nulls last, e.resource_type, e.id
     limit ${sql.raw(String(limit))})`;
  return {
    query: sql`
      ${part("results", sql``, HIGHLIGHT_RESULTS)}
      union all
      ${part("medications", sql` and ${currentMedication}`, HIGHLIGHT_MEDICATIONS)}
      union all
      ${part("allergies", sql` and (e.status = 'active' or e.status is null)`, HIGHLIGHT_ALLERGIES)}`,
    orderBy: sql`section, ${NEWEST_FIRST}`,
    shown: { ref: ENTRY_REF },
  };
}

export interface Highlights {
  results: EntryView[];
  medications: EntryView[];
  allergies: EntryView[];
}

export function highlightsOf(rows: unknown[]): Highlights {
  const views = (rows as EntryRow[]).map(toView);
  return {
    results: views.filter((r) => r.section === "results"),
    medications: views.filter((r) => r.section === "medications"),
    allergies: views.filter((r) => r.section === "allergies"),
  };
}
