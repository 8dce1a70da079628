import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database, type Queryable } from "../../db/connection";
import { HSA_OID, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID } from "./identifiers";
import { cutAtDepth, jsonProblem, storableText } from "./json-limits";
import type { MappedResource, TableName } from "./map";
import { tableOfType } from "./map";
import type { TypedId } from "./references";
import { classifyStatement, coveredBy, keyColumns, tables, upsertStatement, versionNewer, type ReferencePair, type TableSpec } from "./tables.server";
import type { SupportedType } from "./validate";
import { compareVersions, type Version } from "./versions";

/**
 * Writes one prepared batch in one transaction: dead letters, reference resolution, tombstones, one upsert per table,
 * late resolution of rows that were waiting for what arrived, and the derived columns (provider tree, inherited care
 * units, medication names, message threads, guardians by link). Every statement is set-based.
 */

export type ItemOutcome =
  | { kind: "created" | "updated" | "unchanged" | "deleted" }
  | { kind: "skipped"; reason: string }
  | { kind: "rejected"; reason: string; path: string | null };

export interface UpsertItem {
  slot: number;
  mapped: MappedResource;
  rawJson: string;
  /** The entry's urn: fullUrl, remembered so that other batches' references to it resolve. */
  alias: string | null;
}

export interface DeleteItem {
  slot: number;
  resourceType: SupportedType;
  id: string;
  version: Version;
  /** No version was given: every version is hidden. */
  coversAll: boolean;
}

export interface DeadLetter {
  slot: number;
  resourceType: string | null;
  id: string | null;
  reason: string;
  path: string | null;
  raw: unknown;
  rawText: string | null;
}

export interface PreparedBatch {
  upserts: UpsertItem[];
  deletes: DeleteItem[];
  deadLetters: DeadLetter[];
  /** One per item of the batch; upsert and delete slots are filled by the writer. */
  outcomes: (ItemOutcome | undefined)[];
}

const json = (value: unknown): SQL => sql`${JSON.stringify(value)}::json`;

async function run<T>(db: Queryable, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

function withParam(statement: [string, string], param: string): SQL {
  return sql`${sql.raw(statement[0])}${param}${sql.raw(statement[1])}`;
}

function sqlState(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

const RETRYABLE = new Set(["40001", "40P01"]);

/** SQLSTATE classes that say "this data", not "this connection or server": worth isolating item by item. */
function isDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && ["22", "23", "42", "54", "2B"].includes(state.slice(0, 2));
}

export interface WriteOptions {
  source: string;
  /**
   * false: commit without waiting for the WAL flush (SET LOCAL synchronous_commit = off). For bulk imports, which can be
   * run again: a crash may lose the last moments of work, never consistency.
   */
  durable?: boolean;
}

/**
 * Writes the batch in one transaction. When the database refuses some item's data (isDataError), each item is written
 * alone instead, and the ones it refuses go to dead_letters with its message: whatever the batch's size, an item is
 * stored or dead-lettered.
 */
export async function writeBatch(db: Database, batch: PreparedBatch, options: WriteOptions): Promise<void> {
  try {
    await writeRetrying(db, batch, options);
  } catch (error) {
    if (!isDataError(error)) throw error;
    await writeItemByItem(db, batch, options);
  }
}

/** One transaction, tried again on serialization failures and deadlocks. */
async function writeRetrying(db: Database, batch: PreparedBatch, options: WriteOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        if (options.durable === false) await tx.execute(sql`SET LOCAL synchronous_commit = off`);
        await writeInTransaction(tx, batch, options.source);
      });
      return;
    } catch (error) {
      if (!RETRYABLE.has(sqlState(error) ?? "") || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}

async function writeItemByItem(db: Database, batch: PreparedBatch, options: WriteOptions): Promise<void> {
  const singles: PreparedBatch[] = [
    // The batch's dead letters, which insertDeadLetters makes storable whatever they hold.
    { upserts: [], deletes: [], deadLetters: batch.deadLetters, outcomes: batch.outcomes },
    ...batch.upserts.map((u) => ({ upserts: [u], deletes: [], deadLetters: [], outcomes: batch.outcomes })),
    ...batch.deletes.map((d) => ({ upserts: [], deletes: [d], deadLetters: [], outcomes: batch.outcomes })),
  ];
  for (const single of singles) {
    try {
      await writeRetrying(db, single, options);
    } catch (error) {
      const upsert = single.upserts[0];
      const del = single.deletes[0];
      const item = upsert ?? del;
      if (!isDataError(error) || !item) throw error;
      const reason = `the database refused it: ${errorMessage(error)}`;
      const letter: DeadLetter = {
        slot: item.slot,
        resourceType: upsert?.mapped.resourceType ?? del?.resourceType ?? null,
        id: upsert?.mapped.id ?? del?.id ?? null,
        reason,
        path: null,
        raw: null,
        rawText: upsert?.rawJson ?? null,
      };
      batch.outcomes[item.slot] = { kind: "rejected", reason, path: null };
      await db.transaction((tx) => insertDeadLetters(tx, [letter], options.source));
    }
  }
}

/**
 * Dead letters hold whatever was sent: a raw value jsonb cannot hold (NUL, a lone surrogate) is kept as its JSON
 * text, and texts have such characters replaced by U+FFFD.
 */
async function insertDeadLetters(tx: Queryable, letters: DeadLetter[], source: string): Promise<void> {
  if (!letters.length) return;
  const text = (value: string | null) => (value === null ? null : storableText(value));
  const rows = letters.map((l) => {
    let raw: unknown = l.raw ?? null;
    let rawText = l.rawText;
    if (raw !== null && jsonProblem(raw, "raw")) {
      rawText ??= JSON.stringify(cutAtDepth(raw));
      raw = null;
    }
    return {
      source: storableText(source),
      resource_type: text(l.resourceType),
      resource_id: text(l.id),
      reason: storableText(l.reason.slice(0, 2000)),
      path: text(l.path),
      raw,
      raw_text: text(rawText),
    };
  });
  await tx.execute(sql`INSERT INTO dead_letters (source, resource_type, resource_id, reason, path, raw, raw_text)
    SELECT source, resource_type, resource_id, reason, path, raw, raw_text
    FROM json_to_recordset(${json(rows)}) AS x(source text, resource_type text, resource_id text, reason text, path text, raw jsonb, raw_text text)`);
}

function isUnresolved(value: unknown, pair: ReferencePair): boolean {
  return pair.unresolved === "empty" ? value === "" : value === null || value === undefined;
}

function parseIdentifierRef(ref: string): { type: string; system: string; value: string } | null {
  const m = /^([A-Z][A-Za-z]+)\?identifier=([^|]*)\|(.*)$/.exec(ref);
  return m ? { type: m[1]!, system: m[2]!, value: m[3]! } : null;
}

const IDENTIFIER_LOOKUPS: { type: string; system: string; table: string; column: string }[] = [
  { type: "Patient", system: PERSONNUMMER_OID, table: "people", column: "personnummer" },
  { type: "Patient", system: SAMORDNINGSNUMMER_OID, table: "people", column: "samordningsnummer" },
  { type: "Organization", system: HSA_OID, table: "care_units", column: "hsa_id" },
  { type: "Practitioner", system: HSA_OID, table: "practitioners", column: "hsa_id" },
];

/** Fills in the id of references the batch could not resolve by itself: by urn alias or by identifier. */
async function resolvePending(tx: Queryable, upserts: UpsertItem[]): Promise<void> {
  const known = new Map<string, TypedId>();
  for (const u of upserts) {
    for (const ref of u.mapped.identifierRefs) if (!known.has(ref)) known.set(ref, { type: u.mapped.resourceType, id: u.mapped.id });
  }
  const urns = new Set<string>();
  const identifiers = new Set<string>();
  for (const u of upserts) {
    for (const pair of tables[u.mapped.table].pairs) {
      const ref = u.mapped.columns[pair.refColumn];
      if (typeof ref !== "string" || !isUnresolved(u.mapped.columns[pair.idColumn], pair) || known.has(ref)) continue;
      if (ref.startsWith("urn:")) urns.add(ref);
      else if (ref.includes("?identifier=")) identifiers.add(ref);
    }
  }
  for (const u of upserts) {
    const sender = u.mapped.table === "messages" ? u.mapped.columns.sender_reference : null;
    if (typeof sender === "string" && sender.startsWith("urn:")) urns.add(sender);
  }
  if (!urns.size && !identifiers.size && !known.size) return;
  if (urns.size) {
    const rows = await run<{ alias: string; resource_type: string; resource_id: string }>(
      tx,
      sql`SELECT alias, resource_type, resource_id FROM reference_aliases WHERE alias IN (SELECT json_array_elements_text(${json([...urns])}))`,
    );
    for (const r of rows) known.set(r.alias, { type: r.resource_type, id: r.resource_id });
  }
  for (const lookup of IDENTIFIER_LOOKUPS) {
    const values: string[] = [];
    for (const ref of identifiers) {
      const parsed = parseIdentifierRef(ref);
      if (parsed && parsed.type === lookup.type && parsed.system === lookup.system) values.push(parsed.value);
    }
    if (!values.length) continue;
    const rows = await run<{ value: string; id: string }>(
      tx,
      sql`SELECT ${sql.identifier(lookup.column)} AS value, (array_agg(id ORDER BY deleted_at IS NOT NULL, id))[1] AS id
          FROM ${sql.identifier(lookup.table)}
          WHERE ${sql.identifier(lookup.column)} IN (SELECT json_array_elements_text(${json(values)}))
          GROUP BY 1`,
    );
    for (const r of rows) known.set(`${lookup.type}?identifier=${lookup.system}|${r.value}`, { type: lookup.type, id: r.id });
  }
  for (const u of upserts) {
    const sender = u.mapped.table === "messages" ? u.mapped.columns.sender_reference : null;
    const senderTarget = typeof sender === "string" && sender.startsWith("urn:") ? known.get(sender) : undefined;
    if (senderTarget) {
      u.mapped.columns.sender_reference = `${senderTarget.type}/${senderTarget.id}`;
      u.mapped.columns.direction = directionOf(senderTarget.type);
    }
    for (const pair of tables[u.mapped.table].pairs) {
      const ref = u.mapped.columns[pair.refColumn];
      if (typeof ref !== "string" || !isUnresolved(u.mapped.columns[pair.idColumn], pair)) continue;
      const target = known.get(ref);
      if (!target) continue;
      if (target.type === pair.targetType) {
        u.mapped.columns[pair.idColumn] = target.id;
        u.mapped.columns[pair.refColumn] = `${target.type}/${target.id}`;
      } else if (ref.startsWith("urn:")) u.mapped.columns[pair.refColumn] = null;
    }
  }
}

/** Who wrote a message: the citizen (or a guardian) when the sender is a Patient or RelatedPerson, else the care team. */
export function directionOf(senderType: string | null): "patient" | "care" {
  return senderType === "Patient" || senderType === "RelatedPerson" ? "patient" : "care";
}

/** A sender given as a urn:uuid: that arrived later: the reference and the direction it decides. */
const SENDER_RESOLVED = `sender_reference = a.type || '/' || a.id, direction = CASE WHEN a.type IN ('Patient', 'RelatedPerson') THEN 'patient' ELSE 'care' END`;

function keyOf(table: TableName, type: string, id: string): string {
  return `${table}|${type}|${id}`;
}

interface Applied {
  /** Applied (created or updated) ids by resource type. */
  byType: Map<string, string[]>;
  /** Keys {type,id} touched by late resolution, by table. */
  resolved: Map<TableName, { type: string; id: string }[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function writeInTransaction(tx: Queryable, batch: PreparedBatch, source: string): Promise<void> {
  await insertDeadLetters(tx, batch.deadLetters, source);
  await resolvePending(tx, batch.upserts);

  const aliases = new Map<string, TypedId>();
  for (const u of batch.upserts) if (u.alias) aliases.set(u.alias, { type: u.mapped.resourceType, id: u.mapped.id });
  if (aliases.size) {
    const rows = [...aliases].map(([alias, t]) => ({ alias, resource_type: t.type, resource_id: t.id }));
    await tx.execute(sql`INSERT INTO reference_aliases (alias, resource_type, resource_id)
      SELECT alias, resource_type, resource_id FROM json_to_recordset(${json(rows)}) AS x(alias text, resource_type text, resource_id text)
      ON CONFLICT (alias) DO NOTHING`);
  }

  const applied: Applied = { byType: new Map(), resolved: new Map() };
  await writeDeletes(tx, batch);
  await writeUpserts(tx, batch, applied);
  await resolveLate(tx, batch, aliases, applied);
  await derive(tx, batch, applied);
}

async function writeDeletes(tx: Queryable, batch: PreparedBatch): Promise<void> {
  if (!batch.deletes.length) return;
  // Keep the widest tombstone per key within the statement.
  const widest = new Map<string, DeleteItem>();
  for (const d of batch.deletes) {
    const key = `${d.resourceType}|${d.id}`;
    const current = widest.get(key);
    if (!current || (!current.coversAll && (d.coversAll || compareVersions(d.version, current.version) > 0))) widest.set(key, d);
  }
  const rows = [...widest.values()].map((d) => ({
    resource_type: d.resourceType,
    id: d.id,
    version_id: d.version.versionId,
    last_updated: d.version.lastUpdated,
    covers_all: d.coversAll,
  }));
  await tx.execute(sql`INSERT INTO feed_tombstones AS tb (resource_type, id, version_id, last_updated, covers_all)
    SELECT resource_type, id, version_id, last_updated, covers_all
    FROM json_to_recordset(${json(rows)}) AS x(resource_type text, id text, version_id bigint, last_updated timestamptz, covers_all boolean)
    ORDER BY resource_type, id
    ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, covers_all = excluded.covers_all
    WHERE NOT tb.covers_all AND (excluded.covers_all OR ${sql.raw(versionNewer("excluded", "tb"))})`);
  const byTable = new Map<TableName, { type: string; id: string }[]>();
  for (const d of widest.values()) push(byTable, tableOfType[d.resourceType], { type: d.resourceType, id: d.id });
  for (const [table, keys] of byTable) {
    const spec = tables[table];
    const typeMatch = spec.typeColumn ? `t."${spec.typeColumn}" = k.type` : "TRUE";
    await tx.execute(sql`UPDATE ${sql.identifier(table)} AS t SET deleted_at = now()
      FROM json_to_recordset(${json(keys)}) AS k(type text, id text), feed_tombstones tb
      WHERE t.id = k.id AND ${sql.raw(typeMatch)} AND tb.resource_type = k.type AND tb.id = k.id
        AND t.deleted_at IS NULL AND ${sql.raw(coveredBy("t", "tb"))}`);
  }
  for (const d of batch.deletes) batch.outcomes[d.slot] = { kind: "deleted" };
}

function rowJson(u: UpsertItem): string {
  const head = JSON.stringify({
    id: u.mapped.id,
    version_id: u.mapped.version.versionId,
    last_updated: u.mapped.version.lastUpdated,
    hidden: u.mapped.hidden,
    ...u.mapped.columns,
  });
  return `${head.slice(0, -1)},"raw":${u.rawJson}}`;
}

/**
 * Statement order within a batch: targets before what refers to them, so that the insert-time joins (a care contact's
 * unit, a Medication's name, an appointment type's unit) see rows of the same batch.
 */
const GROUP_ORDER = [
  "care_units",
  "practitioners",
  "medication_products",
  "people",
  "appointment_types",
  "schedules",
  "slots",
  "record_entries:Encounter",
  "record_entries",
  "appointments",
  "messages",
  "guardianships",
  "clinical_access_events",
];

function groupOf(u: UpsertItem): string {
  return u.mapped.table === "record_entries" && u.mapped.resourceType === "Encounter" ? "record_entries:Encounter" : u.mapped.table;
}

async function writeUpserts(tx: Queryable, batch: PreparedBatch, applied: Applied): Promise<void> {
  const byGroup = new Map<string, UpsertItem[]>();
  for (const u of batch.upserts) push(byGroup, groupOf(u), u);
  const groups = [...byGroup].sort(([a], [b]) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b));
  for (const [, items] of groups) {
    const table = items[0]!.mapped.table;
    const spec = tables[table];
    // One row per key in a statement (two would fail with 21000): the newest; the others are compared to it.
    const winners = new Map<string, UpsertItem>();
    const losers: UpsertItem[] = [];
    for (const u of items) {
      const key = keyOf(table, u.mapped.resourceType, u.mapped.id);
      const current = winners.get(key);
      if (!current) winners.set(key, u);
      else if (compareVersions(u.mapped.version, current.mapped.version) > 0) {
        losers.push(current);
        winners.set(key, u);
      } else losers.push(u);
    }
    const list = [...winners.values()];
    const param = `[${list.map(rowJson).join(",")}]`;
    const returned = await run<{ id: string; resource_type?: string; source_type?: string; inserted: boolean }>(tx, withParam(upsertStatement(spec), param));
    const done = new Map<string, boolean>();
    for (const r of returned) {
      const type = spec.typeColumn ? (r[spec.typeColumn] as string) : spec.fixedType!;
      done.set(keyOf(table, type, r.id), r.inserted);
      push(applied.byType, type, r.id);
    }
    const rest: UpsertItem[] = [];
    for (const u of list) {
      const inserted = done.get(keyOf(table, u.mapped.resourceType, u.mapped.id));
      if (inserted === undefined) rest.push(u);
      else batch.outcomes[u.slot] = { kind: inserted ? "created" : "updated" };
    }
    if (rest.length) await classify(tx, spec, rest, batch);
    for (const loser of losers) {
      const winner = winners.get(keyOf(table, loser.mapped.resourceType, loser.mapped.id))!;
      const winnerOutcome = batch.outcomes[winner.slot];
      const equal = compareVersions(loser.mapped.version, winner.mapped.version) === 0;
      batch.outcomes[loser.slot] =
        equal && winnerOutcome?.kind !== "skipped" ? { kind: "unchanged" } : { kind: "skipped", reason: "stale-version" };
    }
  }
}

async function classify(tx: Queryable, spec: TableSpec, items: UpsertItem[], batch: PreparedBatch): Promise<void> {
  const keys = items.map((u) => ({ type: u.mapped.resourceType, id: u.mapped.id, version_id: u.mapped.version.versionId, last_updated: u.mapped.version.lastUpdated }));
  const rows = await run<{ type: string; id: string; outcome: "unchanged" | "stale" }>(tx, withParam(classifyStatement(spec), JSON.stringify(keys)));
  const outcome = new Map(rows.map((r) => [`${r.type}|${r.id}`, r.outcome]));
  for (const u of items) {
    const o = outcome.get(`${u.mapped.resourceType}|${u.mapped.id}`) ?? "stale";
    batch.outcomes[u.slot] = o === "unchanged" ? { kind: "unchanged" } : { kind: "skipped", reason: "stale-version" };
  }
}

/**
 * Rows of any batch that wait for a reference the current batch answers (its urn: fullUrls and identifiers) get
 * their id; a urn: that turns out to name another type is cleared from columns expecting a different one.
 */
async function resolveLate(tx: Queryable, batch: PreparedBatch, aliases: Map<string, TypedId>, applied: Applied): Promise<void> {
  const identifierArrivals = new Map<string, { ref: string; type: string; id: string }[]>();
  for (const u of batch.upserts) {
    for (const ref of u.mapped.identifierRefs) push(identifierArrivals, u.mapped.resourceType, { ref, type: u.mapped.resourceType, id: u.mapped.id });
  }
  const aliasArrivals = [...aliases].map(([ref, t]) => ({ ref, type: t.type, id: t.id }));
  if (!aliasArrivals.length && !identifierArrivals.size) return;
  if (aliasArrivals.length) {
    await tx.execute(sql`UPDATE messages m SET ${sql.raw(SENDER_RESOLVED)}
      FROM json_to_recordset(${json(aliasArrivals)}) AS a(ref text, type text, id text)
      WHERE m.sender_reference LIKE 'urn:%' AND m.sender_reference = a.ref`);
  }
  for (const spec of Object.values(tables)) {
    for (const pair of spec.pairs) {
      const arrivals = [...aliasArrivals, ...(identifierArrivals.get(pair.targetType) ?? [])];
      if (!arrivals.length) continue;
      const unresolved = pair.unresolved === "empty" ? `t."${pair.idColumn}" = ''` : `t."${pair.idColumn}" IS NULL`;
      const keys = keyColumns(spec).map((c) => `t."${c}"`).join(", ");
      const rows = await run<Record<string, string>>(
        tx,
        sql`UPDATE ${sql.identifier(spec.name)} AS t
          SET ${sql.identifier(pair.idColumn)} = CASE WHEN a.type = ${pair.targetType} THEN a.id ELSE t.${sql.identifier(pair.idColumn)} END,
              ${sql.identifier(pair.refColumn)} = CASE WHEN a.type = ${pair.targetType} THEN a.type || '/' || a.id ELSE NULL END
          FROM json_to_recordset(${json(arrivals)}) AS a(ref text, type text, id text)
          WHERE t.${sql.identifier(pair.refColumn)} = a.ref AND ${sql.raw(unresolved)}
          RETURNING ${sql.raw(keys)}`,
      );
      for (const r of rows) {
        push(applied.resolved, spec.name, { type: spec.typeColumn ? r[spec.typeColumn]! : spec.fixedType!, id: r.id! });
      }
    }
  }
}

function ids(applied: Applied, type: string): string[] {
  return applied.byType.get(type) ?? [];
}

function resolvedKeys(applied: Applied, table: TableName): { type: string; id: string }[] {
  return applied.resolved.get(table) ?? [];
}

const MEDICATION_TYPES = ["MedicationRequest", "MedicationStatement"];

async function derive(tx: Queryable, batch: PreparedBatch, applied: Applied): Promise<void> {
  // Entries whose references resolved only now (those written now took their derived columns at insert).
  const entryKeys = resolvedKeys(applied, "record_entries");

  // Care units: provider kind and provider from the partOf chain.
  if (ids(applied, "Organization").length || resolvedKeys(applied, "care_units").length) {
    await tx.execute(sql`WITH RECURSIVE tree AS (
        SELECT c.id, coalesce(c.own_provider_kind, 'unknown') AS kind, c.id AS provider_id, 0 AS depth, ARRAY[c.id] AS path
        FROM care_units c
        WHERE c.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM care_units p WHERE p.id = c.parent_id)
        UNION ALL
        SELECT c.id, coalesce(c.own_provider_kind, tree.kind), tree.provider_id, tree.depth + 1, tree.path || c.id
        FROM care_units c JOIN tree ON c.parent_id = tree.id
        WHERE tree.depth < 32 AND NOT (c.id = ANY(tree.path))
      )
      UPDATE care_units c SET provider_kind = tree.kind, provider_id = tree.provider_id
      FROM tree WHERE c.id = tree.id AND (c.provider_kind IS DISTINCT FROM tree.kind OR c.provider_id IS DISTINCT FROM tree.provider_id)`);
  }

  // Guardians named by a Patient's link to the RelatedPerson.
  const patients = ids(applied, "Patient");
  const relatedPersons = ids(applied, "RelatedPerson");
  if (patients.length || relatedPersons.length) {
    const affected = new Set<string>(relatedPersons);
    if (patients.length) {
      const removed = await run<{ related_person_id: string }>(
        tx,
        sql`DELETE FROM person_links WHERE person_id IN (SELECT json_array_elements_text(${json(patients)})) RETURNING related_person_id`,
      );
      for (const r of removed) affected.add(r.related_person_id);
      const appliedPatients = new Set(patients);
      const links: { related_person_id: string; person_id: string }[] = [];
      const seen = new Set<string>();
      for (const u of batch.upserts) {
        if (u.mapped.resourceType !== "Patient" || !appliedPatients.has(u.mapped.id) || batch.outcomes[u.slot]?.kind === "unchanged") continue;
        const outcome = batch.outcomes[u.slot]?.kind;
        if (outcome !== "created" && outcome !== "updated") continue;
        for (const rp of u.mapped.relatedPersonLinks ?? []) {
          const k = `${rp}|${u.mapped.id}`;
          if (seen.has(k)) continue;
          seen.add(k);
          links.push({ related_person_id: rp, person_id: u.mapped.id });
          affected.add(rp);
        }
      }
      if (links.length) {
        await tx.execute(sql`INSERT INTO person_links (related_person_id, person_id)
          SELECT related_person_id, person_id FROM json_to_recordset(${json(links)}) AS x(related_person_id text, person_id text)
          ON CONFLICT DO NOTHING`);
      }
    }
    if (affected.size) {
      await tx.execute(sql`UPDATE guardianships g SET guardian_person_id = l.person_id
        FROM (SELECT r.id, (SELECT min(pl.person_id) FROM person_links pl WHERE pl.related_person_id = r.id) AS person_id
              FROM json_array_elements_text(${json([...affected])}) AS r(id)) AS l
        WHERE g.source_type = 'RelatedPerson' AND g.id = l.id AND g.guardian_reference IS NULL
          AND g.guardian_person_id IS DISTINCT FROM l.person_id`);
    }
  }

  // Medication entries take the name and code of the Medication they reference.
  const medicationEntries = entryKeys.filter((k) => MEDICATION_TYPES.includes(k.type));
  if (medicationEntries.length) {
    await tx.execute(sql`UPDATE record_entries r
      SET title = coalesce(m.name, r.title), code = coalesce(m.code, r.code),
          code_system = CASE WHEN m.code IS NOT NULL THEN m.code_system ELSE r.code_system END
      FROM json_to_recordset(${json(medicationEntries)}) AS k(type text, id text), medication_products m
      WHERE r.resource_type = k.type AND r.id = k.id AND m.id = r.medication_id`);
  }
  const medications = ids(applied, "Medication");
  if (medications.length) {
    await tx.execute(sql`UPDATE record_entries r
      SET title = coalesce(m.name, r.title), code = coalesce(m.code, r.code),
          code_system = CASE WHEN m.code IS NOT NULL THEN m.code_system ELSE r.code_system END
      FROM medication_products m
      WHERE m.id IN (SELECT json_array_elements_text(${json(medications)}))
        AND r.medication_id = m.id AND r.resource_type IN ('MedicationRequest', 'MedicationStatement')`);
  }

  // Entries that name no unit of their own take their care contact's.
  const inheriting = entryKeys.filter((k) => k.type !== "Encounter");
  if (inheriting.length) {
    await tx.execute(sql`UPDATE record_entries r SET care_unit_id = e.care_unit_id
      FROM json_to_recordset(${json(inheriting)}) AS k(type text, id text), record_entries e
      WHERE r.resource_type = k.type AND r.id = k.id AND r.care_unit_reference IS NULL
        AND e.resource_type = 'Encounter' AND e.id = r.encounter_id AND r.care_unit_id IS DISTINCT FROM e.care_unit_id`);
  }
  const encounters = [...ids(applied, "Encounter"), ...entryKeys.filter((k) => k.type === "Encounter").map((k) => k.id)];
  if (encounters.length) {
    await tx.execute(sql`UPDATE record_entries r SET care_unit_id = e.care_unit_id
      FROM record_entries e
      WHERE e.resource_type = 'Encounter' AND e.id IN (SELECT json_array_elements_text(${json(encounters)}))
        AND r.encounter_id = e.id AND r.resource_type <> 'Encounter' AND r.care_unit_reference IS NULL
        AND r.care_unit_id IS DISTINCT FROM e.care_unit_id`);
  }

  // Schedules and appointments take the unit of their HealthcareService.
  const services = [...ids(applied, "HealthcareService"), ...resolvedKeys(applied, "appointment_types").map((k) => k.id)];
  const schedules = resolvedKeys(applied, "schedules").map((k) => k.id);
  const appointments = resolvedKeys(applied, "appointments").map((k) => k.id);
  if (schedules.length) {
    await tx.execute(sql`UPDATE schedules s SET appointment_type_ids = s.appointment_type_ids || to_jsonb(s.service_id)
      WHERE s.id IN (SELECT json_array_elements_text(${json(schedules)})) AND s.service_id IS NOT NULL
        AND NOT (s.appointment_type_ids ? s.service_id)`);
  }
  if (schedules.length || services.length) {
    await tx.execute(sql`UPDATE schedules s SET care_unit_id = h.care_unit_id
      FROM appointment_types h
      WHERE h.id = s.service_id AND s.care_unit_reference IS NULL AND s.care_unit_id IS DISTINCT FROM h.care_unit_id
        AND (s.id IN (SELECT json_array_elements_text(${json(schedules)})) OR h.id IN (SELECT json_array_elements_text(${json(services)})))`);
  }
  if (appointments.length || services.length) {
    await tx.execute(sql`UPDATE appointments a SET care_unit_id = h.care_unit_id
      FROM appointment_types h
      WHERE h.id = a.appointment_type_id AND a.care_unit_id IS DISTINCT FROM h.care_unit_id
        AND (a.id IN (SELECT json_array_elements_text(${json(appointments)})) OR h.id IN (SELECT json_array_elements_text(${json(services)})))`);
  }

  // Message threads: the root of the inResponseTo/partOf chain, also for answers that arrived before their question.
  const messages = [...ids(applied, "Communication"), ...resolvedKeys(applied, "messages").map((k) => k.id)];
  if (messages.length) {
    let changed = (
      await run<{ id: string }>(
        tx,
        sql`UPDATE messages m SET thread_id = p.thread_id FROM messages p
          WHERE m.id IN (SELECT json_array_elements_text(${json(messages)})) AND p.id = m.parent_id AND p.id <> m.id
            AND m.thread_id <> p.thread_id
          RETURNING m.id`,
      )
    ).map((r) => r.id);
    const frontier = new Set([...messages, ...changed]);
    for (let round = 0; frontier.size && round < 64; round++) {
      changed = (
        await run<{ id: string }>(
          tx,
          sql`UPDATE messages c SET thread_id = m.thread_id FROM messages m
            WHERE m.id IN (SELECT json_array_elements_text(${json([...frontier])})) AND c.parent_id = m.id AND c.id <> m.id
              AND c.thread_id <> m.thread_id
            RETURNING c.id`,
        )
      ).map((r) => r.id);
      frontier.clear();
      for (const id of changed) frontier.add(id);
    }
  }
}

/**
 * Resolves every reference still waiting whose target is known by now (by urn: alias or by identifier), whichever
 * batch or process wrote either side. Each batch resolves what it brings as it goes; this pass also catches what two
 * concurrent writers could not see of each other. It reads only the partial indexes of pending references, so it is
 * cheap while few are pending. Returns how many references it resolved or cleared.
 */
export async function sweepPendingReferences(db: Database): Promise<number> {
  // One query finds the reference columns with anything pending; usually none, and the sweep ends there.
  const checks = Object.values(tables).flatMap((spec) =>
    spec.pairs.map((pair) => {
      const unresolved = pair.unresolved === "empty" ? `"${pair.idColumn}" = ''` : `"${pair.idColumn}" IS NULL`;
      return `SELECT '${spec.name}.${pair.refColumn}' AS pair WHERE EXISTS (SELECT 1 FROM "${spec.name}" WHERE ${unresolved} AND "${pair.refColumn}" IS NOT NULL)`;
    }),
  );
  checks.push(`SELECT 'messages.sender' AS pair WHERE EXISTS (SELECT 1 FROM messages WHERE sender_reference LIKE 'urn:%')`);
  const pending = new Set((await run<{ pair: string }>(db, sql.raw(checks.join("\nUNION ALL\n")))).map((r) => r.pair));
  if (!pending.size) return 0;
  return db.transaction(async (tx) => {
    const applied: Applied = { byType: new Map(), resolved: new Map() };
    let count = 0;
    if (pending.has("messages.sender")) {
      const rows = await run<{ id: string }>(
        tx,
        sql`UPDATE messages m SET ${sql.raw(SENDER_RESOLVED)}
          FROM (SELECT alias AS ref, resource_type AS type, resource_id AS id FROM reference_aliases) a
          WHERE m.sender_reference LIKE 'urn:%' AND m.sender_reference = a.ref RETURNING m.id`,
      );
      count += rows.length;
    }
    const note = (spec: TableSpec, rows: Record<string, string>[]) => {
      count += rows.length;
      for (const r of rows) push(applied.resolved, spec.name, { type: spec.typeColumn ? r[spec.typeColumn]! : spec.fixedType!, id: r.id! });
    };
    for (const spec of Object.values(tables)) {
      const keys = sql.raw(keyColumns(spec).map((c) => `t."${c}"`).join(", "));
      for (const pair of spec.pairs) {
        if (!pending.has(`${spec.name}.${pair.refColumn}`)) continue;
        const id = sql.identifier(pair.idColumn);
        const refCol = sql.identifier(pair.refColumn);
        const unresolved = sql.raw(pair.unresolved === "empty" ? `t."${pair.idColumn}" = ''` : `t."${pair.idColumn}" IS NULL`);
        note(
          spec,
          await run<Record<string, string>>(
            tx,
            sql`UPDATE ${sql.identifier(spec.name)} AS t
              SET ${id} = CASE WHEN a.resource_type = ${pair.targetType} THEN a.resource_id ELSE t.${id} END,
                  ${refCol} = CASE WHEN a.resource_type = ${pair.targetType} THEN a.resource_type || '/' || a.resource_id ELSE NULL END
              FROM reference_aliases a
              WHERE ${unresolved} AND t.${refCol} IS NOT NULL AND t.${refCol} LIKE 'urn:%' AND a.alias = t.${refCol}
              RETURNING ${keys}`,
          ),
        );
        for (const lookup of IDENTIFIER_LOOKUPS) {
          if (lookup.type !== pair.targetType) continue;
          const prefix = `${lookup.type}?identifier=${lookup.system}|`;
          const target = sql`(SELECT o.id FROM ${sql.identifier(lookup.table)} o WHERE o.${sql.identifier(lookup.column)} = substr(t.${refCol}, ${prefix.length + 1})
            ORDER BY o.deleted_at IS NOT NULL, o.id LIMIT 1)`;
          note(
            spec,
            await run<Record<string, string>>(
              tx,
              sql`UPDATE ${sql.identifier(spec.name)} AS t
                SET ${id} = ${target}, ${refCol} = ${`${lookup.type}/`} || ${target}
                WHERE ${unresolved} AND t.${refCol} IS NOT NULL AND t.${refCol} LIKE ${`${prefix}%`} AND EXISTS ${target}
                RETURNING ${keys}`,
            ),
          );
        }
      }
    }
    if (count) await derive(tx, { upserts: [], deletes: [], deadLetters: [], outcomes: [] }, applied);
    return count;
  });
}
