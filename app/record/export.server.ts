import type { Bundle, BundleEntry, Identifier, Medication, Organization, Patient, Practitioner, Resource } from "@medplum/fhirtypes";
import type { Queryable } from "../../db/connection";
import type { RecordSection } from "../../db/schema/vocabulary";
import { HSA_OID, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID, nationalIdKind } from "~/feed/identifiers";
import { identifierReference, resolveReference } from "~/feed/references";
import {
  exportEntries,
  subjectPerson,
  exportReferenced,
  referenceAliases,
  type ExportedEntry,
  type ExportedMedication,
  type SubjectPerson,
  type ExportedPractitioner,
  type ExportedUnit,
  type RecordScope,
} from "./queries.server";
import type { SectionFilters } from "./sections";

/**
 * The subject's record to take away: a FHIR R4 Bundle of type "collection" holding the subject's Patient, the resources
 * of exactly the entries the portal shows them, and the care units, staff and medicinal products those entries name,
 * each as the portal holds it. Every reference in it resolves inside it: a reference to anything else (an entry that is
 * not shown or not in this download, a unit withheld online, a resource the portal never received) is left out, so
 * nothing the portal does not show is named through one.
 */

const PROVIDER_KIND_SYSTEM = "https://vgregion.se/fhir/CodeSystem/provider-kind";

/** The download, and the patient data it holds ("Type/id") for the access log. */
export interface RecordExport {
  bundle: Bundle;
  shown: string[];
}

/** What the portal says of the subject: their national id, name, birth date and gender. */
export function patientResource(person: SubjectPerson): Patient {
  const identifier: Identifier[] = [];
  if (person.personnummer) identifier.push({ system: PERSONNUMMER_OID, value: person.personnummer });
  if (person.samordningsnummer) identifier.push({ system: SAMORDNINGSNUMMER_OID, value: person.samordningsnummer });
  const given = person.givenName ? [person.givenName] : undefined;
  const family = person.familyName ?? undefined;
  const gender = person.gender === "male" || person.gender === "female" || person.gender === "other" || person.gender === "unknown" ? person.gender : undefined;
  return {
    resourceType: "Patient",
    id: person.id,
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(given || family ? { name: [{ ...(family ? { family } : {}), ...(given ? { given } : {}) }] } : {}),
    ...(gender ? { gender } : {}),
    ...(person.birthDate ? { birthDate: person.birthDate } : {}),
  };
}

function organizationResource(unit: ExportedUnit): Organization {
  return {
    resourceType: "Organization",
    id: unit.id,
    ...(unit.hsaId ? { identifier: [{ system: HSA_OID, value: unit.hsaId }] } : {}),
    ...(unit.providerKind !== "unknown" ? { type: [{ coding: [{ system: PROVIDER_KIND_SYSTEM, code: unit.providerKind }] }] } : {}),
    name: unit.name,
    ...(unit.phone ? { telecom: [{ system: "phone", value: unit.phone }] } : {}),
    ...(unit.city ? { address: [{ city: unit.city }] } : {}),
    ...(unit.parentId ? { partOf: { reference: `Organization/${unit.parentId}` } } : {}),
  };
}

function practitionerResource(p: ExportedPractitioner): Practitioner {
  return {
    resourceType: "Practitioner",
    id: p.id,
    ...(p.hsaId ? { identifier: [{ system: HSA_OID, value: p.hsaId }] } : {}),
    ...(p.name ? { name: [{ text: p.name }] } : {}),
    ...(p.profession ? { qualification: [{ code: { text: p.profession } }] } : {}),
  };
}

function medicationResource(m: ExportedMedication): Medication {
  const coding = m.code ? [{ ...(m.codeSystem ? { system: m.codeSystem } : {}), code: m.code }] : undefined;
  return {
    resourceType: "Medication",
    id: m.id,
    ...(coding || m.name ? { code: { ...(coding ? { coding } : {}), ...(m.name ? { text: m.name } : {}) } } : {}),
    ...(m.form ? { form: { text: m.form } } : {}),
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DISPLAY_ONLY_KEYS = new Set(["display", "type", "id", "extension"]);

/**
 * A Reference's target as the feed reads it: "Type/id", a fullUrl (urn:uuid:, absolute) or a logical reference by
 * identifier ("Type?identifier=system|value"); "?" for one that names its target by display only. Null for a contained
 * (#id) reference and for anything that is not one.
 */
function referenceKey(value: Json): string | null {
  if (typeof value.reference === "string") {
    if (value.reference.startsWith("#")) return null;
    return resolveReference({ reference: value.reference }, undefined)?.ref ?? value.reference;
  }
  // A logical reference (identifier, no reference): its type, else what its identifier's system says it is.
  if (isObject(value.identifier) && !("resourceType" in value)) {
    const identifier = value.identifier as Identifier;
    const type = typeof value.type === "string" ? value.type : nationalIdKind(identifier.system) ? "Patient" : "Organization";
    return identifierReference(type, identifier) ?? "?";
  }
  if (typeof value.display === "string" && !("resourceType" in value) && Object.keys(value).every((k) => DISPLAY_ONLY_KEYS.has(k))) return "?";
  return null;
}

/** Every reference key in a resource (see referenceKey), contained resources included. */
function referenceKeys(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) referenceKeys(v, into);
  else if (isObject(value)) {
    const key = referenceKey(value);
    if (key) into.add(key);
    for (const v of Object.values(value)) referenceKeys(v, into);
  }
  return into;
}

/**
 * The resource with each reference pointing at what it names in the download ("Type/id"), and each reference to
 * anything outside it removed whole (its display too: a display may name what is withheld), as is one by display only.
 * Elements left empty by a removal go as well, as R4 allows no empty element.
 */
function withReferencesInside(value: unknown, targetOf: (key: string) => string | null): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => withReferencesInside(v, targetOf)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return value;
  const key = referenceKey(value);
  let target: string | null = null;
  if (key) {
    target = targetOf(key);
    if (!target) return undefined;
  }
  const out: Json = {};
  for (const [name, v] of Object.entries(value)) {
    const kept = withReferencesInside(v, targetOf);
    if (kept !== undefined) out[name] = kept;
  }
  if (target) out.reference = target;
  // An extension whose value was such a reference goes with it.
  const isValue = (k: string) => /^value[A-Z]/.test(k);
  if (Object.keys(value).some(isValue) && !Object.keys(out).some((k) => isValue(k) || k === "extension")) return undefined;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The key of an HSA-id reference to a unit or to staff: either may carry it. */
function hsaKeys(hsaId: string): string[] {
  return [`Organization?identifier=${HSA_OID}|${hsaId}`, `Practitioner?identifier=${HSA_OID}|${hsaId}`];
}

function typedIds(keys: Iterable<string>, type: string): string[] {
  const prefix = `${type}/`;
  return [...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/**
 * The subject's record as a Bundle (optionally one section, filtered): the shown entries with the subject's Patient
 * and the units, staff and products they name. `base` is where the fullUrls live; a reference "Type/id" inside an
 * entry resolves, by R4's rules, to the entry whose fullUrl is `${base}Type/id`.
 */
export async function recordExport(
  db: Queryable,
  scope: RecordScope,
  section: RecordSection | null,
  filters: Partial<SectionFilters>,
  base: string,
  now: Date,
): Promise<RecordExport> {
  const [entries, person] = await Promise.all([exportEntries(db, scope, section, filters), subjectPerson(db, scope)]);
  const keys = new Set<string>();
  for (const e of entries) referenceKeys(e.resource, keys);
  const aliases = await referenceAliases(db, [...keys].filter((k) => k.startsWith("urn:") || /^https?:/.test(k)));
  const resolved = (key: string) => aliases.get(key) ?? key;
  const targets = new Set([...keys].map(resolved));
  const hsaIds = [...targets].flatMap((k) => {
    const bar = k.indexOf("|");
    return bar > 0 && hsaKeys("").includes(k.slice(0, bar + 1)) ? [k.slice(bar + 1)] : [];
  });
  const referenced = await exportReferenced(db, scope, {
    unitIds: typedIds(targets, "Organization"),
    practitionerIds: typedIds(targets, "Practitioner"),
    medicationIds: typedIds(targets, "Medication"),
    hsaIds,
  });

  // What each key names in the download.
  const inside = new Map<string, string>();
  const add = (ref: string, ...more: string[]) => {
    inside.set(ref, ref);
    for (const k of more) inside.set(k, ref);
  };
  if (person) {
    add(
      `Patient/${person.id}`,
      ...(person.personnummer ? [`Patient?identifier=${PERSONNUMMER_OID}|${person.personnummer}`] : []),
      ...(person.samordningsnummer ? [`Patient?identifier=${SAMORDNINGSNUMMER_OID}|${person.samordningsnummer}`] : []),
    );
  }
  for (const e of entries) add(e.ref);
  // Staff first, then units: an HSA-id both carry names the unit.
  for (const p of referenced.practitioners) add(`Practitioner/${p.id}`, ...(p.hsaId ? hsaKeys(p.hsaId) : []));
  for (const u of referenced.units) add(`Organization/${u.id}`, ...(u.hsaId ? hsaKeys(u.hsaId) : []));
  for (const m of referenced.medications) add(`Medication/${m.id}`);
  const targetOf = (key: string) => inside.get(resolved(key)) ?? null;

  const resources: Resource[] = [
    ...(person ? [patientResource(person)] : []),
    ...entries.map((e: ExportedEntry) => withReferencesInside(e.resource, targetOf) as Resource),
    ...referenced.units.map(organizationResource),
    ...referenced.practitioners.map(practitionerResource),
    ...referenced.medications.map(medicationResource),
  ];
  const entry: BundleEntry[] = resources.map((resource) => ({ fullUrl: `${base}${resource.resourceType}/${resource.id}`, resource }));
  return {
    bundle: {
      resourceType: "Bundle",
      type: "collection",
      timestamp: now.toISOString(),
      meta: { lastUpdated: now.toISOString() },
      entry,
    },
    shown: [...(person ? [`Patient/${person.id}`] : []), ...entries.map((e) => e.ref)],
  };
}

/** "journal-2026-11-22.json" / "journal-notes-2026-11-22.json": the date only, never who it is about. */
export function exportFileName(section: string | null, now: Date): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  return `journal${section ? `-${section.replace(/[^a-z_]/g, "")}` : ""}-${day}.json`;
}
