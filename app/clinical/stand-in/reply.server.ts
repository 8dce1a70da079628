import type { IncomingHttpHeaders } from "node:http";
import type { OperationOutcome } from "@medplum/fhirtypes";
import type { TokenGrant } from "./auth.server";

/** A request as the handlers see it: the path relative to the base (no leading slash), the body read. */
export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  grant?: TokenGrant;
}

/** An answer, made before anything is written to the socket: so that a fault can drop or replace it. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export const FHIR_JSON = "application/fhir+json; charset=utf-8";

export function fhirJson(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": FHIR_JSON, ...headers }, body: JSON.stringify(body) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

export type IssueCode = OperationOutcome["issue"][number]["code"];

const CODES: Record<number, IssueCode> = {
  400: "invalid",
  401: "login",
  403: "forbidden",
  404: "not-found",
  405: "not-supported",
  409: "conflict",
  412: "conflict",
  415: "not-supported",
  422: "business-rule",
  423: "lock-error",
  429: "throttled",
};

export function outcomeOf(status: number, text: string, code?: IssueCode): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code: code ?? CODES[status] ?? (status >= 500 ? "transient" : "processing"), diagnostics: text, details: { text } }],
  };
}

export function outcome(status: number, text: string, headers: Record<string, string> = {}, code?: IssueCode): Reply {
  return fhirJson(status, outcomeOf(status, text, code), headers);
}

export function parseJsonBody(request: StandInRequest): unknown {
  try {
    return JSON.parse(request.body.toString("utf8"));
  } catch {
    return undefined;
  }
}
