import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseSigningKey, type ClinicalSettings } from "./settings.server";

/**
 * For the client's tests: a small clinical system on a loopback port (a token endpoint at /token, everything else
 * handed to the test), and the portal's keys in each form the configuration takes. Real HTTP, no mocked fetch.
 */

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => unknown;

export interface TestServer {
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startTestServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/fhir+json", ...headers }).end(JSON.stringify(body));
}

export interface TestClinicalSystem extends TestServer {
  fhirBase: string;
  tokenUrl: string;
  /** The token requests, parsed. */
  tokenRequests(): URLSearchParams[];
  /** The FHIR (non-token) requests. */
  apiRequests(): RecordedRequest[];
  /** The tokens handed out so far, in order: token-1, token-2 … */
  issued: string[];
}

/**
 * A token endpoint handing out token-1, token-2 … (lasting `expiresIn` seconds, after `tokenDelayMs`), and `api` for
 * the rest, given the bearer token the request carried.
 */
export async function startClinicalSystem(options: {
  api: (request: RecordedRequest, response: ServerResponse, token: string | undefined) => unknown;
  expiresIn?: number;
  tokenDelayMs?: number;
}): Promise<TestClinicalSystem> {
  const issued: string[] = [];
  const server = await startTestServer(async (request, response) => {
    if (request.url === "/token") {
      if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
      const token = `token-${issued.length + 1}`;
      issued.push(token);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token, token_type: "bearer", expires_in: options.expiresIn ?? 570 }));
      return;
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    await options.api(request, response, token);
  });
  return {
    ...server,
    fhirBase: `${server.origin}/fhir`,
    tokenUrl: `${server.origin}/token`,
    tokenRequests: () => server.requests.filter((r) => r.url === "/token").map((r) => new URLSearchParams(r.body)),
    apiRequests: () => server.requests.filter((r) => r.url !== "/token"),
    issued,
  };
}

export type KeyForm = "pem" | "jwk";

/** A private key as the environment would hold it, and its public half to verify with. */
export function testKey(alg: "RS384" | "ES384", form: KeyForm, extra: Record<string, unknown> = {}): { text: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = alg === "RS384" ? rsa() : ec();
  const text =
    form === "pem"
      ? privateKey.export({ format: "pem", type: "pkcs8" }).toString()
      : JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: `portal-${alg.toLowerCase()}`, ...extra });
  return { text, publicKey };
}

let rsaPair: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
let ecPair: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
const rsa = () => (rsaPair ??= generateKeyPairSync("rsa", { modulusLength: 2048 }));
const ec = () => (ecPair ??= generateKeyPairSync("ec", { namedCurve: "P-384" }));

export function settingsFor(system: { fhirBase: string; tokenUrl: string }, overrides: Partial<ClinicalSettings> = {}): ClinicalSettings {
  return {
    fhirBase: system.fhirBase,
    tokenUrl: system.tokenUrl,
    clientId: "portal",
    signingKey: parseSigningKey(testKey("ES384", "jwk").text),
    scopes: ["system/Appointment.read", "system/Appointment.write"],
    timeoutMs: 5000,
    ...overrides,
  };
}

/** A clinical system that production settings can name (production requires one) and nothing reaches: `.invalid`. */
export function unreachableClinicalEnv(): Record<string, string> {
  return {
    CLINICAL_FHIR_BASE: "https://clinical.invalid/r4",
    CLINICAL_TOKEN_URL: "https://clinical.invalid/token",
    CLINICAL_CLIENT_ID: "portal",
    CLINICAL_PRIVATE_KEY: testKey("ES384", "jwk").text,
  };
}

/** A clock that moves only when told, whose sleeps are recorded and return at once. */
export function manualClock(start = Date.UTC(2026, 11, 6, 12, 0, 0)) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
