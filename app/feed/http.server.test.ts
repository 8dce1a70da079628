import type { Server } from "node:http";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Bundle, OperationOutcome } from "@medplum/fhirtypes";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createHttpApp } from "../server/http";
import { FEED_PATH, feedRouter, tokenMatches } from "./http.server";
import { bundle, deleteEntry, entry, observation, patient, ref, rows, truncateFeedTables, urn } from "./test-factories";

const TOKEN = "feed-token-0123456789-abcdefghijklmnop";
const LIMIT = 200_000;
const unusedBuild = (() => Promise.reject(new Error("not used"))) as unknown as () => Promise<ServerBuild>;

let database: TestDatabase;
const servers: Server[] = [];
let base: string;
let disabledBase: string;

async function start(env: Record<string, string>): Promise<string> {
  const config = parseConfig({ PUBLIC_ORIGIN: "http://portal.test", ...env });
  const app = createHttpApp({
    config,
    database,
    build: unusedBuild,
    mount: (a) => a.use(feedRouter({ config, database: () => database.db })),
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((r) => server.once("listening", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  base = await start({ FEED_TOKEN: TOKEN, FEED_MAX_BODY_BYTES: String(LIMIT) });
  disabledBase = await start({});
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await database.destroy();
});
beforeEach(async () => {
  await truncateFeedTables(database.db);
});

function post(body: string, init: { type?: string; token?: string | null; url?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": init.type ?? "application/fhir+json" };
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? TOKEN}`;
  return fetch(`${init.url ?? base}${FEED_PATH}`, { method: "POST", headers, body });
}

describe("authentication", () => {
  it("compares tokens in constant time and only accepts the exact bearer token", () => {
    expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(tokenMatches("Bearer ", TOKEN)).toBe(false);
  });

  it("answers 401 with WWW-Authenticate to a missing or wrong token, and stores nothing", async () => {
    const body = JSON.stringify(bundle([entry(patient({ id: "p1" }))]));
    const missing = await post(body, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="feed"');
    expect(missing.headers.get("content-type")).toMatch(/^application\/fhir\+json/);
    expect(((await missing.json()) as OperationOutcome).resourceType).toBe("OperationOutcome");
    const wrong = await post(body, { token: "not-the-token-0123456789-abcdefghijklmn" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const [count] = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM people`);
    expect(count?.n).toBe(0);
  });

  it("is disabled when FEED_TOKEN is not set", async () => {
    const res = await post(JSON.stringify(bundle([])), { url: disabledBase });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/fhir\+json/);
  });
});

describe("answers", () => {
  it("answers a transaction with a transaction-response, entry by entry, keeping the valid entries", async () => {
    const res = await post(
      JSON.stringify(
        bundle(
          [
            entry(patient({ id: "p1" }), { fullUrl: urn("p1"), method: "PUT" }),
            entry({ ...observation({ id: "o1", subject: { reference: urn("p1") } }), valueQuantity: { value: "many" } } as never, { method: "POST" }),
            entry(observation({ id: "o2", subject: { reference: urn("p1") } }), { method: "POST" }),
            deleteEntry("Observation", "o3"),
          ],
          "transaction",
        ),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/fhir\+json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const answer = (await res.json()) as Bundle;
    expect(answer.type).toBe("transaction-response");
    expect(answer.entry?.map((e) => e.response?.status)).toEqual(["201 Created", "422 Unprocessable Entity", "201 Created", "204 No Content"]);
    expect(answer.entry?.[1]?.response?.outcome).toMatchObject({
      issue: [{ severity: "error", code: "invalid", expression: ["Bundle.entry[1].resource.valueQuantity.value"] }],
    });
    expect(answer.entry?.[2]?.response?.location).toBe("Observation/o2");
    const [o2] = await rows<{ person_id: string }>(database.db, sql`SELECT person_id FROM record_entries WHERE id = 'o2'`);
    expect(o2?.person_id).toBe("p1");
  });

  it("answers a collection with an OperationOutcome: totals, then an issue per entry", async () => {
    const res = await post(
      JSON.stringify(bundle([entry(patient({ id: "p1" })), entry({ resourceType: "Claim", id: "c" } as never), entry(patient({ id: "p1" }))], "collection")),
    );
    const outcome = (await res.json()) as OperationOutcome;
    expect(res.status).toBe(200);
    expect(outcome.issue[0]?.diagnostics).toMatch(/^Received 3: stored 1 .*unchanged 1.*skipped 1 \(1 unsupported-type\), rejected 0$/);
    expect(outcome.issue.slice(1).map((i) => [i.severity, i.diagnostics, i.expression?.[0]])).toEqual([
      ["information", "Patient/p1: created", "Bundle.entry[0]"],
      ["warning", "Claim/c: skipped (unsupported-type)", "Bundle.entry[1]"],
      ["information", "Patient/p1: unchanged", "Bundle.entry[2]"],
    ]);
  });

  it("takes NDJSON, naming the line of a line that is not JSON", async () => {
    const body = [JSON.stringify(patient({ id: "p-nd" })), '{"resourceType": "Observation", "id": "x",', JSON.stringify(observation({ id: "o-nd", subject: ref("Patient", "p-nd") })), ""].join("\n");
    const res = await post(body, { type: "application/fhir+ndjson" });
    const outcome = (await res.json()) as OperationOutcome;
    expect(res.status).toBe(200);
    expect(outcome.issue.slice(1).map((i) => i.severity)).toEqual(["information", "error", "information"]);
    expect(outcome.issue[2]).toMatchObject({ expression: ["line 2"] });
    expect(outcome.issue[2]?.diagnostics).toMatch(/Invalid JSON/);
    const [letter] = await rows<{ raw_text: string; source: string }>(database.db, sql`SELECT raw_text, source FROM dead_letters`);
    expect(letter).toEqual({ raw_text: '{"resourceType": "Observation", "id": "x",', source: "http" });
  });

  it("accepts a single resource", async () => {
    const res = await post(JSON.stringify(patient({ id: "single" })));
    expect(res.status).toBe(200);
    expect(((await res.json()) as OperationOutcome).issue[1]?.diagnostics).toBe("Patient/single: created");
  });
});

describe("bad requests", () => {
  it("answers malformed JSON with 400 and where it breaks", async () => {
    const res = await post('{\n  "resourceType": "Bundle",\n  "type": "batch",\n  "entry": [ { "resource": { "resourceType": "Patient" "id": "x" } } ]\n}');
    expect(res.status).toBe(400);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.issue[0]?.code).toBe("structure");
    expect(outcome.issue[0]?.diagnostics).toMatch(/line 4, column 56/);
    expect(outcome.issue[0]?.expression).toEqual(["line 4, column 56"]);
  });

  it("answers a JSON that is not a Bundle of a known type with 400", async () => {
    const res = await post(JSON.stringify({ resourceType: "Bundle", type: "document", entry: [] }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as OperationOutcome).issue[0]?.expression).toEqual(["Bundle.type"]);
    expect((await post("[1, 2]")).status).toBe(400);
  });

  it("answers 415 to other media types and 405 to other methods", async () => {
    expect((await post("<Bundle/>", { type: "application/fhir+xml" })).status).toBe(415);
    const get = await fetch(`${base}${FEED_PATH}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("answers 413 past FEED_MAX_BODY_BYTES, whether or not the length is declared", async () => {
    const big = JSON.stringify(bundle([entry({ ...patient({ id: "big" }), text: { status: "generated", div: "x".repeat(LIMIT) } } as never)]));
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as OperationOutcome).issue[0]?.code).toBe("too-costly");

    // Chunked, no Content-Length: the server counts while reading and stops.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}${FEED_PATH}`);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "Content-Type": "application/fhir+json", Authorization: `Bearer ${TOKEN}`, "Transfer-Encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", (e) => (e.message.includes("EPIPE") || e.message.includes("ECONNRESET") ? undefined : reject(e)));
      let sent = 0;
      const chunk = "x".repeat(16 * 1024);
      const write = () => {
        while (sent < LIMIT * 5) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        req.end();
      };
      write();
    });
    expect(status).toBe(413);
    const [count] = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM people`);
    expect(count?.n).toBe(0);
  });
});
