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
import {
  bundle,
  bundleText,
  deleteEntry,
  entry,
  ndjsonText,
  nestedExtensions,
  observation,
  observationTexts,
  patient,
  POISONS,
  ref,
  rows,
  truncateFeedTables,
  urn,
} from "./test-factories";

const TOKEN = "feed-token-0123456789-abcdefghijklmnop";
const LIMIT = 200_000;
const unusedBuild = (() => Promise.reject(new Error("not used"))) as unknown as () => Promise<ServerBuild>;

let database: TestDatabase;
const servers: Server[] = [];
let base: string;
let disabledBase: string;
/** A server taking bodies of 10 MB, for bodies of more than one batch. */
let roomyBase: string;

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
  roomyBase = await start({ FEED_TOKEN: TOKEN, FEED_MAX_BODY_BYTES: String(10 * 1024 * 1024) });
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await database.destroy();
});
beforeEach(async () => {
  await truncateFeedTables(database.db);
});

function post(body: string | Buffer, init: { type?: string; token?: string | null; url?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": init.type ?? "application/fhir+json" };
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? TOKEN}`;
  return fetch(`${init.url ?? base}${FEED_PATH}`, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
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

async function count(table: "record_entries" | "dead_letters"): Promise<number> {
  const [row] = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`);
  return row?.n ?? -1;
}

describe("every item is stored or dead-lettered: never lost, never a 5xx", () => {
  const KINDS = { batch: "a batch Bundle", transaction: "a transaction Bundle", collection: "a collection Bundle", ndjson: "NDJSON", single: "a single resource" };
  type Kind = keyof typeof KINDS;
  const body = (kind: Kind, n: number, poisoned: number, poison: (id: string) => Buffer): Buffer => {
    const resources = observationTexts(n, poisoned, poison);
    if (kind === "single") return resources[0]!;
    return kind === "ndjson" ? ndjsonText(resources) : bundleText(kind, resources, (i) => `Observation/o${i}`);
  };
  // One resource alone; two, the first poisoned; 501, the last poisoned and alone in the second batch of 500.
  const SIZES: [n: number, poisoned: number][] = [
    [1, 0],
    [2, 0],
    [501, 500],
  ];

  for (const poison of POISONS) {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const [n, poisoned] of SIZES.filter(([size]) => kind !== "single" || size === 1)) {
        it(`${KINDS[kind]} of ${n}, one of them holding ${poison.name}`, async () => {
          const type = kind === "ndjson" ? "application/fhir+ndjson" : "application/fhir+json";
          const res = await post(body(kind, n, poisoned, poison.text), { url: roomyBase, type });
          expect(res.status).toBe(200);
          const answer = (await res.json()) as Bundle | OperationOutcome;
          expect(await count("record_entries")).toBe(n - 1);
          expect(await count("dead_letters")).toBe(1);
          const [letter] = await rows<{ reason: string }>(database.db, sql`SELECT reason FROM dead_letters`);
          expect(letter?.reason).toMatch(poison.reason);
          if (answer.resourceType === "Bundle") {
            expect(answer.entry?.[poisoned]?.response?.status).toBe("422 Unprocessable Entity");
            expect(answer.entry?.filter((e) => e.response?.status === "201 Created")).toHaveLength(n - 1);
          } else {
            const issue = answer.issue[1 + poisoned];
            expect(issue?.severity).toBe("error");
            expect(issue?.diagnostics).toMatch(/rejected, kept in dead_letters/);
            expect(issue?.diagnostics).toMatch(poison.reason);
          }
        });
      }
    }
  }
});

describe("bodies nested 100,000 levels deep", () => {
  const DEEP = 100_000;
  const deepArray = `${"[".repeat(DEEP)}${"]".repeat(DEEP)}`;

  it("dead-letters a resource nested too deep, keeping its text, and answers that it did", async () => {
    const text = `{"resourceType":"Observation","id":"deep","extension":${nestedExtensions(DEEP)}}`;
    const res = await post(text, { url: roomyBase });
    expect(res.status).toBe(200);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.issue[1]?.diagnostics).toMatch(/^Observation\/deep: rejected, kept in dead_letters: Nested deeper than 64 levels/);
    expect(outcome.issue[1]?.expression?.[0]).toMatch(/^Observation\.extension\[0\]\.extension\[0\]/);
    const [letter] = await rows<{ raw_text: string }>(database.db, sql`SELECT raw_text FROM dead_letters`);
    expect(letter?.raw_text).toBe(text);
  });

  it("keeps what it can of a deep Bundle entry, and stores the entries beside it", async () => {
    const deep = `{"resourceType":"Observation","id":"deep","extension":${nestedExtensions(DEEP)}}`;
    const text = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":${deep}},${JSON.stringify(entry(patient({ id: "beside" })))}]}`;
    const res = await post(text, { url: roomyBase });
    expect(res.status).toBe(200);
    expect(((await res.json()) as OperationOutcome).issue[0]?.diagnostics).toMatch(/stored 1 .*rejected 1$/);
    const [letter] = await rows<{ resource_id: string; raw: { extension: unknown[] } }>(database.db, sql`SELECT resource_id, raw FROM dead_letters`);
    expect(letter?.resource_id).toBe("deep");
    expect(JSON.stringify(letter?.raw)).toContain("(cut: nested deeper than 64 levels)");
  });

  it("ignores deep JSON outside the entries, and answers 400 to a body that cannot be read, saying why", async () => {
    const besideEntries = `{"resourceType":"Bundle","type":"batch","meta":{"tag":${deepArray}},"entry":[${JSON.stringify(entry(patient({ id: "p1" })))}]}`;
    expect((await post(besideEntries, { url: roomyBase })).status).toBe(200);
    expect(await rows(database.db, sql`SELECT id FROM people`)).toEqual([{ id: "p1" }]);

    const answers = async (text: string) => {
      const res = await post(text, { url: roomyBase });
      return { status: res.status, diagnostics: ((await res.json()) as OperationOutcome).issue[0]?.diagnostics };
    };
    expect(await answers(deepArray)).toEqual({ status: 400, diagnostics: "Expected a FHIR Bundle or resource (a JSON object)." });
    expect(await answers(`{"resourceType":"Bundle","type":${deepArray},"entry":[]}`)).toEqual({
      status: 400,
      diagnostics: expect.stringMatching(/^Unsupported Bundle.type \(a JSON array\)/) as string,
    });
    expect(await answers(deepArray.slice(0, -1))).toEqual({ status: 400, diagnostics: expect.stringMatching(/^Malformed JSON: .* at line 1, column 200000/) as string });
  });
});

describe("bodies that cannot be read as a whole", () => {
  it("answers 400 to a Bundle naming a property twice outside its entries, and to bytes that are not UTF-8 outside strings", async () => {
    const twice = `{"resourceType":"Bundle","type":"batch","entry":[${JSON.stringify(entry(patient({ id: "a" })))}],"entry":[]}`;
    const res = await post(twice);
    expect(res.status).toBe(400);
    expect(((await res.json()) as OperationOutcome).issue[0]).toMatchObject({
      diagnostics: expect.stringMatching(/names "entry" twice/) as string,
      expression: ["Bundle.entry"],
    });
    const notUtf8 = Buffer.concat([Buffer.from('{"resourceType":"Patient",'), Buffer.from([0xff]), Buffer.from('"id":"x"}')]);
    const bad = await post(notUtf8);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as OperationOutcome).issue[0]?.diagnostics).toMatch(/^Not valid UTF-8, and malformed JSON/);
    expect(await count("dead_letters")).toBe(0);
  });

  it("takes an entry whose request holds something other than text", async () => {
    const text = JSON.stringify(bundle([{ ...entry(patient({ id: "p1" })), request: { method: 5, url: ["Patient/p1"] } } as never]));
    const res = await post(text);
    expect(res.status).toBe(200);
    expect(await rows(database.db, sql`SELECT id FROM people`)).toEqual([{ id: "p1" }]);
  });
});
