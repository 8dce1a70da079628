import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { providerKindOf, type ProviderKind } from "../../db/schema/vocabulary";
import type { RecordSection } from "../../db/schema/vocabulary";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnit, holdsExcludedKeyword, shownOnline, withheldNotice, type WithheldNotice } from "~/disclosure/visibility.server";
import { nextDay, swedishMidnight, swedishOrder, toIso } from "~/i18n/dates";
import { CURRENT_MEDICATION_STATUSES, PAGE_SIZE, PRINT_LIMIT, providerKindFilters, type SectionFilters } from "./sections";

export type { WithheldNotice };

/**
 * Whose record a query reads and under which rules: the subject `requireAccess` allowed, the session's "hide new
 * entries" choice (entries recorded after it are not shown), and what is never shown online (app/disclosure).
 */
export interface RecordScope {
  subjectPersonId: string;
  hideEntriesAfter: Date | null;
  rules: RecordRules;
}

/**
 * The FROM clause every record query shares: the entry `e`, the care contact it belongs to `enc` (whose unit the entry
 * takes when it names none itself) and that unit `u`.
 */
const entryFrom = sql`record_entries e
  left join record_entries enc
    on enc.resource_type = 'Encounter' and enc.id = e.encounter_id and enc.person_id = e.person_id
  left join care_units u on u.id = coalesce(e.care_unit_id, enc.care_unit_id)`;

/** The subject's live entries (tombstones never show), without the ones hidden by the session's choice. */
function entryScope(scope: RecordScope): SQL {
  const subject = sql`e.person_id = ${scope.subjectPersonId} and e.deleted_at is null`;
  if (!scope.hideEntriesAfter) return subject;
  const cutoff = scope.hideEntriesAfter.toISOString();
  // Spelled out rather than coalesce(...) <= cutoff, so that the planner can estimate it from the columns' statistics.
  return sql`${subject} and (e.recorded_at <= ${cutoff}::timestamptz or (e.recorded_at is null and coalesce(e.occurred_at, e.last_updated) <= ${cutoff}::timestamptz))`;
}

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

const currentMedication = sql`e.status = any(${sql.param([...CURRENT_MEDICATION_STATUSES])}::text[])`;

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

/** The filter conditions of a section page (period, provider, notes search, medication status). */
function filterConditions(section: RecordSection | null, filters: Filters): SQL {
  const parts: SQL[] = [];
  if (filters.from) parts.push(sql` and e.occurred_at >= ${swedishMidnight(filters.from).toISOString()}::timestamptz`);
  if (filters.to) parts.push(sql` and e.occurred_at < ${swedishMidnight(nextDay(filters.to)).toISOString()}::timestamptz`);
  if (filters.provider) {
    if ((providerKindFilters as readonly string[]).includes(filters.provider)) {
      // On the bare column (not coalesce(...)): the planner estimates it from statistics and keeps the date-ordered scan.
      parts.push(filters.provider === "unknown" ? sql` and (u.provider_kind = 'unknown' or u.id is null)` : sql` and u.provider_kind = ${filters.provider}`);
    } else {
      parts.push(sql` and (u.id = ${filters.provider} or u.provider_id = ${filters.provider})`);
    }
  }
  if (filters.q && (section === "notes" || section === null)) {
    const pattern = likePattern(filters.q);
    parts.push(sql` and (e.text ilike ${pattern} or e.title ilike ${pattern})`);
  }
  if (filters.status && section === "medications") {
    parts.push(filters.status === "current" ? sql` and ${currentMedication}` : sql` and not ${currentMedication}`);
  }
  return sql.join(parts, sql``);
}

/** A search text as a LIKE pattern that matches it anywhere, its own % and _ taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface EntryPage {
  entries: EntryView[];
  page: number;
  pageSize: number;
  hasNext: boolean;
}

/** How every list of entries is ordered: newest first, and a stable order among entries of the same instant. */
const NEWEST_FIRST = sql`e.occurred_at desc nulls last, e.resource_type, e.id`;

/**
 * One page of a section, newest first: an index scan on (person_id, section, occurred_at desc) that stops at the
 * page's end. One entry more than the page, to tell whether there is a next.
 */
async function sectionEntries(db: Queryable, scope: RecordScope, section: RecordSection, filters: Filters, page: number, pageSize: number): Promise<EntryPage> {
  const { select, joins } = columnsFor(needsOf[section]);
  const rows = await runNamed<EntryRow>(
    db,
    sql`
    select ${select}
      from ${entryFrom}${joins}
     where ${entryScope(scope)} and e.section = ${section} and ${shownOnline(scope.rules)}${filterConditions(section, filters)}
     order by ${NEWEST_FIRST}
     limit ${pageSize + 1} offset ${(page - 1) * pageSize}`,
  );
  return { entries: rows.slice(0, pageSize).map(toView), page, pageSize, hasNext: rows.length > pageSize };
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

/** A unit the subject's entries come from, and whether (and why) entries of it are withheld. */
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

/** The neutral notices of the withheld rows: one per whom to ask, in Swedish order, nobody last. */
function noticesOf(rows: FacetRow[]): WithheldNotice[] {
  const notices = new Map<string, WithheldNotice>();
  for (const r of rows) {
    if (r.withheld === null) continue;
    const notice = withheldNotice(r.withheld, {
      unitId: r.unit_id,
      unitName: r.unit_name,
      unitPhone: r.unit_phone,
      providerId: r.provider_id,
      providerName: r.provider_name,
      providerPhone: r.provider_phone,
    });
    notices.set(`${notice.askName ?? ""}|${notice.askPhone ?? ""}`, notice);
  }
  return [...notices.values()].sort((a, b) => swedishOrder(a.askName ?? "\uffff", b.askName ?? "\uffff"));
}

function facetsOf(rows: FacetRow[]): SectionFacets {
  const units: UnitOption[] = [];
  for (const r of rows) {
    if (r.withheld === null && r.unit_id && r.unit_name) {
      units.push({ id: r.unit_id, name: r.unit_name, providerKind: providerKindOf(r.provider_kind), providerId: r.provider_id, providerName: r.provider_name });
    }
  }
  units.sort((a, b) => swedishOrder(a.name, b.name));
  return { units, withheld: noticesOf(rows) };
}

/** The unit of each entry, its provider, and whether the entry is withheld (and why): what the facets are made of. */
function facetColumns(rules: RecordRules): SQL {
  return sql`u.id as unit_id, u.name as unit_name, u.phone as unit_phone, u.provider_kind, u.provider_id,
           root.name as provider_name, root.phone as provider_phone,
           case when ${fromExcludedUnit(rules)} then 'unit'
                when ${holdsExcludedKeyword(rules)} then 'keyword' end as withheld`;
}

/**
 * For a section: the units its shown entries come from, and where something was withheld, whom to ask. One aggregate
 * over the subject's entries of the section; no withheld entry's content leaves the query.
 */
async function sectionFacets(db: Queryable, scope: RecordScope, section: RecordSection): Promise<SectionFacets> {
  const rows = await runNamed<FacetRow>(
    db,
    sql`
    select ${facetColumns(scope.rules)}
      from ${entryFrom}
      left join care_units root on root.id = u.provider_id
     where ${entryScope(scope)} and e.section = ${section}
     group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  return facetsOf(rows);
}

/** How many of a section's entries the filters leave: to find a list's last page. */
async function countSectionEntries(db: Queryable, scope: RecordScope, section: RecordSection, filters: Filters): Promise<number> {
  const rows = await runNamed<{ n: number | string }>(
    db,
    sql`
    select count(*) as n
      from ${entryFrom}
     where ${entryScope(scope)} and e.section = ${section} and ${shownOnline(scope.rules)}${filterConditions(section, filters)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Whether the provider filter's choices (a kind of provider, or a provider or unit of the section's) hold `provider`. */
function offersProvider(facets: SectionFacets, provider: string): boolean {
  return (providerKindFilters as readonly string[]).includes(provider) || facets.units.some((u) => u.id === provider || u.providerId === provider);
}

export interface SectionRead {
  page: EntryPage;
  facets: SectionFacets;
  /**
   * The filters that apply: without a provider that is not among the section's choices, and on the list's last page
   * when the page asked for is past its end.
   */
  applied: Filters & { page: number };
}

/**
 * What a section page shows: one page of the subject's live entries shown online, filtered, newest first, and the
 * section's facets. A provider the section does not offer, or a page past the list's end, costs a query more (the
 * address was wrong): the list without that provider, its last page.
 */
export async function sectionPage(
  db: Queryable,
  scope: RecordScope,
  section: RecordSection,
  filters: Filters,
  pageSize = PAGE_SIZE,
): Promise<SectionRead> {
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  const [asked, facets] = await Promise.all([
    sectionEntries(db, scope, section, filters, page, pageSize),
    sectionFacets(db, scope, section),
  ]);
  let entries = asked;
  let applied = { ...filters, page };
  if (applied.provider && !offersProvider(facets, applied.provider)) {
    applied = { ...applied, provider: undefined };
    entries = await sectionEntries(db, scope, section, applied, page, pageSize);
  }
  if (entries.entries.length === 0 && page > 1) {
    const last = Math.max(1, Math.ceil((await countSectionEntries(db, scope, section, applied)) / pageSize));
    applied = { ...applied, page: last };
    entries = await sectionEntries(db, scope, section, applied, last, pageSize);
  }
  return { page: entries, facets, applied };
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
export async function resultTrend(db: Queryable, scope: RecordScope, code: string): Promise<Trend | null> {
  const rows = await runNamed<TrendRow>(
    db,
    sql`
    select * from (
      select e.resource_type, e.id, e.occurred_at, e.title, e.value_number, e.value_text, e.unit as value_unit,
             e.reference_low, e.reference_high, e.reference_text, e.interpretation, ${facetColumns(scope.rules)}
        from ${entryFrom}
        left join care_units root on root.id = u.provider_id
       where ${entryScope(scope)} and e.code = ${code} and e.section = 'results'
       order by ${NEWEST_FIRST}
       limit ${sql.raw(String(TREND_LIMIT))}
    ) newest
    order by occurred_at asc nulls first, resource_type, id`,
  );
  return trendOf(code, rows);
}

function trendOf(code: string, rows: TrendRow[]): Trend | null {
  if (rows.length === 0) return null;
  const shown = rows.filter((r) => r.withheld === null);
  const newest = shown[shown.length - 1];
  return {
    code,
    title: newest?.title ?? null,
    withheld: noticesOf(rows),
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
    select x.* from unnest(${sql.param([...sections])}::text[]) as s(section)
    cross join lateral (
      select ${select}
        from ${entryFrom}${joins}
       where ${entryScope(scope)} and e.section = s.section and ${shownOnline(scope.rules)}${filterConditions(null, periodAndProvider)}
       order by ${NEWEST_FIRST}
       limit ${sql.raw(String(PRINT_LIMIT + 1))}
    ) x`,
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
  const inSection = section ? sql` and e.section = ${section}` : sql``;
  const result = await runNamed<{ resource_type: string; id: string; raw: Record<string, unknown> | string }>(
    db,
    sql`
    select e.resource_type, e.id, e.raw
      from ${entryFrom}
     where ${entryScope(scope)}${inSection} and ${shownOnline(scope.rules)}${filterConditions(section, filters)}
     order by e.section, ${NEWEST_FIRST}`,
  );
  return result.map((r) => ({
    ref: `${r.resource_type}/${r.id}`,
    resource: typeof r.raw === "string" ? (JSON.parse(r.raw) as Record<string, unknown>) : r.raw,
  }));
}

/** The subject as the portal holds them: what the printout and the download say of them, and nothing else. */
export interface SubjectPerson {
  id: string;
  personnummer: string | null;
  samordningsnummer: string | null;
  givenName: string | null;
  familyName: string | null;
  birthDate: string | null;
  gender: string | null;
}

/** The subject's person row; null when the read model holds none. */
export async function subjectPerson(db: Queryable, scope: RecordScope): Promise<SubjectPerson | null> {
  const [row] = await runNamed<{
    id: string;
    personnummer: string | null;
    samordningsnummer: string | null;
    given_name: string | null;
    family_name: string | null;
    birth_date: Date | string | null;
    gender: string | null;
  }>(
    db,
    sql`select id, personnummer, samordningsnummer, given_name, family_name, birth_date, gender
          from people where id = ${scope.subjectPersonId} and deleted_at is null`,
  );
  if (!row) return null;
  const birthDate = row.birth_date instanceof Date ? row.birth_date.toISOString().slice(0, 10) : row.birth_date;
  return {
    id: row.id,
    personnummer: row.personnummer,
    samordningsnummer: row.samordningsnummer,
    givenName: row.given_name,
    familyName: row.family_name,
    birthDate,
    gender: row.gender,
  };
}

/** "Type/id" for each of the given fullUrls (urn:uuid:, absolute) the feed has seen. */
export async function referenceAliases(db: Queryable, aliases: string[]): Promise<Map<string, string>> {
  if (aliases.length === 0) return new Map();
  const rows = await runNamed<{ alias: string; resource_type: string; resource_id: string }>(
    db,
    sql`select alias, resource_type, resource_id from reference_aliases where alias = any(${sql.param(aliases)}::text[])`,
  );
  return new Map(rows.map((r) => [r.alias, `${r.resource_type}/${r.resource_id}`]));
}

export interface ExportedUnit {
  id: string;
  hsaId: string | null;
  name: string;
  providerKind: ProviderKind;
  parentId: string | null;
  phone: string | null;
  city: string | null;
}

export interface ExportedPractitioner {
  id: string;
  hsaId: string | null;
  name: string | null;
  profession: string | null;
}

export interface ExportedMedication {
  id: string;
  codeSystem: string | null;
  code: string | null;
  name: string | null;
  form: string | null;
}

/** Who and what the shown entries name, by id or HSA-id: units with the units above them, staff, products. */
export interface Referenced {
  unitIds: string[];
  practitionerIds: string[];
  medicationIds: string[];
  hsaIds: string[];
}

/**
 * The care units (never one withheld from the record online, and with every unit above them), practitioners and
 * medicinal products the download's entries refer to, as the portal holds them.
 */
export async function exportReferenced(
  db: Queryable,
  scope: RecordScope,
  referenced: Referenced,
): Promise<{ units: ExportedUnit[]; practitioners: ExportedPractitioner[]; medications: ExportedMedication[] }> {
  const excluded = sql`${sql.param(scope.rules.excludedUnitIds)}::text[]`;
  const hsa = sql`${sql.param(referenced.hsaIds)}::text[]`;
  const [units, practitioners, medications] = await Promise.all([
    runNamed<{ id: string; hsa_id: string | null; name: string; provider_kind: string | null; parent_id: string | null; phone: string | null; city: string | null }>(
      db,
      sql`
      with recursive shown(id) as (
        select id from care_units
         where (id = any(${sql.param(referenced.unitIds)}::text[]) or hsa_id = any(${hsa})) and deleted_at is null and id <> all(${excluded})
        union
        select c.parent_id from care_units c join shown s on s.id = c.id where c.parent_id is not null
      )
      select u.id, u.hsa_id, u.name, u.provider_kind, u.parent_id, u.phone, u.city
        from care_units u join shown s on s.id = u.id
       where u.deleted_at is null and u.id <> all(${excluded})
       order by u.id`,
    ),
    runNamed<{ id: string; hsa_id: string | null; name: string | null; profession: string | null }>(
      db,
      sql`select id, hsa_id, name, profession from practitioners
           where (id = any(${sql.param(referenced.practitionerIds)}::text[]) or hsa_id = any(${hsa})) and deleted_at is null
           order by id`,
    ),
    runNamed<{ id: string; code_system: string | null; code: string | null; name: string | null; form: string | null }>(
      db,
      sql`select id, code_system, code, name, form from medication_products
           where id = any(${sql.param(referenced.medicationIds)}::text[]) and deleted_at is null
           order by id`,
    ),
  ]);
  const unitIds = new Set(units.map((u) => u.id));
  return {
    units: units.map((u) => ({
      id: u.id,
      hsaId: u.hsa_id,
      name: u.name,
      providerKind: providerKindOf(u.provider_kind),
      // A parent that is gone (or withheld) is not in the download: the unit does not point to it.
      parentId: u.parent_id && unitIds.has(u.parent_id) ? u.parent_id : null,
      phone: u.phone,
      city: u.city,
    })),
    practitioners: practitioners.map((p) => ({ id: p.id, hsaId: p.hsa_id, name: p.name, profession: p.profession })),
    medications: medications.map((m) => ({ id: m.id, codeSystem: m.code_system, code: m.code, name: m.name, form: m.form })),
  };
}

export const HIGHLIGHT_RESULTS = 5;
export const HIGHLIGHT_MEDICATIONS = 10;
export const HIGHLIGHT_ALLERGIES = 10;

export interface Highlights {
  results: EntryView[];
  medications: EntryView[];
  allergies: EntryView[];
}

/**
 * What the overview shows of the record: the newest results, current medications and active allergies and other
 * warnings. One query: three index scans on (person_id, section, occurred_at desc), each stopping at its limit.
 */
export async function recordHighlights(db: Queryable, scope: RecordScope): Promise<Highlights> {
  const { select, joins } = columnsFor({ text: true, author: false, value: true, referral: false, medication: true, criticality: true });
  const part = (section: RecordSection, condition: SQL, limit: number) => sql`(
    select ${select}
      from ${entryFrom}${joins}
     where ${entryScope(scope)} and e.section = ${section} and ${shownOnline(scope.rules)}${condition}
     order by ${NEWEST_FIRST}
     limit ${sql.raw(String(limit))})`;
  const rows = await runNamed<EntryRow>(
    db,
    sql`
    ${part("results", sql``, HIGHLIGHT_RESULTS)}
    union all
    ${part("medications", sql` and ${currentMedication}`, HIGHLIGHT_MEDICATIONS)}
    union all
    ${part("allergies", sql` and (e.status = 'active' or e.status is null)`, HIGHLIGHT_ALLERGIES)}
    order by section, occurred_at desc nulls last, resource_type, id`,
  );
  const views = rows.map(toView);
  return {
    results: views.filter((r) => r.section === "results"),
    medications: views.filter((r) => r.section === "medications"),
    allergies: views.filter((r) => r.section === "allergies"),
  };
}
