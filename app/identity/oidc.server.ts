import * as client from "openid-client";
import { and, eq, gt } from "drizzle-orm";
import { config } from "~/config.server";
import { safeRedirect } from "~/utils/redirect";
import type { Queryable } from "../../db/connection";
import { loginFlows } from "../../db/schema";
import { admit, recordLoginAttempt, type RefusalReason } from "./admission.server";
import { readCookie, serializeCookie } from "./cookies.server";
import { createSession, hashToken, sessionSettings, sessionToken, type SessionSettings } from "./session.server";

/**
 * The portal as an OpenID Connect relying party: authorization code flow with PKCE, state and nonce. The person is
 * identified by their personnummer in a configurable claim. In production the region's e-ID broker (OIDC_ISSUER);
 * in development the portal's own development identity provider, which registers itself here when it starts.
 */

export interface IdentityProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  personnummerClaim: string;
  /** Plain http to the identity provider: only ever for the development identity provider on loopback. */
  allowInsecureRequests: boolean;
}

const slot = globalThis as typeof globalThis & { __portalDevIdentityProvider?: IdentityProviderSettings };

/** Called by the development identity provider when it starts (the Remix build reads it through globalThis). */
export function registerDevelopmentIdentityProvider(settings: IdentityProviderSettings | undefined): void {
  slot.__portalDevIdentityProvider = settings;
  configurations.clear();
}

export function identityProviderSettings(): IdentityProviderSettings {
  const c = config();
  if (c.OIDC_ISSUER && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET) {
    return {
      issuer: c.OIDC_ISSUER,
      clientId: c.OIDC_CLIENT_ID,
      clientSecret: c.OIDC_CLIENT_SECRET,
      personnummerClaim: c.OIDC_PERSONNUMMER_CLAIM,
      allowInsecureRequests: false,
    };
  }
  const dev = slot.__portalDevIdentityProvider;
  if (!dev) throw new Error("No identity provider: set OIDC_ISSUER, or run in development where the portal starts its own.");
  return dev;
}

const configurations = new Map<string, Promise<client.Configuration>>();

async function clientConfiguration(settings: IdentityProviderSettings): Promise<client.Configuration> {
  const key = `${settings.issuer}|${settings.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    found = client.discovery(
      new URL(settings.issuer),
      settings.clientId,
      { client_secret: settings.clientSecret },
      client.ClientSecretBasic(settings.clientSecret),
      settings.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    configurations.set(key, found);
    // A failed discovery (provider down) is retried at the next login rather than remembered.
    found.catch(() => configurations.delete(key));
  }
  return found;
}

export const LOGIN_FLOW_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = "/auth/callback";

function flowCookieName(settings: Pick<SessionSettings, "secureCookie">): string {
  return settings.secureCookie ? "__Host-login" : "portal_login";
}

export function redirectUri(): string {
  return `${config().publicOrigin}${CALLBACK_PATH}`;
}

/**
 * Starts a login: remembers state, nonce and PKCE verifier server-side (keyed by the state's hash) and binds the flow
 * to this browser with a short-lived cookie holding the state, so a callback URL planted in someone else's browser
 * cannot log them in (login CSRF). Returns where to send the browser.
 */
export async function beginLogin(
  db: Queryable,
  input: { returnTo?: string | null; language?: string; now?: Date },
): Promise<{ authorizationUrl: string; cookie: string }> {
  const now = input.now ?? new Date();
  const settings = identityProviderSettings();
  const configuration = await clientConfiguration(settings);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  await db.insert(loginFlows).values({
    stateHash: hashToken(state),
    codeVerifier,
    nonce,
    returnTo: safeRedirect(input.returnTo ?? "/", "/"),
    createdAt: now,
    expiresAt: new Date(now.getTime() + LOGIN_FLOW_TTL_MS),
  });
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri(),
    scope: "openid profile",
    response_type: "code",
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    // Every login is a fresh e-ID identification, never a silent one from an earlier session at the provider.
    prompt: "login",
    ...(input.language ? { ui_locales: input.language } : {}),
  });
  const cookie = serializeCookie(flowCookieName(sessionSettings()), state, {
    secure: sessionSettings().secureCookie,
    maxAge: LOGIN_FLOW_TTL_MS / 1000,
  });
  return { authorizationUrl: url.href, cookie };
}

export type LoginResult =
  | { outcome: "admitted"; personId: string; sessionId: string; returnTo: string; cookies: string[] }
  | { outcome: "refused"; reason: RefusalReason; cookies: string[] }
  /** The person cancelled at the identity provider, or the flow was stale or tampered with: start again. */
  | { outcome: "failed"; reason: "cancelled" | "expired" | "provider_error"; cookies: string[] };

/**
 * Finishes a login at the callback: checks the flow belongs to this browser and is fresh, exchanges the code (PKCE,
 * state and nonce checked), reads the personnummer claim, decides admission, logs the attempt and, when admitted,
 * starts a session under a new id.
 */
export async function completeLogin(db: Queryable, request: Request, options: { now?: Date } = {}): Promise<LoginResult> {
  const now = options.now ?? new Date();
  const sessions = sessionSettings();
  const clearFlow = serializeCookie(flowCookieName(sessions), "", { secure: sessions.secureCookie, maxAge: 0 });
  const params = new URL(request.url).searchParams;
  const state = params.get("state");
  const boundState = readCookie(request, flowCookieName(sessions));

  // One use only: the flow row is removed whatever happens next.
  const flow =
    state && boundState === state
      ? (
          await db
            .delete(loginFlows)
            .where(and(eq(loginFlows.stateHash, hashToken(state)), gt(loginFlows.expiresAt, now)))
            .returning()
        )[0]
      : undefined;

  if (params.get("error") === "access_denied") {
    return { outcome: "failed", reason: "cancelled", cookies: [clearFlow] };
  }
  if (!flow || !state) {
    await recordLoginAttempt(db, { personId: null, outcome: "failed", reason: "expired", now });
    return { outcome: "failed", reason: "expired", cookies: [clearFlow] };
  }

  const settings = identityProviderSettings();
  let claims: Record<string, unknown>;
  try {
    const configuration = await clientConfiguration(settings);
    // The callback URL as the identity provider saw it, whatever host header a proxy passed on.
    const callbackUrl = new URL(`${redirectUri()}?${params.toString()}`);
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    claims = { ...idToken };
    if (claims[settings.personnummerClaim] === undefined && tokens.access_token && idToken) {
      claims = { ...claims, ...(await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub)) };
    }
  } catch (error) {
    // The reason is logged for operations; it names no person.
    const reason = error instanceof Error ? `provider_error: ${error.name}` : "provider_error";
    await recordLoginAttempt(db, { personId: null, outcome: "failed", reason, now });
    return { outcome: "failed", reason: "provider_error", cookies: [clearFlow] };
  }

  const admission = await admit(db, claims[settings.personnummerClaim], now);
  if (!admission.admitted) {
    await recordLoginAttempt(db, { personId: admission.personId, outcome: "refused", reason: admission.reason, now });
    return { outcome: "refused", reason: admission.reason, cookies: [clearFlow] };
  }
  const session = await createSession(
    db,
    {
      personId: admission.personId,
      userAgent: request.headers.get("User-Agent"),
      previousToken: sessionToken(request, sessions),
      now,
    },
    sessions,
  );
  await recordLoginAttempt(db, { personId: admission.personId, outcome: "admitted", now });
  return {
    outcome: "admitted",
    personId: admission.personId,
    sessionId: session.sessionId,
    returnTo: safeRedirect(flow.returnTo, "/"),
    cookies: [clearFlow, session.cookie],
  };
}
