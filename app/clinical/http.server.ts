import type { OperationOutcome } from "@medplum/fhirtypes";
import { logger } from "~/utils/logger";

/**
 * One request to the clinical system or its token endpoint, with a timeout and the waits that 429 and 503 ask for.
 * Shared by the token source and the client; it knows nothing of tokens. Redirects are never followed here: the
 * caller decides (a Bulk file's pre-signed URL must not get the Authorization header).
 */

/**
 * - status: the clinical system answered with an error status (its OperationOutcome when it sent one).
 * - timeout, network: no answer, or half of one; the request may or may not have taken effect.
 * - token: no token could be had, so the request never reached the clinical system.
 * - protocol: an answer the client cannot read (not JSON, a `next` link to another host, too many redirects).
 */
export type ClinicalErrorKind = "status" | "timeout" | "network" | "token" | "protocol";

export class ClinicalError extends Error {
  readonly kind: ClinicalErrorKind;
  readonly status?: number;
  readonly outcome?: OperationOutcome;
  /** What the clinical system asked to wait before the next try (429, 503), when it said. */
  readonly retryAfterMs?: number;
  /** The OAuth error of the token endpoint, or the system error code of a failed connection. */
  readonly code?: string;

  constructor(
    kind: ClinicalErrorKind,
    message: string,
    details: { status?: number; outcome?: OperationOutcome; retryAfterMs?: number; code?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ClinicalError";
    this.kind = kind;
    this.status = details.status;
    this.outcome = details.outcome;
    this.retryAfterMs = details.retryAfterMs;
    this.code = details.code;
  }
}

/** Time, injectable so that tests need not wait for token expiry or Retry-After. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryPolicy {
  /** Further tries after a 429 or 503 (so at most 1 + retries requests). */
  retries: number;
  /** A longer Retry-After is not waited for here: the error carries it, for the caller's own schedule. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, maxWaitMs: 30_000 };

export interface SendOptions {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** For the debug log: a resource type, "token", "messages", "download". Never the URL (it holds patient ids). */
  label: string;
  /**
   * Whether a 503 may be sent again. A 429 was refused before any work and always may; a 503 may have come after the
   * write took effect, so only a request that cannot apply twice (a read, a PATCH with If-Match) is repeated.
   */
  idempotent: boolean;
  clock: Clock;
  retry: RetryPolicy;
}

/**
 * The response as it came (any status; the caller reads the body while the same timeout still runs), after waiting
 * out 429 and 503 as far as the policy allows. Throws a ClinicalError of kind timeout or network.
 */
export async function send(options: SendOptions): Promise<Response> {
  const { method, url, clock, retry } = options;
  for (let attempt = 0; ; attempt++) {
    const started = clock.now();
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: options.headers,
        body: options.body,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      logger.debug({ method, target: options.label, error: errorName(error), ms: clock.now() - started }, "clinical request failed");
      throw failure(error, `${options.label}: ${method}`, options.timeoutMs);
    }
    logger.debug({ method, target: options.label, status: response.status, ms: clock.now() - started }, "clinical request");

    const mayRetry = response.status === 429 || (response.status === 503 && options.idempotent);
    if (!mayRetry || attempt >= retry.retries) return response;
    const wait = retryAfterMs(response.headers.get("retry-after"), clock.now()) ?? 1000 * 2 ** attempt;
    if (wait > retry.maxWaitMs) return response;
    await response.body?.cancel().catch(() => {});
    await clock.sleep(wait);
  }
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 10.2.3), in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A timeout or a dropped connection, while sending or while reading the answer, as a ClinicalError. */
export function failure(error: unknown, what: string, timeoutMs: number): ClinicalError {
  if (error instanceof ClinicalError) return error;
  const name = errorName(error);
  if (name === "TimeoutError" || name === "AbortError") {
    return new ClinicalError("timeout", `${what} had no complete answer within ${timeoutMs} ms`, { cause: error });
  }
  const code = systemCode(error);
  return new ClinicalError("network", `${what} failed: ${code ?? name}`, { code, cause: error });
}

/** The body as text, under the request's timeout. */
export async function readText(response: Response, what: string, timeoutMs: number): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw failure(error, what, timeoutMs);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** undici wraps the socket's error: TypeError("fetch failed") with cause { code: "ECONNREFUSED" | "UND_ERR_SOCKET" … }. */
function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
