import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { z } from "zod";
import { ClinicalError, readText, send, type Clock, type RetryPolicy } from "./http.server";
import type { SigningKey } from "./settings.server";

/**
 * The access token of SMART Backend Services: client_credentials, authenticated by a client assertion
 * (private_key_jwt) signed with the portal's key.
 *
 * The token lives in this process's memory only. It is no state of the portal: each process may hold its own, a new
 * process asks for one, and the clinical system counts no tokens. So it is not shared through the database.
 */
export interface TokenSource {
  /** The cached token, or a new one when it is near its end. Callers at the same moment share one request. */
  token(): Promise<string>;
  /**
   * After the clinical system answered 401 to `rejected`: a new token, unless another caller has already replaced it
   * (then that one), so that a burst of 401s costs one token request.
   */
  renew(rejected: string): Promise<string>;
}

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  signingKey: SigningKey;
  scopes: readonly string[];
  timeoutMs: number;
  clock: Clock;
  retry: RetryPolicy;
  /** Renew this long before `expires_in` ends (at most half the token's life). Millennium's tokens last about 570 s. */
  renewBeforeSeconds?: number;
}

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** SMART allows at most 5 minutes; a little less leaves room for the two clocks to differ. */
const ASSERTION_LIFETIME_SECONDS = 240;
/** When the endpoint does not say, as SMART recommends. */
const DEFAULT_EXPIRES_IN_SECONDS = 300;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive().optional(),
});

const tokenErrorResponse = z.object({ error: z.string(), error_description: z.string().optional() });

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { clock } = options;
  const renewBefore = options.renewBeforeSeconds ?? 60;
  let current: { value: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const fresh = () => (current && clock.now() < current.renewAt ? current.value : undefined);

  const refresh = (): Promise<string> => {
    inFlight ??= requestToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  async function requestToken(): Promise<string> {
    const requestedAt = clock.now();
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      scope: options.scopes.join(" "),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(requestedAt),
    });
    let response: Response;
    let text: string;
    try {
      response = await send({
        method: "POST",
        url: new URL(options.tokenUrl),
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        timeoutMs: options.timeoutMs,
        label: "token",
        idempotent: true,
        clock,
        retry: options.retry,
      });
      text = await readText(response, "token: POST", options.timeoutMs);
    } catch (error) {
      const cause = error instanceof ClinicalError ? error : undefined;
      throw new ClinicalError("token", `no access token: ${cause?.message ?? String(error)}`, { code: cause?.code, cause: error });
    }
    const body = parseJson(text);
    if (!response.ok) {
      const refusal = tokenErrorResponse.safeParse(body);
      const said = refusal.success ? `${refusal.data.error}${refusal.data.error_description ? ` (${refusal.data.error_description.slice(0, 200)})` : ""}` : "";
      throw new ClinicalError("token", `the token endpoint answered ${response.status}${said ? `: ${said}` : ""}`, {
        status: response.status,
        code: refusal.success ? refusal.data.error : undefined,
      });
    }
    const granted = tokenResponse.safeParse(body);
    if (!granted.success) throw new ClinicalError("token", "the token endpoint's answer is not a bearer token response", { status: response.status });
    const lifetime = granted.data.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS;
    const margin = Math.min(renewBefore, lifetime / 2);
    current = { value: granted.data.access_token, renewAt: requestedAt + (lifetime - margin) * 1000 };
    return current.value;
  }

  function assertion(now: number): Promise<string> {
    const issuedAt = Math.floor(now / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: options.signingKey.alg, kid: options.signingKey.kid, typ: "JWT" })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience(options.tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .sign(options.signingKey.key);
  }

  return {
    token: async () => fresh() ?? refresh(),
    renew: async (rejected) => {
      if (inFlight) return inFlight;
      const value = fresh();
      if (value !== undefined && value !== rejected) return value;
      current = undefined;
      return refresh();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
