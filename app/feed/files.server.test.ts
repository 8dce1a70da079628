import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedFileError, listInputFiles, readJsonFile, readNdjson } from "./files.server";
import type { FeedEntry } from "./ingest.server";
import { bundle, deleteEntry, entry, ndjsonText, nestedExtensions, patient, urn } from "./test-factories";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "feed-files-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<FeedEntry>): Promise<FeedEntry[]> {
  const out: FeedEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe("NDJSON", () => {
  it("reads line by line: a byte-order mark, CRLF and blank lines are fine, a broken line is kept as text", async () => {
    const file = path.join(dir, "Patient.ndjson");
    const lines = [JSON.stringify(patient({ id: "a" })), JSON.stringify(patient({ id: "b" })), "", '{"resourceType":"Patient",', JSON.stringify(patient({ id: "c" }))];
    const text = `\uFEFF${lines.join("\r\n")}`;
    await writeFile(file, text);
    let bytes = 0;
    const entries = await collect(readNdjson(file, (n) => (bytes += n)));
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(entries.map((e) => e.location)).toEqual(["Patient.ndjson:1", "Patient.ndjson:2", "Patient.ndjson:4", "Patient.ndjson:5"]);
    expect((entries[0]?.resource as { id: string }).id).toBe("a");
    expect(entries[1]?.rawText).toBe(lines[1]);
    expect(entries[2]?.unparsed?.text).toBe('{"resourceType":"Patient",');
    expect(entries[3]?.rawText).toBe(lines[4]);
  });

  it("keeps lines that span chunk boundaries whole", async () => {
    const file = path.join(dir, "Big.ndjson");
    const many = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ...patient({ id: `p${i}` }), text: { status: "generated", div: "é".repeat(i % 700) } }));
    await writeFile(file, `${many.join("\n")}\n`);
    const entries = await collect(readNdjson(file));
    expect(entries).toHaveLength(3000);
    expect(entries.every((e, i) => e.rawText === many[i])).toBe(true);
  });
});

describe("Bundle files", () => {
  const b = bundle([entry(patient({ id: "x" }), { fullUrl: urn("x"), method: "PUT" }), deleteEntry("Observation", "gone", 2)], "transaction");

  it("parses a small Bundle whole, and streams a big one with the same entries", async () => {
    const file = path.join(dir, "bundle.json");
    const text = JSON.stringify(b, null, 2);
    await writeFile(file, text);
    const whole = await collect(readJsonFile(file, text.length));
    const streamed = await collect(readJsonFile(file, text.length, undefined, 0));
    expect(whole).toHaveLength(2);
    expect(streamed).toEqual(whole.map((e) => ({ ...e, request: e.request, response: e.response })));
    expect(streamed[0]).toMatchObject({ location: "Bundle.entry[0]", fullUrl: urn("x"), request: { method: "PUT" } });
    expect(streamed[1]).toMatchObject({ request: { method: "DELETE", url: "Observation/gone" }, response: { etag: 'W/"2"' } });
  });

  it("refuses a Bundle type the feed does not take, streamed or not, and names where JSON breaks", async () => {
    const file = path.join(dir, "document.json");
    const text = JSON.stringify({ resourceType: "Bundle", type: "document", entry: [] });
    await writeFile(file, text);
    await expect(collect(readJsonFile(file, text.length))).rejects.toThrow(/Bundle.type/);
    await expect(collect(readJsonFile(file, text.length, undefined, 0))).rejects.toThrow(/Bundle.type/);
    const broken = path.join(dir, "broken.json");
    await writeFile(broken, '{"resourceType": "Bundle",\n "type": "batch", "entry": [}');
    await expect(collect(readJsonFile(broken, 60))).rejects.toThrow(/line 2, column 29/);
    await expect(collect(readJsonFile(broken, 60, undefined, 0))).rejects.toBeInstanceOf(FeedFileError);
  });

  it("reads a single resource as one entry and skips a Bulk Data manifest", async () => {
    const single = path.join(dir, "single.json");
    await writeFile(single, JSON.stringify(patient({ id: "one" })));
    expect((await collect(readJsonFile(single, 100))).map((e) => (e.resource as { id: string }).id)).toEqual(["one"]);
    const manifest = path.join(dir, "manifest.json");
    await writeFile(manifest, JSON.stringify({ transactionTime: "2026-01-01T00:00:00Z", request: "x", output: [] }));
    expect(await collect(readJsonFile(manifest, 100))).toEqual([]);
  });
});

describe("what only the text shows", () => {
  it("marks the entries holding bytes that are not UTF-8 or a property named twice, whether a Bundle is read whole or streamed", async () => {
    const file = path.join(dir, "marked.json");
    const bad = Buffer.concat([Buffer.from('{"resource":{"resourceType":"Patient","id":"bad","name":[{"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}}')]);
    const text = Buffer.concat([
      Buffer.from('{"resourceType":"Bundle","type":"batch","entry":['),
      Buffer.from('{"resource":{"resourceType":"Patient","id":"a","name":[{"given":["A"],"given":["B"]}]}},'),
      bad,
      Buffer.from(`,{"resource":{"resourceType":"Patient","id":"deep","extension":${nestedExtensions(100_000)}}}]}`),
    ]);
    await writeFile(file, text);
    for (const limit of [text.length, 0]) {
      const entries = await collect(readJsonFile(file, text.length, undefined, limit));
      expect(entries.map((e) => (e.resource as { id: string }).id)).toEqual(["a", "bad", "deep"]);
      expect(entries[0]?.repeatedName).toEqual({ name: "given", path: "Bundle.entry[0].resource.name[0].given" });
      // A Bundle is marked whole from where bad bytes appear: the ingestion rejects the entries holding U+FFFD.
      expect(entries[1]?.invalidUtf8).toBe(true);
    }
  });

  it("marks an NDJSON line holding bytes that are not UTF-8, and only that line", async () => {
    const file = path.join(dir, "Marked.ndjson");
    const lines = [Buffer.from(JSON.stringify(patient({ id: "a" }))), Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from('{"resourceType":"Patient","id":"b","id":"c"}')];
    await writeFile(file, ndjsonText(lines));
    const entries = await collect(readNdjson(file));
    expect(entries.map((e) => e.invalidUtf8 ?? false)).toEqual([false, true, false]);
    expect(entries[1]?.unparsed?.text).toBe("{\uFFFD}");
    expect(entries[2]?.repeatedName).toEqual({ name: "id", path: "Patient.id" });
  });
});

describe("listing input", () => {
  it("finds .json and .ndjson files in folders, targets of references first", async () => {
    const root = path.join(dir, "export");
    await mkdir(path.join(root, "more"), { recursive: true });
    for (const name of ["Observation.ndjson", "Encounter.ndjson", "Patient.ndjson", "notes.txt", "2.Organization.ndjson", "more/Condition-1.ndjson", "more/b.json", "more/Practitioner.json"]) {
      await writeFile(path.join(root, name), "");
    }
    const files = (await listInputFiles([root])).map((f) => path.relative(root, f.path));
    expect(files).toEqual([
      "2.Organization.ndjson",
      path.join("more", "Practitioner.json"),
      "Patient.ndjson",
      "Encounter.ndjson",
      "Observation.ndjson",
      path.join("more", "Condition-1.ndjson"),
      path.join("more", "b.json"),
    ]);
    await expect(listInputFiles([path.join(root, "notes.txt")])).rejects.toThrow(/not a .json or .ndjson/);
  });
});
