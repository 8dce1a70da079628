import type { Bundle, OperationOutcome, Resource, ResourceType } from "@medplum/fhirtypes";
import { ClinicalError, DEFAULT_RETRY_POLICY, readText, retryAfterMs, send, systemClock, type Clock, type RetryPolicy, type SendOptions } from "./http.server";
import type { ClinicalSettings } from "./settings.server";
import { createTokenSource, type TokenSource } from "./token.server";

/**
 * The portal's client of the clinical system's FHIR R4 API (and of the Messages API beside it), authorised as a system
 * (SMART Backend Services). Every request has a timeout, waits out 429 and 503 as Retry-After says, and after a 401
 * tries once more with a new token. Failures are ClinicalErrors; what to do about one (retry, read back, give up) is
 * the caller's. It keeps no state but the token.
 */
export interface ClinicalClient {
  /** A resource and its ETag (for If-Match). A missing one is a ClinicalError of status 404. */
  read<T extends Resource>(resourceType: T["resourceType"], id: string): Promise<{ resource: T; etag: string | null }>;
  /** The first page of a search (GET). */
  search(resourceType: ResourceType, params?: SearchParams): Promise<Bundle>;
  /** Every page of a search, following `next` links. The same resource may be on two pages. */
  searchPages(resourceType: ResourceType, params?: SearchParams, options?: { maxPages?: number }): AsyncGenerator<Bundle>;
  /** The resources of every page, in order (included ones too: tell them apart by resourceType). */
  searchAll(resourceType: ResourceType, params?: SearchParams, options?: { maxPages?: number }): Promise<Resource[]>;
  /** POST of a new resource. Millennium answers 201 with an empty body: what it made is in Location and ETag. */
  create(resource: Resource): Promise<WriteResult>;
  /** JSON Patch (RFC 6902) with If-Match, which Millennium requires. */
  patch(resourceType: ResourceType, id: string, operations: readonly JsonPatchOperation[], options: { ifMatch: string }): Promise<WriteResult>;
  /** A JSON GET that is not FHIR (the Messages API), relative to the FHIR base or on its origin. */
  getJson<T = unknown>(path: string, params?: SearchParams): Promise<T>;
  /** A JSON POST that is not FHIR (the Messages API). Not repeated after a 503: it may have been done. */
  postJson<T = unknown>(path: string, body: unknown): Promise<{ status: number; location: string | null; body: T | undefined }>;
  /**
   * Any request with the token, answered as it came (any status, body unread): for what the methods above do not
   * cover, such as Bulk Data's kick-off (202, Content-Location) and status polling (202, Retry-After).
   */
  raw(request: { method: SendOptions["method"]; path: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
  /**
   * A file, for Bulk Data: with the token only when `requiresAccessToken` (the export manifest says), redirects
   * followed here and never with the token, since the pre-signed URL a 307 leads to must not get it. The body is
   * left to the caller to stream, under `timeoutMs` (default: the client's).
   */
  download(url: string, options: { requiresAccessToken: boolean; timeoutMs?: number }): Promise<Response>;
}

export type SearchParams = Record<string, string | readonly string[]> | readonly (readonly [string, string])[];

export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

export interface WriteResult {
  status: number;
  /** The Location header as sent (`…/Appointment/123/_history/1` or `…/Appointment/123`). */
  location: string | null;
  /** The id and version read from Location, when it has them. */
  id: string | null;
  versionId: string | null;
  etag: string | null;
  /** The body, when the clinical system sent one. */
  resource: Resource | undefined;
}

export interface ClinicalClientOptions {
  clock?: Clock;
  retry?: RetryPolicy;
  renewTokenBeforeSeconds?: number;
}

const FHIR_JSON = "application/fhir+json";
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const MAX_REDIRECTS = 5;

export function createClinicalClient(settings: ClinicalSettings, options: ClinicalClientOptions = {}): ClinicalClient {
  const clock = options.clock ?? systemClock;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const timeoutMs = settings.timeoutMs;
  const base = new URL(`${settings.fhirBase.replace(/\/+$/, "")}/`);
  const tokens: TokenSource = createTokenSource({
    tokenUrl: settings.tokenUrl,
    clientId: settings.clientId,
    signingKey: settings.signingKey,
    scopes: settings.scopes,
    timeoutMs,
    clock,
    retry,
    renewBeforeSeconds: options.renewTokenBeforeSeconds,
  });

  type Request = Omit<SendOptions, "clock" | "retry" | "timeoutMs"> & { timeoutMs?: number };
  const sendPlain = (request: Request) => send({ ...request, timeoutMs: request.timeoutMs ?? timeoutMs, clock, retry });

  /** The bearer token goes to the clinical system's origin only: a link or path elsewhere is refused, not followed. */
  const onBase = (pathOrUrl: string): URL => {
    const url = new URL(pathOrUrl.replace(/^\/+/, ""), base);
    if (url.origin !== base.origin) throw new ClinicalError("protocol", "a URL outside the clinical system's origin is not sent the token");
    return url;
  };

  async function sendAuthorized(request: Request): Promise<Response> {
    const token = await tokens.token();
    const response = await sendPlain({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
    if (response.status !== 401) return response;
    await response.body?.cancel().catch(() => {});
    const renewed = await tokens.renew(token);
    return sendPlain({ ...request, headers: { ...request.headers, authorization: `Bearer ${renewed}` } });
  }

  /** The body of a 2xx answer as JSON (undefined when empty), or a ClinicalError with the OperationOutcome if any. */
  async function answer(response: Response, request: Request): Promise<unknown> {
    const what = `${request.label}: ${request.method}`;
    const text = await readText(response, what, request.timeoutMs ?? timeoutMs);
    if (response.status >= 300) {
      const outcome = outcomeOfError(parseJson(text));
      throw new ClinicalError("status", `${what} answered ${response.status}`, {
        status: response.status,
        outcome,
        retryAfterMs: retryAfterMs(response.headers.get("retry-after"), clock.now()),
      });
    }
    if (text.trim() === "") return undefined;
    const body = parseJson(text);
    if (body === undefined) throw new ClinicalError("protocol", `${what}: the answer is not JSON`, { status: response.status });
    return body;
  }

  async function getBundle(url: URL, label: string): Promise<Bundle> {
    const request: Request = { method: "GET", url, headers: { accept: FHIR_JSON }, label, idempotent: true };
    const body = await answer(await sendAuthorized(request), request);
    if ((body as Resource | undefined)?.resourceType !== "Bundle") throw new ClinicalError("protocol", `${label}: GET did not answer a Bundle`);
    return body as Bundle;
  }

  const searchUrl = (resourceType: ResourceType, params?: SearchParams): URL =>
    withParams(new URL(checked(resourceType, RESOURCE_TYPE, "resource type"), base), params);

  async function* searchPages(resourceType: ResourceType, params?: SearchParams, { maxPages = 1000 } = {}): AsyncGenerator<Bundle> {
    let url: URL | undefined = searchUrl(resourceType, params);
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url.href) || seen.size >= maxPages) throw new ClinicalError("protocol", `${resourceType}: paging did not end after ${seen.size} pages`);
      seen.add(url.href);
      const page = await getBundle(url, resourceType);
      yield page;
      const next = page.link?.find((l) => l.relation === "next")?.url;
      url = next ? onBase(next) : undefined;
    }
  }

  async function write(request: Request): Promise<WriteResult> {
    const response = await sendAuthorized(request);
    const body = await answer(response, request);
    const location = response.headers.get("location") ?? response.headers.get("content-location");
    const parsed = location ? /\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([^/]+))?\/?$/.exec(new URL(location, base).pathname) : null;
    const etag = response.headers.get("etag");
    return {
      status: response.status,
      location,
      id: parsed?.[1] ?? null,
      versionId: parsed?.[2] ?? /^(?:W\/)?"([^"]*)"$/.exec(etag ?? "")?.[1] ?? null,
      etag,
      resource: (body as Resource | undefined)?.resourceType ? (body as Resource) : undefined,
    };
  }

  return {
    async read<T extends Resource>(resourceType: T["resourceType"], id: string) {
      const url = new URL(`${checked(resourceType, RESOURCE_TYPE, "resource type")}/${checked(id, ID, "id")}`, base);
      const request: Request = { method: "GET", url, headers: { accept: FHIR_JSON }, label: resourceType, idempotent: true };
      const response = await sendAuthorized(request);
      const resource = (await answer(response, request)) as T | undefined;
      if (resource?.resourceType !== resourceType) throw new ClinicalError("protocol", `${resourceType}: GET did not answer a ${resourceType}`);
      return { resource, etag: response.headers.get("etag") };
    },

    search: (resourceType, params) => getBundle(searchUrl(resourceType, params), resourceType),

    searchPages,

    async searchAll(resourceType, params, options) {
      const resources: Resource[] = [];
      for await (const page of searchPages(resourceType, params, options)) {
        for (const entry of page.entry ?? []) if (entry.resource) resources.push(entry.resource);
      }
      return resources;
    },

    create: (resource) =>
      write({
        method: "POST",
        url: new URL(checked(resource.resourceType, RESOURCE_TYPE, "resource type"), base),
        headers: { accept: FHIR_JSON, "content-type": FHIR_JSON },
        body: JSON.stringify(resource),
        label: resource.resourceType,
        idempotent: false,
      }),

    patch: (resourceType, id, operations, { ifMatch }) =>
      write({
        method: "PATCH",
        url: new URL(`${checked(resourceType, RESOURCE_TYPE, "resource type")}/${checked(id, ID, "id")}`, base),
        headers: { accept: FHIR_JSON, "content-type": "application/json-patch+json", "if-match": ifMatch },
        body: JSON.stringify(operations),
        label: resourceType,
        // With If-Match a second PATCH cannot apply: the version has moved on (409/412).
        idempotent: true,
      }),

    async getJson<T>(path: string, params?: SearchParams) {
      const url = withParams(onBase(path), params);
      const request: Request = { method: "GET", url, headers: { accept: "application/json" }, label: "messages", idempotent: true };
      return (await answer(await sendAuthorized(request), request)) as T;
    },

    async postJson<T>(path: string, body: unknown) {
      const request: Request = {
        method: "POST",
        url: onBase(path),
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(body),
        label: "messages",
        idempotent: false,
      };
      const response = await sendAuthorized(request);
      const parsed = (await answer(response, request)) as T | undefined;
      return { status: response.status, location: response.headers.get("location"), body: parsed };
    },

    raw: ({ method, path, headers, body }) =>
      sendAuthorized({ method, url: onBase(path), headers, body, label: labelOf(path), idempotent: method === "GET" }),

    async download(url, { requiresAccessToken, timeoutMs: downloadTimeoutMs }) {
      const first: Request = {
        method: "GET",
        url: requiresAccessToken ? onBase(url) : new URL(url, base),
        headers: { accept: "application/fhir+ndjson" },
        label: "download",
        idempotent: true,
        timeoutMs: downloadTimeoutMs,
      };
      let response = requiresAccessToken ? await sendAuthorized(first) : await sendPlain(first);
      let target = first.url;
      for (let hops = 0; response.status >= 300 && response.status < 400 && response.status !== 304; hops++) {
        const location = response.headers.get("location");
        await response.body?.cancel().catch(() => {});
        if (!location || hops === MAX_REDIRECTS) throw new ClinicalError("protocol", `download: ${location ? "too many redirects" : "a redirect without Location"}`);
        target = new URL(location, target);
        response = await sendPlain({ ...first, url: target, headers: {} });
      }
      if (!response.ok) await answer(response, first);
      return response;
    },
  };
}

function checked(value: string, pattern: RegExp, what: string): string {
  // The value stays out of the message: an id may be a patient's.
  if (!pattern.test(value)) throw new ClinicalError("protocol", `not a FHIR ${what}`);
  return value;
}

function withParams(url: URL, params: SearchParams = []): URL {
  const pairs: (readonly [string, string])[] = isPairs(params)
    ? [...params]
    : Object.entries(params).flatMap(([key, value]) => (typeof value === "string" ? [[key, value] as const] : value.map((v) => [key, v] as const)));
  for (const [key, value] of pairs) url.searchParams.append(key, value);
  return url;
}

function isPairs(params: SearchParams): params is readonly (readonly [string, string])[] {
  return Array.isArray(params);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first segment of a path when it names a resource type (for the log), else what the path is for. */
function labelOf(path: string): string {
  const first = path.replace(/^\/+/, "").split(/[/?]/)[0] ?? "";
  return RESOURCE_TYPE.test(first) ? first : "messages";
}

/**
 * A refusal's body as an OperationOutcome: FHIR's as it is; the Messages API's `{ error, reason }` as one issue whose
 * diagnostics is the reason (the clinical system's words, kept for the citizen's "why"); anything else, none.
 */
function outcomeOfError(body: unknown): OperationOutcome | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { resourceType?: unknown; error?: unknown; reason?: unknown };
  if (b.resourceType === "OperationOutcome") return body as OperationOutcome;
  const reason = typeof b.reason === "string" ? b.reason : typeof b.error === "string" ? b.error : undefined;
  if (!reason) return undefined;
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "processing", diagnostics: reason, ...(typeof b.error === "string" ? { details: { text: b.error } } : {}) }] };
}
