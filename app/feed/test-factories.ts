import type {
  Bundle,
  BundleEntry,
  Communication,
  Encounter,
  Medication,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Reference,
  RelatedPerson,
  Resource,
} from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../db/connection";
import { HSA_OID, PERSONNUMMER_OID } from "./identifiers";
import { VGR } from "./map";

/** Small typed factories of FHIR resources for the feed's tests. */

/** A reference to anything (FHIR's typed references are covariant in their target). */
type AnyRef = Reference<never>;

export function meta(versionId?: number, lastUpdated?: string): Resource["meta"] {
  if (versionId === undefined && lastUpdated === undefined) return undefined;
  return { ...(versionId !== undefined ? { versionId: String(versionId) } : {}), ...(lastUpdated ? { lastUpdated } : {}) };
}

export function patient(o: { id: string; pnr?: string; given?: string; family?: string; birthDate?: string; version?: number; lastUpdated?: string; protectedIdentity?: boolean; links?: string[]; managingOrganization?: AnyRef }): Patient {
  return {
    resourceType: "Patient",
    id: o.id,
    meta: {
      ...meta(o.version, o.lastUpdated),
      ...(o.protectedIdentity ? { security: [{ system: "http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel", code: "sekretessmarkering" }] } : {}),
    },
    identifier: o.pnr ? [{ system: PERSONNUMMER_OID, value: o.pnr }] : [],
    name: [{ given: [o.given ?? "Test"], family: o.family ?? "Person" }],
    birthDate: o.birthDate ?? "1980-01-01",
    ...(o.managingOrganization ? { managingOrganization: o.managingOrganization } : {}),
    ...(o.links ? { link: o.links.map((rp) => ({ other: { reference: `RelatedPerson/${rp}` }, type: "seealso" as const })) } : {}),
  };
}

export function organization(o: { id: string; name?: string; hsa?: string; kind?: "region" | "municipality" | "private"; partOf?: AnyRef; version?: number }): Organization {
  return {
    resourceType: "Organization",
    id: o.id,
    meta: meta(o.version),
    identifier: o.hsa ? [{ system: HSA_OID, value: o.hsa }] : [],
    name: o.name ?? `Unit ${o.id}`,
    ...(o.kind ? { type: [{ coding: [{ system: VGR.providerKind, code: o.kind }] }] } : {}),
    ...(o.partOf ? { partOf: o.partOf } : {}),
  };
}

export function practitioner(o: { id: string; name?: string; hsa?: string }): Practitioner {
  return {
    resourceType: "Practitioner",
    id: o.id,
    identifier: o.hsa ? [{ system: HSA_OID, value: o.hsa }] : [],
    name: [{ given: [o.name ?? "Doc"], family: "Tor" }],
  };
}

export function encounter(o: { id: string; subject: AnyRef; serviceProvider?: AnyRef; start?: string; version?: number; status?: Encounter["status"] }): Encounter {
  return {
    resourceType: "Encounter",
    id: o.id,
    meta: meta(o.version),
    status: o.status ?? "finished",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
    subject: o.subject,
    period: { start: o.start ?? "2024-03-01T10:00:00+01:00" },
    ...(o.serviceProvider ? { serviceProvider: o.serviceProvider } : {}),
  };
}

export function observation(o: {
  id: string;
  subject: AnyRef;
  encounter?: AnyRef;
  performer?: AnyRef[];
  value?: number;
  version?: number;
  lastUpdated?: string;
  status?: Observation["status"];
  effective?: string;
}): Observation {
  return {
    resourceType: "Observation",
    id: o.id,
    meta: meta(o.version, o.lastUpdated),
    status: o.status ?? "final",
    code: { coding: [{ system: "http://loinc.org", code: "718-7", display: "Hemoglobin" }], text: "Hb" },
    subject: o.subject,
    ...(o.encounter ? { encounter: o.encounter } : {}),
    ...(o.performer ? { performer: o.performer } : {}),
    effectiveDateTime: o.effective ?? "2024-03-01T10:00:00+01:00",
    valueQuantity: { value: o.value ?? 140, unit: "g/L" },
    referenceRange: [{ low: { value: 117, unit: "g/L" }, high: { value: 153, unit: "g/L" } }],
    interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code: "N" }] }],
  };
}

export function medication(o: { id: string; name: string; atc?: string; version?: number }): Medication {
  return {
    resourceType: "Medication",
    id: o.id,
    meta: meta(o.version),
    code: { coding: [{ system: "http://www.whocc.no/atc", code: o.atc ?? "N02BE01", display: o.name }], text: o.name },
  };
}

export function medicationRequest(o: { id: string; subject: AnyRef; medication: AnyRef; version?: number; contained?: Medication[] }): MedicationRequest {
  return {
    resourceType: "MedicationRequest",
    id: o.id,
    meta: meta(o.version),
    ...(o.contained ? { contained: o.contained } : {}),
    status: "active",
    intent: "order",
    medicationReference: o.medication,
    subject: o.subject,
    authoredOn: "2024-02-01",
    dosageInstruction: [{ text: "1 tablett vid behov" }],
  };
}

export function guardian(o: { id: string; child: AnyRef; pnr?: string; patientRef?: AnyRef; version?: number; active?: boolean; blocked?: boolean; relationship?: string }): RelatedPerson {
  return {
    resourceType: "RelatedPerson",
    id: o.id,
    meta: meta(o.version),
    patient: o.child,
    identifier: o.pnr ? [{ system: "http://electronichealth.se/identifier/personnummer", value: o.pnr }] : [],
    relationship: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-RoleCode", code: o.relationship ?? "GUARD" }] }],
    ...(o.active === false ? { active: false } : {}),
    extension: [
      ...(o.patientRef ? [{ url: "https://vgregion.se/fhir/StructureDefinition/guardian-patient", valueReference: o.patientRef }] : []),
      ...(o.blocked ? [{ url: VGR.guardianBlocked, valueBoolean: true }] : []),
    ],
  };
}

export function communication(o: { id: string; subject: AnyRef; inResponseTo?: AnyRef; sender?: AnyRef; text?: string; version?: number }): Communication {
  return {
    resourceType: "Communication",
    id: o.id,
    meta: meta(o.version),
    status: "completed",
    subject: o.subject,
    ...(o.sender ? { sender: o.sender } : {}),
    ...(o.inResponseTo ? { inResponseTo: [o.inResponseTo] } : {}),
    topic: { text: "Fråga om provsvar" },
    sent: "2024-03-02T09:00:00+01:00",
    payload: [{ contentString: o.text ?? "Hej" }],
  };
}

export function ref(type: string, id: string): AnyRef {
  return { reference: `${type}/${id}` };
}

export function urn(id: string): string {
  return `urn:uuid:${id}`;
}

export function entry(resource: Resource, options: { fullUrl?: string; method?: "POST" | "PUT" } = {}): BundleEntry {
  return {
    ...(options.fullUrl ? { fullUrl: options.fullUrl } : {}),
    resource,
    ...(options.method ? { request: { method: options.method, url: options.method === "PUT" ? `${resource.resourceType}/${resource.id}` : resource.resourceType } } : {}),
  };
}

export function deleteEntry(type: string, id: string, version?: number): BundleEntry {
  return { request: { method: "DELETE", url: `${type}/${id}` }, ...(version !== undefined ? { response: { status: "204", etag: `W/"${version}"` } } : {}) };
}

export function bundle(entries: BundleEntry[], type: Bundle["type"] = "batch"): Bundle {
  return { resourceType: "Bundle", type, entry: entries };
}

/** JSON text nested `levels` deep: an extension within an extension within… (real FHIR's way of nesting). */
export function nestedExtensions(levels: number): string {
  return `[${'{"url":"urn:x","extension":['.repeat(levels)}{"url":"urn:x"}${"]}".repeat(levels)}]`;
}

function textWith(resource: Resource, placeholder: string, replacement: Buffer): Buffer {
  const [before, after] = JSON.stringify(resource).split(`"${placeholder}"`);
  return Buffer.concat([Buffer.from(before!), replacement, Buffer.from(after!)]);
}

/**
 * An Observation's JSON text holding one thing the feed must never store and never lose, as bytes: each must land in
 * dead_letters with a reason matching `reason`.
 */
export const POISONS: { name: string; reason: RegExp; text: (id: string) => Buffer }[] = [
  {
    name: "a lone surrogate",
    reason: /lone UTF-16 surrogate \(\\ud800\)/,
    text: (id) => Buffer.from(JSON.stringify({ ...observation({ id, subject: ref("Patient", "p") }), code: { text: "Hb \ud800" } })),
  },
  {
    name: "a NUL character",
    reason: /NUL character/,
    text: (id) => Buffer.from(JSON.stringify({ ...observation({ id, subject: ref("Patient", "p") }), code: { text: "Hb\u0000" } })),
  },
  {
    name: "nesting 5,000 levels deep",
    reason: /deeper than 64 levels/,
    text: (id) => textWith({ ...observation({ id, subject: ref("Patient", "p") }), extension: "DEEP" } as never, "DEEP", Buffer.from(nestedExtensions(5000))),
  },
  {
    name: "bytes that are not UTF-8",
    reason: /not valid UTF-8/i,
    text: (id) => textWith({ ...observation({ id, subject: ref("Patient", "p") }), code: { text: "BAD" } }, "BAD", Buffer.from([0x22, 0x48, 0x62, 0xff, 0xc3, 0x22])),
  },
  {
    name: "a property named twice",
    reason: /"id" appears twice/,
    text: (id) => Buffer.from(JSON.stringify(observation({ id, subject: ref("Patient", "p") })).replace('"id":', '"id":"another","id":')),
  },
];

/** The JSON texts of `n` Observations o0, o1, …, the one at `poisoned` being `poison`'s. */
export function observationTexts(n: number, poisoned: number, poison: (id: string) => Buffer): Buffer[] {
  return Array.from({ length: n }, (_, i) => (i === poisoned ? poison(`o${i}`) : Buffer.from(JSON.stringify(observation({ id: `o${i}`, subject: ref("Patient", "p") })))));
}

export function ndjsonText(resources: Buffer[]): Buffer {
  return Buffer.concat(resources.flatMap((r) => [r, Buffer.from("\n")]));
}

/** A Bundle of resources given as JSON text; with `putUrl`, each entry a PUT to it. */
export function bundleText(type: string, resources: Buffer[], putUrl?: (index: number) => string): Buffer {
  const entries = resources.flatMap((r, i) => [
    Buffer.from(`${i ? "," : ""}{${putUrl ? `"request":{"method":"PUT","url":"${putUrl(i)}"},` : ""}"resource":`),
    r,
    Buffer.from("}"),
  ]);
  return Buffer.concat([Buffer.from(`{"resourceType":"Bundle","type":"${type}","entry":[`), ...entries, Buffer.from("]}")]);
}

export const FEED_TABLES = [
  "people",
  "guardianships",
  "person_links",
  "care_units",
  "practitioners",
  "medication_products",
  "record_entries",
  "appointment_types",
  "schedules",
  "slots",
  "appointments",
  "messages",
  "clinical_access_events",
  "dead_letters",
  "reference_aliases",
  "feed_tombstones",
] as const;

export async function truncateFeedTables(db: Database): Promise<void> {
  await db.execute(sql.raw(`TRUNCATE ${FEED_TABLES.join(", ")}`));
}

export async function rows<T = Record<string, unknown>>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/**
 * Everything the feed keeps, in a comparable form: every row of every feed table in key order, without the times
 * of arrival (received_at, the moment of deletion), with deleted_at as a flag.
 */
export async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of FEED_TABLES) {
    if (table === "dead_letters") continue;
    const all = await rows<Record<string, unknown>>(db, sql.raw(`SELECT * FROM ${table}`));
    const cleaned = all.map((r) => {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k === "received_at") continue;
        if (k === "deleted_at") copy.deleted = v !== null;
        else copy[k] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v;
      }
      return copy;
    });
    cleaned.sort((a, b) => JSON.stringify(keyOf(table, a)).localeCompare(JSON.stringify(keyOf(table, b))));
    out[table] = cleaned;
  }
  return out;
}

function keyOf(table: string, row: Record<string, unknown>): unknown[] {
  if (table === "record_entries") return [row.resource_type, row.id];
  if (table === "guardianships") return [row.source_type, row.id];
  if (table === "person_links") return [row.related_person_id, row.person_id];
  if (table === "reference_aliases") return [row.alias];
  if (table === "feed_tombstones") return [row.resource_type, row.id];
  return [row.id];
}
