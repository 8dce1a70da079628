import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";
import { setDatabase } from "../../db/connection";
import { loginAttempts } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { startDevelopmentIdentityProvider, DevIdentityProviderInProductionError, type DevIdentityProvider } from "./dev-idp/provider.server";
import { beginLogin, completeLogin, registerDevelopmentIdentityProvider } from "./oidc.server";
import { resolveSession } from "./session.server";
import { createGuardianship, createPerson, testPersonnummer } from "./test-factories";

/**
 * The whole login through the development identity provider, with this test as the browser: the portal's
 * authorization request, the provider's login page, the choice of a person, the redirect back and the callback.
 */
const PORTAL = "http://localhost:3299";
// config() is read lazily, at the first login below; the previous value is put back when this file is done.
const previousOrigin = process.env.PUBLIC_ORIGIN;
process.env.PUBLIC_ORIGIN = PORTAL;

let db: TestDatabase;
let idp: DevIdentityProvider;
const people = {} as Record<"anna" | "ella" | "gustav", { id: string; personnummer: string | null }>;

/** A minimal browser: a cookie jar per host and manual redirects. */
class Browser {
  private jar = new Map<string, Map<string, string>>();
  private cookieHeader(url: URL): string {
    return [...(this.jar.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  private store(url: URL, response: Response) {
    const cookies = this.jar.get(url.host) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header)) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.host, cookies);
  }
  setCookie(host: string, name: string, value: string) {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }
  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }
  async fetch(href: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(href);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(url, response);
    return response;
  }
  /** Follows redirects on the identity provider until one leaves it for the portal; returns that URL. */
  async followToPortal(response: Response, base: string): Promise<URL> {
    let current = response;
    for (let i = 0; i < 10; i++) {
      const location = current.headers.get("Location");
      if (!location) throw new Error(`expected a redirect, got ${current.status}: ${await current.text()}`);
      const next = new URL(location, base);
      if (next.origin === PORTAL) return next;
      current = await this.fetch(next.href);
    }
    throw new Error("too many redirects");
  }
  /** The portal's callback request, as the browser would send it with its portal cookies. */
  portalRequest(url: URL): Request {
    return new Request(url, { headers: { Cookie: this.cookieHeader(url), "User-Agent": "vitest" } });
  }
}

/** Starts a login in the portal and arrives at the identity provider's login page. */
async function startLogin(browser: Browser, language = "sv") {
  const started = await beginLogin(db.db, { returnTo: "/record/results", language });
  const [pair] = started.cookie.split(";");
  const [name, value] = pair!.split("=");
  browser.setCookie(new URL(PORTAL).host, name!, value!);
  const authorization = await browser.fetch(started.authorizationUrl);
  expect(authorization.status).toBe(303);
  const interactionUrl = new URL(authorization.headers.get("Location")!, idp.settings.issuer);
  const page = await browser.fetch(interactionUrl.href);
  expect(page.status).toBe(200);
  return { interactionUrl, html: await page.text(), authorizationUrl: started.authorizationUrl };
}

async function choose(browser: Browser, interactionUrl: URL, personnummer: string) {
  const response = await browser.fetch(`${interactionUrl.href}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ personnummer, lng: "sv" }).toString(),
  });
  return response;
}

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  people.anna = await createPerson(db.db, { givenName: "Anna", familyName: "Andersson", birthDate: "1985-04-02" });
  people.ella = await createPerson(db.db, { givenName: "Ella", familyName: "Andersson", birthDate: "2020-11-20" });
  // Given a demo cast id (app/feed/demo/cast.ts), so the provider's page lists him first.
  people.gustav = await createPerson(db.db, { id: "10000015", givenName: "Gustav", familyName: "Ek", birthDate: "1940-05-05", deceased: true });
  await createGuardianship(db.db, { childPersonId: people.ella.id, guardianPersonId: people.anna.id });
  idp = await startDevelopmentIdentityProvider({
    db: () => db.db,
    port: 0,
    portalOrigin: PORTAL,
    personnummerClaim: "personal_identity_number",
    nodeEnv: "test",
  });
  registerDevelopmentIdentityProvider(idp.settings);
});

afterAll(async () => {
  if (previousOrigin === undefined) delete process.env.PUBLIC_ORIGIN;
  else process.env.PUBLIC_ORIGIN = previousOrigin;
  registerDevelopmentIdentityProvider(undefined);
  await idp?.stop();
  setDatabase(undefined);
  await db?.destroy();
});

describe("login through the development identity provider", () => {
  it("asks for the code flow with PKCE (S256), state, nonce and the portal's language", async () => {
    const { authorizationUrl } = await beginLogin(db.db, { returnTo: "/", language: "en" });
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(idp.settings.issuer);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(url.searchParams.get("nonce")).toBeTruthy();
    expect(url.searchParams.get("ui_locales")).toBe("en");
    expect(url.searchParams.get("redirect_uri")).toBe(`${PORTAL}/auth/callback`);
  });

  it("lists the people with a note, in the portal's language, without scripts", async () => {
    const browser = new Browser();
    const { html } = await startLogin(browser, "en");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Log in as Anna Andersson");
    expect(html).toMatch(/\d+ years, guardian of one child \(\d years\)/);
    expect(html).toContain("deceased, account closed");
    expect(html.indexOf("Log in as Gustav Ek")).toBeLessThan(html.indexOf("Log in as Anna Andersson"));
    expect(html).toContain(`${people.anna.personnummer!.slice(0, 8)}-${people.anna.personnummer!.slice(8)}`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/style=/i);
  });

  it("logs in a living adult: a new session, back to the page asked for, and the attempt logged", async () => {
    const browser = new Browser();
    browser.setCookie(new URL(PORTAL).host, "portal_session", "planted-before-login-0123456789abcdefghijk");
    const { interactionUrl } = await startLogin(browser);
    const callback = await browser.followToPortal(await choose(browser, interactionUrl, people.anna.personnummer!), idp.settings.issuer);
    expect(callback.pathname).toBe("/auth/callback");
    expect(callback.searchParams.get("code")).toBeTruthy();

    const result = await completeLogin(db.db, browser.portalRequest(callback));
    expect(result).toMatchObject({ outcome: "admitted", personId: people.anna.id, returnTo: "/record/results" });
    if (result.outcome !== "admitted") return;
    const sessionCookie = result.cookies.find((c) => c.startsWith("portal_session="))!;
    const token = sessionCookie.split(";")[0]!.split("=")[1]!;
    expect(token).not.toBe("planted-before-login-0123456789abcdefghijk");
    expect(sessionCookie).toContain("HttpOnly");
    expect(sessionCookie).toContain("SameSite=Lax");
    expect((await resolveSession(db.db, token))?.personId).toBe(people.anna.id);
    expect(result.cookies.some((c) => /^portal_login=;.*Max-Age=0/.test(c))).toBe(true);

    const [attempt] = await db.db.select().from(loginAttempts).orderBy(desc(loginAttempts.id)).limit(1);
    expect(attempt).toMatchObject({ personId: people.anna.id, outcome: "admitted" });

    // The callback URL is good once only.
    expect(await completeLogin(db.db, browser.portalRequest(callback))).toMatchObject({ outcome: "failed", reason: "expired" });
  });

  it("the same browser can log in again as someone else (a new e-ID identification every time)", async () => {
    const browser = new Browser();
    for (const who of [people.anna, people.gustav, people.anna]) {
      const { interactionUrl } = await startLogin(browser);
      const callback = await browser.followToPortal(await choose(browser, interactionUrl, who.personnummer!), idp.settings.issuer);
      const result = await completeLogin(db.db, browser.portalRequest(callback));
      expect(result.outcome === "admitted" ? result.personId : result.outcome).toBe(who === people.anna ? people.anna.id : "refused");
    }
  });

  it("refuses a deceased person and a child, and logs each attempt with the reason", async () => {
    for (const [who, reason] of [
      [people.gustav, "deceased"],
      [people.ella, "under_13"],
    ] as const) {
      const browser = new Browser();
      const { interactionUrl } = await startLogin(browser);
      const callback = await browser.followToPortal(await choose(browser, interactionUrl, who.personnummer!), idp.settings.issuer);
      expect(await completeLogin(db.db, browser.portalRequest(callback))).toMatchObject({ outcome: "refused", reason });
      const [attempt] = await db.db.select().from(loginAttempts).orderBy(desc(loginAttempts.id)).limit(1);
      expect(attempt).toMatchObject({ personId: who.id, outcome: "refused", reason });
    }
  });

  it("refuses someone unknown to the read model", async () => {
    const browser = new Browser();
    const { interactionUrl } = await startLogin(browser);
    const callback = await browser.followToPortal(await choose(browser, interactionUrl, testPersonnummer("1961-06-06", 998)), idp.settings.issuer);
    expect(await completeLogin(db.db, browser.portalRequest(callback))).toMatchObject({ outcome: "refused", reason: "unknown_person" });
    const [attempt] = await db.db.select().from(loginAttempts).orderBy(desc(loginAttempts.id)).limit(1);
    expect(attempt).toMatchObject({ personId: null, outcome: "refused", reason: "unknown_person" });
  });

  it("the provider's page rejects a malformed personnummer next to the field", async () => {
    const browser = new Browser();
    const { interactionUrl } = await startLogin(browser);
    const response = await choose(browser, interactionUrl, "19850402-0000");
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain("Skriv ett giltigt personnummer");
  });

  it("a cancelled login comes back as cancelled", async () => {
    const browser = new Browser();
    const { interactionUrl } = await startLogin(browser);
    const aborted = await browser.fetch(`${interactionUrl.href}/abort`, { method: "POST" });
    const callback = await browser.followToPortal(aborted, idp.settings.issuer);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(await completeLogin(db.db, browser.portalRequest(callback))).toMatchObject({ outcome: "failed", reason: "cancelled" });
  });

  it("a callback in a browser that did not start the login is refused (login CSRF)", async () => {
    const attacker = new Browser();
    const { interactionUrl } = await startLogin(attacker);
    const callback = await attacker.followToPortal(await choose(attacker, interactionUrl, people.anna.personnummer!), idp.settings.issuer);
    const victim = new Browser();
    expect(await completeLogin(db.db, victim.portalRequest(callback))).toMatchObject({ outcome: "failed", reason: "expired" });
  });

  it("the provider requires PKCE", async () => {
    const { authorizationUrl } = await beginLogin(db.db, { returnTo: "/" });
    const url = new URL(authorizationUrl);
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const response = await fetch(url, { redirect: "manual" });
    const location = new URL(response.headers.get("Location")!, idp.settings.issuer);
    expect(location.origin).toBe(PORTAL);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("code")).toBeNull();
  });
});

describe("never in production", () => {
  it("the portal refuses to start with NODE_ENV=production and no OIDC_ISSUER, and says why", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    try {
      parseConfig({ NODE_ENV: "production" });
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toMatch(/OIDC_ISSUER is required in production/);
    }
  });
  it("the development identity provider itself refuses to start in production", async () => {
    await expect(
      startDevelopmentIdentityProvider({ db: () => db.db, port: 0, portalOrigin: PORTAL, personnummerClaim: "pnr", nodeEnv: "production" }),
    ).rejects.toBeInstanceOf(DevIdentityProviderInProductionError);
  });
});
