import { randomBytes } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from "jose";

/**
 * SMART Backend Services as Millennium runs it: `client_credentials` with a `private_key_jwt` assertion signed by a
 * key registered beforehand (RS384 or ES384), scopes named one by one, tokens of about 570 s.
 */

export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ALGORITHMS = ["RS384", "ES384"];
/** SMART: the assertion's exp no more than five minutes ahead (a few seconds' leeway for the clocks). */
const MAX_ASSERTION_SECONDS = 300;
const CLOCK_LEEWAY_SECONDS = 5;
const SCOPE = /^system\/([A-Z][A-Za-z]+)\.(read|write)$/;

export interface TokenGrant {
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export type TokenAnswer =
  | { ok: true; body: { access_token: string; token_type: "Bearer"; expires_in: number; scope: string } }
  | { ok: false; status: number; body: { error: string; error_description: string } };

export class TokenIssuer {
  private readonly clients = new Map<string, JWK[]>();
  private readonly tokens = new Map<string, TokenGrant>();
  /** jti → when it may be forgotten (the assertion's exp). */
  private readonly usedJtis = new Map<string, number>();
  issued = 0;

  constructor(
    private readonly tokenUrl: string,
    private readonly accessTokenSeconds: number,
  ) {}

  registerClient(clientId: string, publicJwk: JsonWebKey & { kid?: string; alg?: string }): void {
    if (!clientId) throw new Error("a client id is needed");
    if ("d" in publicJwk) throw new Error("register the public key: this JWK holds a private key");
    if (!publicJwk.kid || !publicJwk.alg || !ALGORITHMS.includes(publicJwk.alg)) throw new Error("the JWK needs a kid and an alg of RS384 or ES384");
    const keys = (this.clients.get(clientId) ?? []).filter((k) => k.kid !== publicJwk.kid);
    this.clients.set(clientId, [...keys, publicJwk as JWK]);
  }

  async token(form: URLSearchParams): Promise<TokenAnswer> {
    const refuse = (error: string, description: string): TokenAnswer => ({ ok: false, status: 400, body: { error, error_description: description } });
    if (form.get("grant_type") !== "client_credentials") return refuse("unsupported_grant_type", "only client_credentials is granted");
    if (form.get("client_assertion_type") !== ASSERTION_TYPE) return refuse("invalid_client", `client_assertion_type must be ${ASSERTION_TYPE}`);
    const assertion = form.get("client_assertion");
    if (!assertion) return refuse("invalid_client", "no client_assertion");

    let clientId: string;
    let kid: string | undefined;
    try {
      const claims = decodeJwt(assertion);
      kid = decodeProtectedHeader(assertion).kid;
      clientId = String(claims.iss ?? "");
    } catch {
      return refuse("invalid_client", "the client_assertion is not a JWT");
    }
    const keys = this.clients.get(clientId);
    if (!keys) return refuse("invalid_client", "unknown client");
    const jwk = kid === undefined ? (keys.length === 1 ? keys[0] : undefined) : keys.find((k) => k.kid === kid);
    if (!jwk) return refuse("invalid_client", "no registered key has the assertion's kid");

    let payload: { exp?: number; jti?: string };
    try {
      const key = await importJWK(jwk, jwk.alg);
      ({ payload } = await jwtVerify(assertion, key, {
        algorithms: ALGORITHMS,
        issuer: clientId,
        subject: clientId,
        audience: this.tokenUrl,
        requiredClaims: ["exp", "jti"],
        clockTolerance: CLOCK_LEEWAY_SECONDS,
      }));
    } catch (error) {
      return refuse("invalid_client", `the client_assertion does not verify: ${error instanceof Error ? error.message : "?"}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp as number;
    if (exp > now + MAX_ASSERTION_SECONDS + CLOCK_LEEWAY_SECONDS) return refuse("invalid_grant", "the assertion's exp is more than 5 minutes ahead");
    for (const [jti, until] of this.usedJtis) if (until < now - CLOCK_LEEWAY_SECONDS) this.usedJtis.delete(jti);
    const jtiKey = `${clientId}\u0000${payload.jti}`;
    if (this.usedJtis.has(jtiKey)) return refuse("invalid_grant", "the assertion's jti was used before");
    this.usedJtis.set(jtiKey, exp);

    const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (requested.length === 0) return refuse("invalid_scope", "no scope asked for");
    const wildcard = requested.find((s) => s.includes("*"));
    if (wildcard) return refuse("invalid_scope", `${wildcard}: no wildcards, name each resource type`);
    const unknown = requested.find((s) => !SCOPE.test(s));
    if (unknown) return refuse("invalid_scope", `${unknown} is not a system scope this server grants`);

    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { clientId, scopes: new Set(requested), expiresAt: Date.now() + this.accessTokenSeconds * 1000 });
    this.issued++;
    return { ok: true, body: { access_token: token, token_type: "Bearer", expires_in: this.accessTokenSeconds, scope: requested.join(" ") } };
  }

  /** The grant of a bearer token, if it is one this server issued and it has not expired. */
  grantOf(authorization: string | undefined): TokenGrant | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) return undefined;
    const grant = this.tokens.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return grant;
  }
}

/** Whether a grant allows reading (or writing) a resource type. */
export function allows(grant: TokenGrant, type: string, access: "read" | "write"): boolean {
  return grant.scopes.has(`system/${type}.${access}`);
}
