import type { TableName } from "./map";

/**
 * The feed's view of each read-model table: the columns it writes (with the PostgreSQL types json_to_recordset needs),
 * its key, and its reference column pairs (id, reference → type) that resolve when the target arrives.
 */

export interface ReferencePair {
  idColumn: string;
  refColumn: string;
  targetType: string;
  /** The id column's value while unresolved: null, except guardianships.child_person_id (NOT NULL) which uses ''. */
  unresolved: "null" | "empty";
}

export interface TableSpec {
  name: TableName;
  /** The column holding the resource type in the key (record_entries, guardianships), or null (key is id alone). */
  typeColumn: "resource_type" | "source_type" | null;
  /** The resource type when typeColumn is null. */
  fixedType: string | null;
  columns: [name: string, pgType: string][];
  pairs: ReferencePair[];
  /**
   * Joins and column expressions that fill derived columns at insert time from rows already stored (the care contact's
   * unit, the referenced Medication's name); the writer updates the same columns when the other side arrives later.
   */
  joins?: string;
  select?: Record<string, string>;
}

const T = "text";
const TS = "timestamptz";
const B = "boolean";
const J = "jsonb";
const F = "double precision";

function p(idColumn: string, refColumn: string, targetType: string, unresolved: "null" | "empty" = "null"): ReferencePair {
  return { idColumn, refColumn, targetType, unresolved };
}

export const tables: Record<TableName, TableSpec> = {
  people: {
    name: "people",
    typeColumn: null,
    fixedType: "Patient",
    columns: [
      ["personnummer", T], ["samordningsnummer", T], ["identifiers", J], ["given_name", T], ["family_name", T],
      ["birth_date", "date"], ["gender", T], ["deceased", B], ["deceased_at", TS], ["protected_identity", B],
      ["managing_care_unit_id", T], ["managing_care_unit_reference", T],
    ],
    pairs: [p("managing_care_unit_id", "managing_care_unit_reference", "Organization")],
  },
  guardianships: {
    name: "guardianships",
    typeColumn: "source_type",
    fixedType: null,
    columns: [
      ["source_type", T], ["child_person_id", T], ["child_reference", T], ["guardian_person_id", T], ["guardian_reference", T],
      ["guardian_personnummer", T], ["relationship", T], ["active", B], ["blocked", B], ["period_start", "date"], ["period_end", "date"],
    ],
    pairs: [p("child_person_id", "child_reference", "Patient", "empty"), p("guardian_person_id", "guardian_reference", "Patient")],
  },
  care_units: {
    name: "care_units",
    typeColumn: null,
    fixedType: "Organization",
    columns: [
      ["hsa_id", T], ["name", T], ["provider_kind", T], ["own_provider_kind", T], ["parent_id", T], ["parent_reference", T],
      ["provider_id", T], ["phone", T], ["city", T], ["address", T], ["open_messaging", B], ["message_topics", J],
      ["answer_working_days", "integer"],
    ],
    pairs: [p("parent_id", "parent_reference", "Organization")],
  },
  practitioners: {
    name: "practitioners",
    typeColumn: null,
    fixedType: "Practitioner",
    columns: [["hsa_id", T], ["name", T], ["profession", T]],
    pairs: [],
  },
  medication_products: {
    name: "medication_products",
    typeColumn: null,
    fixedType: "Medication",
    columns: [["code_system", T], ["code", T], ["name", T], ["form", T]],
    pairs: [],
  },
  record_entries: {
    name: "record_entries",
    typeColumn: "resource_type",
    fixedType: null,
    columns: [
      ["resource_type", T], ["section", T], ["person_id", T], ["subject_reference", T], ["occurred_at", TS], ["recorded_at", TS],
      ["care_unit_id", T], ["care_unit_reference", T], ["practitioner_id", T], ["practitioner_reference", T],
      ["encounter_id", T], ["encounter_reference", T], ["medication_id", T], ["medication_reference", T],
      ["status", T], ["code_system", T], ["code", T], ["title", T], ["text", T], ["value_number", F], ["value_text", T],
      ["unit", T], ["reference_low", F], ["reference_high", F], ["reference_text", T], ["interpretation", T], ["details", J],
    ],
    pairs: [
      p("person_id", "subject_reference", "Patient"),
      p("care_unit_id", "care_unit_reference", "Organization"),
      p("practitioner_id", "practitioner_reference", "Practitioner"),
      p("encounter_id", "encounter_reference", "Encounter"),
      p("medication_id", "medication_reference", "Medication"),
    ],
    joins: `LEFT JOIN record_entries enc ON enc.resource_type = 'Encounter' AND enc.id = x.encounter_id AND x.care_unit_reference IS NULL
LEFT JOIN medication_products med ON med.id = x.medication_id`,
    select: {
      care_unit_id: "coalesce(x.care_unit_id, enc.care_unit_id)",
      title: "coalesce(med.name, x.title)",
      code: "coalesce(med.code, x.code)",
      code_system: "CASE WHEN med.code IS NOT NULL THEN med.code_system ELSE x.code_system END",
    },
  },
  appointment_types: {
    name: "appointment_types",
    typeColumn: null,
    fixedType: "HealthcareService",
    columns: [
      ["care_unit_id", T], ["care_unit_reference", T], ["name", T], ["code", T], ["bookable_online", B], ["open_booking", B],
      ["cancellation_deadline_hours", "integer"], ["preparation", T], ["active", B],
    ],
    pairs: [p("care_unit_id", "care_unit_reference", "Organization")],
  },
  schedules: {
    name: "schedules",
    typeColumn: null,
    fixedType: "Schedule",
    columns: [
      ["care_unit_id", T], ["care_unit_reference", T], ["practitioner_id", T], ["practitioner_reference", T],
      ["appointment_type_ids", J], ["service_id", T], ["service_reference", T], ["active", B], ["planning_start", TS], ["planning_end", TS],
    ],
    pairs: [
      p("care_unit_id", "care_unit_reference", "Organization"),
      p("practitioner_id", "practitioner_reference", "Practitioner"),
      p("service_id", "service_reference", "HealthcareService"),
    ],
    joins: "LEFT JOIN appointment_types svc ON svc.id = x.service_id AND x.care_unit_reference IS NULL",
    select: { care_unit_id: "coalesce(x.care_unit_id, svc.care_unit_id)" },
  },
  slots: {
    name: "slots",
    typeColumn: null,
    fixedType: "Slot",
    columns: [["schedule_id", T], ["schedule_reference", T], ["status", T], ["starts_at", TS], ["ends_at", TS], ["appointment_type_code", T]],
    pairs: [p("schedule_id", "schedule_reference", "Schedule")],
  },
  appointments: {
    name: "appointments",
    typeColumn: null,
    fixedType: "Appointment",
    columns: [
      ["person_id", T], ["subject_reference", T], ["status", T], ["starts_at", TS], ["ends_at", TS], ["care_unit_id", T],
      ["practitioner_id", T], ["practitioner_reference", T], ["appointment_type_id", T], ["appointment_type_reference", T],
      ["slot_ids", J], ["description", T],
    ],
    pairs: [
      p("person_id", "subject_reference", "Patient"),
      p("practitioner_id", "practitioner_reference", "Practitioner"),
      p("appointment_type_id", "appointment_type_reference", "HealthcareService"),
    ],
    joins: "LEFT JOIN appointment_types svc ON svc.id = x.appointment_type_id",
    select: { care_unit_id: "coalesce(x.care_unit_id, svc.care_unit_id)" },
  },
  messages: {
    name: "messages",
    typeColumn: null,
    fixedType: "Communication",
    // read_at is the portal's own (the citizen read the message): never written by the feed.
    columns: [
      ["person_id", T], ["subject_reference", T], ["thread_id", T], ["parent_id", T], ["parent_reference", T], ["topic", T], ["direction", T],
      ["care_unit_id", T], ["care_unit_reference", T], ["sender_reference", T], ["sender_name", T], ["body", T], ["sent_at", TS], ["status", T],
      ["opened_by_unit_at", TS], ["can_reply", B],
    ],
    pairs: [
      p("person_id", "subject_reference", "Patient"),
      p("care_unit_id", "care_unit_reference", "Organization"),
      p("parent_id", "parent_reference", "Communication"),
    ],
  },
  clinical_access_events: {
    name: "clinical_access_events",
    typeColumn: null,
    fixedType: "AuditEvent",
    columns: [
      ["person_id", T], ["subject_reference", T], ["occurred_at", TS], ["care_unit_id", T], ["care_unit_reference", T],
      ["care_unit_name", T], ["action", T],
    ],
    pairs: [p("person_id", "subject_reference", "Patient"), p("care_unit_id", "care_unit_reference", "Organization")],
  },
};

export const tableList = Object.values(tables);

const q = (name: string) => `"${name}"`;

/** The version order of versions.ts, in SQL: is `a` strictly newer than `b`? */
export function versionNewer(a: string, b: string): string {
  return `(coalesce(${a}.version_id, -1), coalesce(${a}.last_updated, '-infinity'::timestamptz)) > (coalesce(${b}.version_id, -1), coalesce(${b}.last_updated, '-infinity'::timestamptz))`;
}

/** Is version `x` hidden by tombstone `tb`? */
export function coveredBy(x: string, tb: string): string {
  return `(${tb}.covers_all OR (${tb}.version_id IS NOT NULL AND (coalesce(${x}.version_id, -1), coalesce(${x}.last_updated, '-infinity'::timestamptz)) <= (${tb}.version_id, coalesce(${tb}.last_updated, '-infinity'::timestamptz))) OR (${tb}.version_id IS NULL AND ${tb}.last_updated IS NOT NULL AND coalesce(${x}.last_updated, '-infinity'::timestamptz) <= ${tb}.last_updated))`;
}

export function keyColumns(spec: TableSpec): string[] {
  return spec.typeColumn ? [spec.typeColumn, "id"] : ["id"];
}

function typeExpression(spec: TableSpec, alias: string): string {
  return spec.typeColumn ? `${alias}.${q(spec.typeColumn)}` : `'${spec.fixedType}'`;
}

const upsertCache = new Map<TableName, [string, string]>();

/**
 * INSERT … SELECT FROM json_to_recordset($1) … ON CONFLICT DO UPDATE … WHERE newer: one statement per table and
 * batch, with the version guard in SQL so that concurrent writers converge. Returns [before the parameter, after].
 */
export function upsertStatement(spec: TableSpec): [string, string] {
  const cached = upsertCache.get(spec.name);
  if (cached) return cached;
  const own = spec.columns.map(([name]) => name);
  const ownNoKey = own.filter((c) => c !== spec.typeColumn);
  const recordset = [
    `"id" text`, `"version_id" bigint`, `"last_updated" timestamptz`, `"hidden" boolean`, `"raw" json`,
    ...spec.columns.map(([name, type]) => `${q(name)} ${type}`),
  ].join(", ");
  const keys = keyColumns(spec).map(q).join(", ");
  const before = `INSERT INTO ${q(spec.name)} AS t ("id", "version_id", "last_updated", "deleted_at", "raw", "received_at", ${own.map(q).join(", ")})
SELECT x."id", x."version_id", x."last_updated", CASE WHEN x."hidden" OR tb.id IS NOT NULL THEN now() END, x."raw", now(), ${own.map((c) => spec.select?.[c] ?? `x.${q(c)}`).join(", ")}
FROM json_to_recordset(`;
  const after = `::json) AS x(${recordset})
LEFT JOIN feed_tombstones tb ON tb.resource_type = ${typeExpression(spec, "x")} AND tb.id = x.id AND ${coveredBy("x", "tb")}
${spec.joins ?? ""}
ORDER BY ${keyColumns(spec).map((c) => `x.${q(c)}`).join(", ")}
ON CONFLICT (${keys}) DO UPDATE SET
  "version_id" = excluded."version_id",
  "last_updated" = excluded."last_updated",
  "deleted_at" = CASE WHEN excluded."deleted_at" IS NULL THEN NULL ELSE coalesce(t."deleted_at", excluded."deleted_at") END,
  "raw" = excluded."raw",
  "received_at" = excluded."received_at",
  ${ownNoKey.map((c) => `${q(c)} = excluded.${q(c)}`).join(",\n  ")}
WHERE ${versionNewer("excluded", "t")}
RETURNING ${keyColumns(spec).map((c) => `t.${q(c)}`).join(", ")}, (t.xmax = 0) AS inserted`;
  const statement: [string, string] = [before, after];
  upsertCache.set(spec.name, statement);
  return statement;
}

/** For keys the upsert did not apply: is the stored version equal ("unchanged") or newer ("stale")? */
export function classifyStatement(spec: TableSpec): [string, string] {
  const typeCol = spec.typeColumn;
  const join = typeCol ? `t.${q(typeCol)} = k.type AND t.id = k.id` : `t.id = k.id`;
  return [
    `SELECT k.type, k.id, CASE WHEN coalesce(k.version_id, -1) = coalesce(t.version_id, -1) AND coalesce(k.last_updated, '-infinity'::timestamptz) = coalesce(t.last_updated, '-infinity'::timestamptz) THEN 'unchanged' ELSE 'stale' END AS outcome
FROM json_to_recordset(`,
    `::json) AS k(type text, id text, version_id bigint, last_updated timestamptz)
JOIN ${q(spec.name)} t ON ${join}`,
  ];
}
