import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeNow, listenOn } from "~/utils/loopback.server";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { isLanguage, type Language } from "~/i18n/config";
import { i18nFor } from "~/i18n/i18next.server";
import type { Queryable } from "../../../db/connection";
import { parseIdentityNumber } from "../admission.server";
import { CALLBACK_PATH, type IdentityProviderSettings } from "../oidc.server";
import { DevProviderAdapter } from "./adapter.server";
import { findCastMember, listCast } from "./cast.server";
import { errorPage, loginPage, stylesheet } from "./pages.server";

/**
 * The development identity provider: a real OpenID Connect provider (oidc-provider) on loopback, whose login page
 * lists the people in the read model and lets one be chosen, like a test e-ID. It lets anyone log in as anyone, so it
 * refuses to start in production. PKCE is required, the portal is its only client, and the signing key is made at
 * start and lives only as long as the process.
 */

export interface DevIdentityProviderOptions {
  /** The database the people are listed from (a function, so it is read when a page is shown). */
  db: () => Queryable;
  /** 0 picks a free port (tests). */
  port: number;
  portalOrigin: string;
  personnummerClaim: string;
  nodeEnv: string;
}

export interface DevIdentityProvider {
  settings: IdentityProviderSettings;
  port: number;
  stop(): Promise<void>;
}

export class DevIdentityProviderInProductionError extends Error {
  constructor() {
    super(
      "The development identity provider lets anyone log in as anyone and never runs with NODE_ENV=production. " +
        "Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET to the region's e-ID broker.",
    );
    this.name = "DevIdentityProviderInProductionError";
  }
}

const MAX_BODY_BYTES = 8 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function languageOf(value: unknown, fallback: Language = "sv"): Language {
  if (typeof value !== "string") return fallback;
  const first = value.split(/\s+/)[0]?.slice(0, 2);
  return isLanguage(first) ? first : fallback;
}


export async function startDevelopmentIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  if (options.nodeEnv === "production") throw new DevIdentityProviderInProductionError();

  const clientId = "citizen-portal-dev";
  const clientSecret = randomBytes(32).toString("base64url");
  const claim = options.personnummerClaim;
  const portalOrigin = new URL(options.portalOrigin).origin;

  const pageHeaders = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    // Forms post here and are redirected on to the portal's callback: both must be allowed as form targets.
    "Content-Security-Policy": `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${portalOrigin}; frame-ancestors 'none'; base-uri 'none'`,
  };

  // The provider needs the issuer, which needs the port, which is known only once the server listens.
  const state: { provider?: Provider; callback?: (req: IncomingMessage, res: ServerResponse) => void } = {};

  const send = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, pageHeaders);
    res.end(html);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/dev-idp.css") {
      res.writeHead(200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff" });
      res.end(stylesheet);
      return;
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    const provider = state.provider;
    if (!match || !provider) {
      if (state.callback) return state.callback(req, res);
      res.writeHead(503).end();
      return;
    }
    const step = match[2];
    let interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch {
      const lng = languageOf(url.searchParams.get("lng"));
      return send(res, 400, errorPage({ lng, t: i18nFor(lng).getFixedT(lng, "dev-idp"), portalOrigin }));
    }
    if (interaction.uid !== match[1]) return send(res, 400, errorPage({ lng: "sv", t: i18nFor("sv").getFixedT("sv", "dev-idp"), portalOrigin }));

    if (req.method === "GET" && !step) {
      const lng = languageOf(url.searchParams.get("lng") ?? interaction.params.ui_locales);
      const t = i18nFor(lng).getFixedT(lng, "dev-idp");
      const cast = await listCast(options.db());
      return send(res, 200, loginPage({ lng, otherLng: lng === "sv" ? "en" : "sv", uid: interaction.uid, cast, t }));
    }
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "GET, POST" }).end();
      return;
    }
    const form = await readForm(req);
    if (step === "abort") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The person cancelled the login." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (step === "login") {
      const entered = form.get("personnummer") ?? "";
      const number = parseIdentityNumber(entered);
      if (!number || number.kind !== "personnummer") {
        const lng = languageOf(form.get("lng") ?? interaction.params.ui_locales);
        const t = i18nFor(lng).getFixedT(lng, "dev-idp");
        const cast = await listCast(options.db());
        return send(
          res,
          422,
          loginPage({ lng, otherLng: lng === "sv" ? "en" : "sv", uid: interaction.uid, cast, t, invalid: true, enteredPersonnummer: entered.slice(0, 20) }),
        );
      }
      await provider.interactionFinished(req, res, { login: { accountId: number.value } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(404).end();
  };

  const servers = [createServer((req, res) => void handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, errorPage({ lng: "sv", t: i18nFor("sv").getFixedT("sv", "dev-idp"), portalOrigin }));
    else res.end();
  }))];
  const port = await listenOn(servers[0]!, options.port, "127.0.0.1");
  // Browsers may resolve localhost to ::1 first: listen there too when the machine has IPv6 loopback.
  const v6 = createServer(servers[0]!.listeners("request")[0] as (req: IncomingMessage, res: ServerResponse) => void);
  try {
    await listenOn(v6, port, "::1");
    servers.push(v6);
  } catch {
    // No IPv6 loopback here: IPv4 is enough.
  }

  const issuer = `http://localhost:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };

  const provider = new Provider(issuer, {
    adapter: DevProviderAdapter,
    // No provider sessions (see the adapter), so codes and tokens cannot be tied to one.
    expiresWithSession: () => false,
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${portalOrigin}${CALLBACK_PATH}`],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    pkce: { required: () => true },
    scopes: ["openid", "profile"],
    claims: { openid: ["sub"], profile: ["name", "given_name", "family_name", claim] },
    // The personnummer travels in the ID token, as the region's broker sends it.
    conformIdTokenClaims: false,
    ttl: { AuthorizationCode: 60, AccessToken: 300, IdToken: 300, Interaction: 600, Session: 600, Grant: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => {
        const person = await findCastMember(options.db(), sub);
        const name = person ? [person.givenName, person.familyName].filter(Boolean).join(" ") : "";
        return {
          sub,
          [claim]: sub,
          ...(person?.givenName ? { given_name: person.givenName } : {}),
          ...(person?.familyName ? { family_name: person.familyName } : {}),
          ...(name ? { name } : {}),
        };
      },
    }),
    // The portal is the only client and a test e-ID asks nobody for consent: grant it the scopes on first use.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const clientIdOf = ctx.oidc.client?.clientId;
      const accountId = ctx.oidc.session?.accountId;
      if (!clientIdOf || !accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(clientIdOf);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing && existing.accountId === accountId && existing.clientId === clientIdOf) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: clientIdOf, accountId });
      grant.addOIDCScope("openid profile");
      grant.addOIDCClaims([claim]);
      await grant.save();
      return grant;
    },
    renderError: (ctx) => {
      ctx.type = "html";
      ctx.set("Content-Security-Policy", pageHeaders["Content-Security-Policy"]);
      ctx.body = errorPage({ lng: "sv", t: i18nFor("sv").getFixedT("sv", "dev-idp"), portalOrigin });
    },
  });
  state.provider = provider;
  state.callback = provider.callback();

  return {
    port,
    settings: { issuer, clientId, clientSecret, personnummerClaim: claim, allowInsecureRequests: true },
    stop: async () => {
      await Promise.all(servers.map((server) => closeNow(server)));
    },
  };
}
