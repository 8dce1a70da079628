import { request as httpRequest } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuardianship, createPerson } from "~/identity/test-factories";
import { createCareUnit, createEntry } from "~/record/test-factories";
import { OFF_SITE_TARGETS } from "~/utils/off-site-targets";
import { CONTROL } from "./edge";
import { startTestPortal, TEST_ORIGIN, type TestPortal } from "./test-portal";
import { unreachableClinicalEnv } from "~/clinical/test-clinical-system";
import { unreachableNotificationEnv } from "~/notifications/test-notifications";

/**
 * What an attacker or a careless client sends, against the whole portal over HTTP: targets that try to redirect
 * off-site, malformed addresses and bodies, paths that dress up as the feed's, and arbitrary text in every parameter
 * and form field of every route. None may answer 5xx, show a stack trace or SQL, or send the browser elsewhere.
 */

const DAY = 86_400_000;
let portal: TestPortal;
let productionBase: string;
let guardian: string;
let child: string;

beforeAll(async () => {
  portal = await startTestPortal({ NODE_ENV: "development", RATE_LIMIT_FORM_POSTS_PER_MINUTE: "1000000", RATE_LIMIT_LOGINS_PER_10_MINUTES: "1000000" });
  productionBase = await portal.another({
    NODE_ENV: "production",
    OIDC_ISSUER: "https://idp.invalid",
    OIDC_CLIENT_ID: "portal",
    OIDC_CLIENT_SECRET: "secret",
    ...unreachableClinicalEnv(),
    ...unreachableNotificationEnv(),
    RATE_LIMIT_FORM_POSTS_PER_MINUTE: "1000000",
    RATE_LIMIT_LOGINS_PER_10_MINUTES: "1000000",
  });
  const db = portal.database.db;
  guardian = (await createPerson(db, { givenName: "Anna", birthDate: "1985-04-02" })).id;
  const fiveYearsAgo = new Date(Date.now() - 5 * 365 * DAY).toISOString().slice(0, 10);
  child = (await createPerson(db, { givenName: "Elsa", birthDate: fiveYearsAgo })).id;
  await createGuardianship(db, { childPersonId: child, guardianPersonId: guardian });
  const unit = await createCareUnit(db, { name: "Vårdcentralen", providerKind: "region" });
  for (const [section, title] of [["results", "B-HbA1c"], ["notes", "Besök"], ["diagnoses", "Astma"], ["medications", "Salbutamol"]] as const) {
    await createEntry(db, { personId: guardian, section, occurredAt: new Date(Date.now() - 30 * DAY), careUnitId: unit, title, code: "59261-8", valueNumber: 50 });
  }
});

afterAll(async () => {
  await portal?.close();
});

/** A stack frame, a source path, or SQL: what no answer may show. */
function leaks(body: string): string | null {
  const patterns = [
    /\bat [\w$.<>]+ \(/,
    /\bat .+:\d+:\d+/,
    /\.tsx?:\d+/,
    /node_modules/,
    /SQLSTATE|syntax error at|invalid byte sequence|DrizzleQueryError|PostgresError/i,
    /\b(select|insert|update|delete)\b[^<>]{0,200}\b(from|into|set|where)\b/i,
  ];
  return patterns.find((p) => p.test(body))?.source ?? null;
}

interface Sent {
  status: number;
  location: string | null;
  body: string;
}

/** A request sent as it is written (fetch would normalise the path first). */
function raw(base: string, method: string, target: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Sent> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const form = (cookie: string, extra: Record<string, string> = {}) => ({
  Cookie: cookie,
  Origin: TEST_ORIGIN,
  "Content-Type": "application/x-www-form-urlencoded",
  ...extra,
});

function encodeForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Control characters never reach a route: the edge answers 400 for them (app/server/edge.ts). */
const refusedAtTheEdge = (target: string) => CONTROL.test(target);

function expectStaysOnSite(where: string | null) {
  expect(where).not.toBeNull();
  expect(new URL(where!, TEST_ORIGIN).origin).toBe(TEST_ORIGIN);
}

describe("redirects stay on the portal", () => {
  it.each(OFF_SITE_TARGETS)("returnTo %j: the login page's Continue link", async (target) => {
    const cookie = await portal.loginAs(guardian);
    const page = await raw(portal.base, "GET", `/login?returnTo=${encodeURIComponent(target)}`, { Cookie: cookie });
    if (refusedAtTheEdge(target)) return void expect(page.status).toBe(400);
    expect(page.status).toBe(200);
    const continueLink = /<a class="button button--primary"[^>]* href="([^"]*)"/.exec(page.body)?.[1];
    expectStaysOnSite(continueLink ?? null);
    expect(continueLink!).toMatch(/^\/(?![/\\])/);
  });

  it.each(OFF_SITE_TARGETS)("returnTo %j: the language switch, the new-entries choice and the acting-for switch", async (target) => {
    const cookie = await portal.loginAs(guardian);
    const posts = [
      ["/language", { lng: "en", returnTo: target }],
      ["/login/new-entries", { show: "all", returnTo: target }],
      ["/acting-for", { subject: guardian, returnTo: target }],
    ] as const;
    for (const [path, fields] of posts) {
      const answer = await raw(portal.base, "POST", path, form(cookie), encodeForm(fields));
      if (refusedAtTheEdge(target)) {
        expect(answer.status, path).toBe(400);
        continue;
      }
      expect(answer.status, path).toBe(303);
      expectStaysOnSite(answer.location);
      expect(answer.location!, path).toMatch(/^\/(?![/\\])/);
    }
  });
});

describe("malformed requests get a 4xx page a person can act on, in development and production mode", () => {
  const cases: { name: string; method: string; target: string; headers?: (cookie: string) => Record<string, string>; body?: Buffer | string; status: number }[] = [
    { name: "a NUL in a search", method: "GET", target: "/record/notes?q=%00", status: 400 },
    { name: "a NUL in a filter date", method: "GET", target: "/access-log?from=2026-01-01%00", status: 400 },
    { name: "invalid UTF-8 in a result code", method: "GET", target: "/record/results/%FF%FE", status: 400 },
    { name: "a NUL in a result code", method: "GET", target: "/record/results/%00", status: 400 },
    { name: "broken percent-encoding", method: "GET", target: "/record/notes?q=%E0%A4%A", status: 400 },
    { name: "an overlong UTF-8 slash", method: "GET", target: "/record/%C0%AFnotes", status: 400 },
    { name: "a UTF-8-encoded surrogate", method: "GET", target: "/record/notes?q=%ED%A0%80", status: 400 },
    { name: "a protocol-relative path", method: "GET", target: "//evil.example/", status: 400 },
    { name: "dot segments", method: "GET", target: "/record/../sessions", status: 400 },
    { name: "a backslash", method: "GET", target: "/record\\notes", status: 400 },
    { name: "an absolute-form target", method: "GET", target: "http://evil.example/record", status: 400 },
    { name: "a NUL in a form field", method: "POST", target: "/language", headers: form, body: "lng=sv&returnTo=%2F%00", status: 400 },
    { name: "a raw control byte in a form body", method: "POST", target: "/language", headers: form, body: "lng=sv\u0001", status: 400 },
    { name: "invalid UTF-8 in a form body", method: "POST", target: "/language", headers: form, body: Buffer.from([0x6c, 0x6e, 0x67, 0x3d, 0xff, 0xfe]), status: 400 },
    { name: "a JSON body to a form route", method: "POST", target: "/acting-for", headers: (c) => form(c, { "Content-Type": "application/json" }), body: '{"subject":"x"}', status: 415 },
    {
      name: "a multipart body to a form route",
      method: "POST",
      target: "/sessions",
      headers: (c) => form(c, { "Content-Type": "multipart/form-data; boundary=x" }),
      body: '--x\r\nContent-Disposition: form-data; name="intent"\r\n\r\nend-others\r\n--x--\r\n',
      status: 415,
    },
    { name: "a form post without a body or its type", method: "POST", target: "/logout", headers: (c) => ({ Cookie: c, Origin: TEST_ORIGIN }), status: 415 },
    { name: "a form body over the limit", method: "POST", target: "/language", headers: form, body: `lng=sv&returnTo=${"a".repeat(70_000)}`, status: 413 },
    { name: "a POST whose Origin is another site's (and Host agrees with it)", method: "POST", target: "/logout", headers: (c) => form(c, { Origin: "http://evil.example", Host: "evil.example" }), body: "", status: 403 },
    { name: "a dressed-up machine path, without an Origin", method: "POST", target: "/api/fhir/../../logout", headers: (c) => ({ Cookie: c, "Content-Type": "application/x-www-form-urlencoded" }), body: "", status: 400 },
    { name: "a machine path with encoded dot segments", method: "POST", target: "/api/fhir/feed/%2e%2e/%2e%2e/logout", headers: (c) => ({ Cookie: c }), body: "", status: 400 },
    { name: "a path below the machine path, without an Origin", method: "POST", target: "/api/fhir/feed/x", headers: (c) => ({ Cookie: c, "Content-Type": "application/x-www-form-urlencoded" }), body: "", status: 403 },
  ];

  for (const mode of ["development", "production"] as const) {
    it.each(cases)(`${mode}: $name → $status`, async ({ method, target, headers, body, status }) => {
      const cookie = await portal.loginAs(guardian);
      const base = mode === "production" ? productionBase : portal.base;
      const answer = await raw(base, method, target, headers ? headers(cookie) : { Cookie: cookie }, body);
      expect(answer.status).toBe(status);
      expect(leaks(answer.body)).toBeNull();
      expect(answer.body).toMatch(/<h1>[^<]+<\/h1>/);
      expect(answer.body).toContain('href="/"');
    });
  }

  it("a POST whose Host disagrees with its (the portal's own) Origin is judged by the configured origin: no 5xx", async () => {
    const cookie = await portal.loginAs(guardian);
    const answer = await raw(portal.base, "POST", "/acting-for", form(cookie, { Host: "other.example" }), encodeForm({ subject: child, returnTo: "/record" }));
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/record");
  });

  it("answers in the reader's language", async () => {
    const en = await raw(portal.base, "GET", "/record/notes?q=%00", { "Accept-Language": "en" });
    expect(en.body).toContain('<html lang="en"');
    expect(en.body).toContain("Bad request");
    const sv = await raw(portal.base, "GET", "/record/notes?q=%00", { "Accept-Language": "sv" });
    expect(sv.body).toContain('<html lang="sv"');
    expect(sv.body).toContain("Felaktig begäran");
  });
});

describe("headers are sent once", () => {
  it("the record download has one Cache-Control and one X-Content-Type-Options", async () => {
    const cookie = await portal.loginAs(guardian);
    const headers = await new Promise<string[]>((resolve, reject) => {
      const url = new URL(portal.base);
      httpRequest({ host: url.hostname, port: url.port, path: "/record/export.json", headers: { Cookie: cookie } }, (res) => {
        res.resume();
        resolve(res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()));
      })
        .on("error", reject)
        .end();
    });
    for (const name of ["cache-control", "x-content-type-options", "content-type"]) {
      expect(headers.filter((h) => h === name), name).toHaveLength(1);
    }
  });
});

interface RouteSpec {
  method: "GET" | "POST";
  /** The path; ":code" is filled with generated text too. */
  path: string;
  fields: string[];
}

const SECTIONS = ["notes", "results", "diagnoses", "medications", "vaccinations", "allergies", "care-contacts", "referrals"];
const FILTERS = ["from", "to", "provider", "q", "status", "page"];

const ROUTES: RouteSpec[] = [
  { method: "GET", path: "/", fields: ["lng"] },
  { method: "GET", path: "/login", fields: ["returnTo", "error", "lng"] },
  { method: "GET", path: "/login/refused", fields: ["reason"] },
  { method: "GET", path: "/login/new-entries", fields: ["returnTo"] },
  { method: "POST", path: "/login/new-entries", fields: ["show", "returnTo"] },
  { method: "GET", path: "/logout", fields: [] },
  { method: "POST", path: "/logout", fields: ["x"] },
  { method: "POST", path: "/language", fields: ["lng", "returnTo"] },
  { method: "GET", path: "/acting-for", fields: [] },
  { method: "POST", path: "/acting-for", fields: ["subject", "returnTo"] },
  { method: "GET", path: "/sessions", fields: ["ended"] },
  { method: "POST", path: "/sessions", fields: ["intent", "sessionId"] },
  { method: "GET", path: "/access-log", fields: ["from", "to", "page"] },
  { method: "GET", path: "/accessibility", fields: [] },
  { method: "GET", path: "/record", fields: ["page"] },
  ...SECTIONS.map((s): RouteSpec => ({ method: "GET", path: `/record/${s}`, fields: FILTERS })),
  { method: "GET", path: "/record/results/:code", fields: ["from", "to", "view"] },
  { method: "GET", path: "/record/print", fields: ["section", ...FILTERS] },
  { method: "GET", path: "/record/export.json", fields: ["section", ...FILTERS] },
  { method: "GET", path: "/no-such-page/:code", fields: ["q"] },
];

const hex = (b: number) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`;

/** Arbitrary text for a parameter, as it travels: properly encoded, or raw bytes percent-encoded (any bytes at all). */
const encodedValue = fc.oneof(
  // URLSearchParams, as a browser's form does, sends a lone surrogate as U+FFFD.
  fc.string({ unit: "binary", maxLength: 40 }).map((s) => new URLSearchParams({ v: s }).toString().slice(2)),
  fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => [...bytes].map(hex).join("")),
  fc.constantFrom("%00", "%", "%G0", "%C0%AF", "%ED%A0%80", "..", "%2e%2e", "9".repeat(30), "-1", "2026-13-45", "%27%3B%20select%201%20--", "%3Cscript%3E"),
);

describe("arbitrary text in every parameter and form field of every route", () => {
  it.each(ROUTES)("$method $path: never a 5xx, a stack trace or SQL", async (route) => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...(route.fields.length ? route.fields : ["x"])), encodedValue, { maxKeys: 4 }),
        encodedValue,
        fc.boolean(),
        async (values, codeValue, actingForChild) => {
          const cookie = await portal.loginAs(guardian);
          if (actingForChild) await raw(portal.base, "POST", "/acting-for", form(cookie), encodeForm({ subject: child }));
          const path = route.path.replace(":code", codeValue || "x");
          const encoded = Object.entries(values)
            .map(([k, v]) => `${k}=${v}`)
            .join("&");
          const answer =
            route.method === "GET"
              ? await raw(portal.base, "GET", encoded ? `${path}?${encoded}` : path, { Cookie: cookie })
              : await raw(portal.base, "POST", path, form(cookie), encoded);
          expect(answer.status, `${route.method} ${path} ${encoded}`).toBeLessThan(500);
          expect(leaks(answer.body), `${route.method} ${path} ${encoded}`).toBeNull();
          if (answer.location) expectStaysOnSite(answer.location);
        },
      ),
      { numRuns: 40 },
    );
  });
});
