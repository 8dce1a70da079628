import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { isDocumentRequest, oncePerRequest } from "~/utils/request-scope.server";
import { FEED_PATH } from "~/feed/http.server";
import { createHttpApp } from "./http";
import { isSameOrigin } from "./security";

let database: TestDatabase;
let server: Server;
let base: string;

// The Remix build is not needed for what these tests check (headers, health, same-origin, machine paths): the probe
// routes are mounted before it, and a build that is never called stands in for it.
const unusedBuild = (() => Promise.reject(new Error("not used"))) as unknown as () => Promise<ServerBuild>;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = parseConfig({ PUBLIC_ORIGIN: "http://portal.test" });
  const app = createHttpApp({
    config,
    database,
    build: unusedBuild,
    mount: (a) => {
      a.post("/probe", (_req, res) => void res.status(204).end());
      a.post(["/api/fhir/probe", FEED_PATH], (_req, res) => void res.status(204).end());
      a.get("/probe", (_req, res) => void res.type("text/html").send("<p>ok</p>"));
      a.get(["/probe/kind", "/probe/kind.data"], (_req, res) => void res.json({ document: isDocumentRequest() }));
      a.all("/probe/lookups", (_req, res, next) => {
        let lookups = 0;
        const lookup = () => oncePerRequest("session", async () => ++lookups);
        Promise.all([lookup(), lookup()]).then(() => res.json({ lookups }), next);
      });
    },
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await database.destroy();
});

describe("security headers", () => {
  it("sends a CSP with a fresh nonce per response, and the other protective headers", async () => {
    const a = await fetch(`${base}/probe`);
    const b = await fetch(`${base}/probe`);
    const csp = a.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    const nonceA = /'nonce-([^']+)'/.exec(csp)?.[1];
    const nonceB = /'nonce-([^']+)'/.exec(b.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceA).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(nonceA).not.toBe(nonceB);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("referrer-policy")).toBe("same-origin");
    expect(a.headers.get("x-powered-by")).toBeNull();
  });
});

describe("same-origin protection", () => {
  it("rejects a POST from another origin with 403 and a message a person can act on", async () => {
    const res = await fetch(`${base}/probe`, { method: "POST", headers: { Origin: "https://evil.example", "Accept-Language": "en" } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Reload the page/);
  });

  it("rejects a POST with neither Origin nor Sec-Fetch-Site", async () => {
    const res = await fetch(`${base}/probe`, { method: "POST" });
    expect(res.status).toBe(403);
  });

  it("accepts a POST from the portal's own origin, or marked same-origin by the browser", async () => {
    expect((await fetch(`${base}/probe`, { method: "POST", headers: { Origin: "http://portal.test" } })).status).toBe(204);
    expect((await fetch(`${base}/probe`, { method: "POST", headers: { "Sec-Fetch-Site": "same-origin" } })).status).toBe(204);
    expect((await fetch(`${base}/probe`, { method: "POST", headers: { "Sec-Fetch-Site": "cross-site" } })).status).toBe(403);
  });

  it("leaves bearer-token machine endpoints to their own authentication, each by its exact path", async () => {
    expect((await fetch(`${base}${FEED_PATH}`, { method: "POST" })).status).toBe(204);
    expect((await fetch(`${base}/api/fhir/probe`, { method: "POST" })).status).toBe(403);
  });

  it("compares whole origins, not prefixes", () => {
    expect(isSameOrigin("http://portal.test.evil.example", undefined, "http://portal.test")).toBe(false);
    expect(isSameOrigin("null", "same-origin", "http://portal.test")).toBe(true);
    expect(isSameOrigin("null", undefined, "http://portal.test")).toBe(false);
  });
});

describe("GET /healthz", () => {
  it("answers 200 while the database answers, and 503 when it does not", async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(await ok.json()).toMatchObject({ status: "ok" });

    const closed = await createTestDatabase();
    await closed.destroy();
    const app = createHttpApp({ config: parseConfig({}), database: closed, build: unusedBuild });
    const s = app.listen(0, "127.0.0.1");
    await new Promise((r) => s.once("listening", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "database-unreachable" });
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});

describe("looking things up once per request", () => {
  it("a GET request's loaders share one session lookup; a POST, whose action may change the session, does not", async () => {
    expect(await (await fetch(`${base}/probe/lookups`)).json()).toEqual({ lookups: 1 });
    const post = await fetch(`${base}/probe/lookups`, { method: "POST", headers: { origin: "http://portal.test" } });
    expect(await post.json()).toEqual({ lookups: 2 });
  });
});

describe("what a request asks for", () => {
  it("a page's HTML document, or the data of a client-side navigation (Remix's .data requests)", async () => {
    expect(await (await fetch(`${base}/probe/kind`)).json()).toEqual({ document: true });
    expect(await (await fetch(`${base}/probe/kind.data`)).json()).toEqual({ document: false });
  });
});
