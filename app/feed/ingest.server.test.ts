import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { FeedInputError, ingestBatch, ingestStream, type IngestReport } from "./ingest.server";
import {
  bundle,
  communication,
  deleteEntry,
  encounter,
  entry,
  guardian,
  medication,
  medicationRequest,
  observation,
  organization,
  patient,
  practitioner,
  ref,
  rows,
  truncateFeedTables,
  urn,
} from "./test-factories";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});
beforeEach(async () => {
  await truncateFeedTables(database.db);
});

const PNR_ADULT = "198001019986";
const PNR_CHILD = "201507099982";

async function ingest(resources: unknown[]): Promise<IngestReport> {
  return (await ingestBatch(database.db, { kind: "resources", resources }, { source: "test" })).report;
}

async function ingestBundle(b: unknown) {
  return ingestBatch(database.db, { kind: "bundle", bundle: b }, { source: "test" });
}

async function entryRow(type: string, id: string) {
  const [row] = await rows<Record<string, unknown>>(database.db, sql`SELECT * FROM record_entries WHERE resource_type = ${type} AND id = ${id}`);
  return row;
}

describe("versions", () => {
  it("applies newer versions, ignores older ones as stale and equal ones as unchanged", async () => {
    const p = ref("Patient", "p1");
    expect((await ingest([observation({ id: "o1", subject: p, value: 100, version: 2 })])).created).toBe(1);
    const older = await ingest([observation({ id: "o1", subject: p, value: 90, version: 1 })]);
    expect(older.skipped).toEqual([{ reason: "stale-version", count: 1 }]);
    const equal = await ingest([observation({ id: "o1", subject: p, value: 100, version: 2 })]);
    expect(equal.unchanged).toBe(1);
    const newer = await ingest([observation({ id: "o1", subject: p, value: 120, version: 10 })]);
    expect(newer.updated).toBe(1);
    // 10 > 2 numerically, although "10" < "2" as text.
    expect((await entryRow("Observation", "o1"))?.value_number).toBe(120);
    expect(Number((await entryRow("Observation", "o1"))?.version_id)).toBe(10);
  });

  it("compares lastUpdated when versionIds are equal or absent", async () => {
    const p = ref("Patient", "p1");
    await ingest([observation({ id: "o2", subject: p, value: 1, lastUpdated: "2024-01-01T10:00:00.000001Z" })]);
    const same = await ingest([observation({ id: "o2", subject: p, value: 1, lastUpdated: "2024-01-01T11:00:00.000001+01:00" })]);
    expect(same.unchanged).toBe(1);
    const later = await ingest([observation({ id: "o2", subject: p, value: 2, lastUpdated: "2024-01-01T10:00:00.000002Z" })]);
    expect(later.updated).toBe(1);
    const earlier = await ingest([observation({ id: "o2", subject: p, value: 3, lastUpdated: "2023-12-31T10:00:00Z" })]);
    expect(earlier.skipped[0]?.reason).toBe("stale-version");
    expect((await entryRow("Observation", "o2"))?.value_number).toBe(2);
  });

  it("keeps only the newest of duplicates within one batch (no 21000 error)", async () => {
    const p = ref("Patient", "p1");
    const report = await ingest([
      observation({ id: "o3", subject: p, value: 1, version: 1 }),
      observation({ id: "o3", subject: p, value: 3, version: 3 }),
      observation({ id: "o3", subject: p, value: 2, version: 2 }),
      observation({ id: "o3", subject: p, value: 3, version: 3 }),
    ]);
    expect(report.created).toBe(1);
    expect(report.unchanged).toBe(1);
    expect(report.skipped).toEqual([{ reason: "stale-version", count: 2 }]);
    expect((await entryRow("Observation", "o3"))?.value_number).toBe(3);
  });

  it("a re-signed note replaces its text in place", async () => {
    const note = (version: number, text: string) => ({
      resourceType: "DocumentReference",
      id: "n1",
      meta: { versionId: String(version) },
      status: "current",
      type: { text: "Besöksanteckning" },
      subject: { reference: "Patient/p1" },
      date: "2024-03-01T10:00:00+01:00",
      content: [{ attachment: { contentType: "text/plain", data: Buffer.from(text).toString("base64") } }],
    });
    await ingest([note(1, "Första versionen")]);
    await ingest([note(2, "Signerad version")]);
    const row = await entryRow("DocumentReference", "n1");
    expect(row?.text).toBe("Signerad version");
    expect(row?.section).toBe("notes");
    expect(row?.title).toBe("Besöksanteckning");
  });
});

describe("deletion", () => {
  it("a DELETE entry hides the resource and keeps a tombstone; an older version arriving later stays hidden", async () => {
    const p = ref("Patient", "p1");
    await ingest([observation({ id: "o1", subject: p, version: 1 })]);
    const { report } = await ingestBundle(bundle([deleteEntry("Observation", "o1", 2)]));
    expect(report.deleted).toBe(1);
    const row = await entryRow("Observation", "o1");
    expect(row?.deleted_at).not.toBeNull();
    expect(row?.raw).toBeTruthy();
    // Out of order: a version from before the deletion arrives afterwards.
    await ingest([observation({ id: "o2", subject: p, version: 1 })]);
    await ingestBundle(bundle([deleteEntry("Observation", "o2", 3)]));
    await ingest([observation({ id: "o2", subject: p, version: 2, value: 99 })]);
    const o2 = await entryRow("Observation", "o2");
    expect(o2?.value_number).toBe(99);
    expect(o2?.deleted_at).not.toBeNull();
    // A version after the deletion brings it back.
    await ingest([observation({ id: "o2", subject: p, version: 4 })]);
    expect((await entryRow("Observation", "o2"))?.deleted_at).toBeNull();
  });

  it("a DELETE before the resource ever arrived still hides it when it comes; without a version it hides every version", async () => {
    await ingestBundle(bundle([deleteEntry("Observation", "ghost")]));
    await ingest([observation({ id: "ghost", subject: ref("Patient", "p1"), version: 7 })]);
    expect((await entryRow("Observation", "ghost"))?.deleted_at).not.toBeNull();
  });

  it("entered-in-error hides the entry", async () => {
    await ingest([observation({ id: "o1", subject: ref("Patient", "p1"), version: 1 })]);
    await ingest([observation({ id: "o1", subject: ref("Patient", "p1"), version: 2, status: "entered-in-error" })]);
    expect((await entryRow("Observation", "o1"))?.deleted_at).not.toBeNull();
  });

  it("skips deletions of unsupported types and rejects DELETE without a Type/id url", async () => {
    const { report } = await ingestBundle(
      bundle([deleteEntry("Claim", "c1"), { request: { method: "DELETE", url: "Observation?code=1" } }]),
    );
    expect(report.skipped).toEqual([{ reason: "unsupported-type", count: 1 }]);
    expect(report.rejectedCount).toBe(1);
    expect(report.rejected[0]?.path).toBe("Bundle.entry[1].request.url");
  });
});

describe("references", () => {
  it("resolves urn:uuid references within a bundle, and across batches through aliases", async () => {
    const b1 = bundle([
      entry(patient({ id: "p-x", pnr: PNR_ADULT }), { fullUrl: urn("aaaa-1") }),
      entry(organization({ id: "org-x" }), { fullUrl: urn("aaaa-2") }),
      entry(observation({ id: "o-1", subject: { reference: urn("aaaa-1") }, performer: [{ reference: urn("aaaa-2") }] }), { fullUrl: urn("aaaa-3") }),
    ]);
    await ingestBundle(b1);
    const o1 = await entryRow("Observation", "o-1");
    expect(o1).toMatchObject({ person_id: "p-x", care_unit_id: "org-x", subject_reference: "Patient/p-x" });
    // Another bundle refers to the same fullUrls.
    await ingestBundle(bundle([entry(observation({ id: "o-2", subject: { reference: urn("aaaa-1") } }))]));
    expect(await entryRow("Observation", "o-2")).toMatchObject({ person_id: "p-x", subject_reference: "Patient/p-x" });
  });

  it("keeps a reference to something not yet arrived and resolves it when it does", async () => {
    await ingestBundle(
      bundle([
        entry(observation({ id: "o-late", subject: { reference: urn("later-patient") }, performer: [{ reference: urn("later-org") }] })),
      ]),
    );
    expect(await entryRow("Observation", "o-late")).toMatchObject({ person_id: null, subject_reference: urn("later-patient"), care_unit_id: null });
    await ingestBundle(
      bundle([
        entry(patient({ id: "p-late" }), { fullUrl: urn("later-patient") }),
        entry(practitioner({ id: "pr-late" }), { fullUrl: urn("later-org") }),
      ]),
    );
    const row = await entryRow("Observation", "o-late");
    expect(row).toMatchObject({ person_id: "p-late", subject_reference: "Patient/p-late", practitioner_id: "pr-late" });
    // The urn named a Practitioner, not an Organization: the unit column is cleared, not left waiting forever.
    expect(row).toMatchObject({ care_unit_id: null, care_unit_reference: null });
  });

  it("resolves Type/id, absolute and identifier (personnummer, both systems) references", async () => {
    await ingest([
      observation({ id: "o-abs", subject: { reference: "https://fhir.example.se/r4/Patient/p-abs/_history/3" } }),
      observation({ id: "o-ident", subject: { identifier: { system: "http://electronichealth.se/identifier/personnummer", value: "19800101-9986" } } }),
      observation({ id: "o-cond", subject: { reference: `Patient?identifier=urn:oid:1.2.752.129.2.1.3.1|${PNR_ADULT}` } }),
    ]);
    expect(await entryRow("Observation", "o-abs")).toMatchObject({ person_id: "p-abs" });
    expect(await entryRow("Observation", "o-ident")).toMatchObject({ person_id: null });
    await ingest([patient({ id: "p-pnr", pnr: PNR_ADULT })]);
    expect(await entryRow("Observation", "o-ident")).toMatchObject({ person_id: "p-pnr" });
    expect(await entryRow("Observation", "o-cond")).toMatchObject({ person_id: "p-pnr" });
    // Arriving after the patient resolves at once.
    await ingest([observation({ id: "o-ident2", subject: { identifier: { system: "urn:oid:1.2.752.129.2.1.3.1", value: "8001019986" } } })]);
    expect(await entryRow("Observation", "o-ident2")).toMatchObject({ person_id: "p-pnr" });
  });

  it("names a medication from a contained, a referenced (late) or a coded Medication", async () => {
    const p = ref("Patient", "p1");
    await ingest([
      medicationRequest({ id: "mr-1", subject: p, medication: { reference: "#m" }, contained: [medication({ id: "m", name: "Alvedon 500 mg" })] }),
      medicationRequest({ id: "mr-2", subject: p, medication: { reference: "Medication/med-9", display: "okänt" } }),
    ]);
    expect(await entryRow("MedicationRequest", "mr-1")).toMatchObject({ title: "Alvedon 500 mg", code: "N02BE01", text: "1 tablett vid behov" });
    expect(await entryRow("MedicationRequest", "mr-2")).toMatchObject({ title: "okänt", medication_id: "med-9" });
    await ingest([medication({ id: "med-9", name: "Ipren 200 mg", atc: "M01AE01" })]);
    expect(await entryRow("MedicationRequest", "mr-2")).toMatchObject({ title: "Ipren 200 mg", code: "M01AE01" });
  });

  it("gives entries without a unit of their own the unit of their care contact, whichever arrives first", async () => {
    const p = ref("Patient", "p1");
    await ingest([observation({ id: "o-enc", subject: p, encounter: ref("Encounter", "e1") })]);
    expect((await entryRow("Observation", "o-enc"))?.care_unit_id).toBeNull();
    await ingest([encounter({ id: "e1", subject: p, serviceProvider: ref("Organization", "vc-1") })]);
    expect((await entryRow("Observation", "o-enc"))?.care_unit_id).toBe("vc-1");
    await ingest([observation({ id: "o-enc2", subject: p, encounter: ref("Encounter", "e1") })]);
    expect((await entryRow("Observation", "o-enc2"))?.care_unit_id).toBe("vc-1");
  });
});

describe("care units and providers", () => {
  it("derives the provider and its kind along partOf, whatever the order", async () => {
    await ingest([organization({ id: "unit", partOf: ref("Organization", "clinic"), hsa: "SE2321000131-E000000000001" })]);
    await ingest([organization({ id: "clinic", partOf: ref("Organization", "region") })]);
    let units = await rows<{ id: string; provider_kind: string; provider_id: string }>(database.db, sql`SELECT id, provider_kind, provider_id FROM care_units ORDER BY id`);
    expect(units.find((u) => u.id === "unit")).toMatchObject({ provider_kind: "unknown", provider_id: "clinic" });
    await ingest([organization({ id: "region", kind: "region", name: "Västra Götalandsregionen" })]);
    units = await rows(database.db, sql`SELECT id, provider_kind, provider_id FROM care_units ORDER BY id`);
    expect(units).toEqual([
      { id: "clinic", provider_kind: "region", provider_id: "region" },
      { id: "region", provider_kind: "region", provider_id: "region" },
      { id: "unit", provider_kind: "region", provider_id: "region" },
    ]);
  });

  it("resolves a reference to a unit by its HSA-id", async () => {
    await ingest([observation({ id: "o-hsa", subject: ref("Patient", "p1"), performer: [{ type: "Organization", identifier: { system: "urn:oid:1.2.752.29.4.19", value: "SE2321000131-E000000000009" } }] })]);
    await ingest([organization({ id: "by-hsa", hsa: "SE2321000131-E000000000009", kind: "private" })]);
    expect(await entryRow("Observation", "o-hsa")).toMatchObject({ care_unit_id: "by-hsa" });
  });
});

describe("guardians", () => {
  it("resolves the guardian by personnummer, by reference and by a Patient's link, and follows changes", async () => {
    await ingest([
      guardian({ id: "rp-pnr", child: ref("Patient", "child"), pnr: PNR_ADULT }),
      guardian({ id: "rp-ref", child: ref("Patient", "child"), patientRef: ref("Patient", "mother") }),
      guardian({ id: "rp-link", child: ref("Patient", "child") }),
      guardian({ id: "rp-other", child: ref("Patient", "child"), relationship: "MTH" }),
    ]);
    await ingest([patient({ id: "father", pnr: PNR_ADULT }), patient({ id: "parent3", links: ["rp-link"] }), patient({ id: "child", pnr: PNR_CHILD })]);
    const g = await rows<Record<string, unknown>>(database.db, sql`SELECT id, child_person_id, guardian_person_id, active FROM guardianships ORDER BY id`);
    expect(g).toEqual([
      { id: "rp-link", child_person_id: "child", guardian_person_id: "parent3", active: true },
      { id: "rp-other", child_person_id: "child", guardian_person_id: null, active: false },
      { id: "rp-pnr", child_person_id: "child", guardian_person_id: "father", active: true },
      { id: "rp-ref", child_person_id: "child", guardian_person_id: "mother", active: true },
    ]);
    // The link is withdrawn in a newer version of the guardian's Patient resource.
    await ingest([patient({ id: "parent3", version: 2 })]);
    const [linked] = await rows<{ guardian_person_id: string | null }>(database.db, sql`SELECT guardian_person_id FROM guardianships WHERE id = 'rp-link'`);
    expect(linked?.guardian_person_id).toBeNull();
  });

  it("records a care unit's block and an ended guardianship", async () => {
    await ingest([guardian({ id: "rp-b", child: ref("Patient", "c"), pnr: PNR_ADULT, blocked: true }), guardian({ id: "rp-end", child: ref("Patient", "c"), active: false })]);
    const g = await rows<Record<string, unknown>>(database.db, sql`SELECT id, blocked, active FROM guardianships ORDER BY id`);
    expect(g).toEqual([
      { id: "rp-b", blocked: true, active: true },
      { id: "rp-end", blocked: false, active: false },
    ]);
  });
});

describe("messages", () => {
  it("threads answers under the first message, also when the answer arrives first", async () => {
    const p = ref("Patient", "p1");
    await ingest([communication({ id: "c3", subject: p, inResponseTo: ref("Communication", "c2"), sender: ref("Practitioner", "d") })]);
    await ingest([communication({ id: "c2", subject: p, inResponseTo: ref("Communication", "c1"), sender: ref("Patient", "p1") })]);
    await ingest([communication({ id: "c1", subject: p, sender: ref("Patient", "p1") })]);
    const m = await rows<{ id: string; thread_id: string; direction: string }>(database.db, sql`SELECT id, thread_id, direction FROM messages ORDER BY id`);
    expect(m).toEqual([
      { id: "c1", thread_id: "c1", direction: "patient" },
      { id: "c2", thread_id: "c1", direction: "patient" },
      { id: "c3", thread_id: "c1", direction: "care" },
    ]);
  });

  it("never overwrites when the citizen read a message", async () => {
    const p = ref("Patient", "p1");
    await ingest([communication({ id: "c1", subject: p, version: 1 })]);
    await database.db.execute(sql`UPDATE messages SET read_at = now() WHERE id = 'c1'`);
    await ingest([communication({ id: "c1", subject: p, version: 2, text: "Rättad" })]);
    const [m] = await rows<{ body: string; read_at: unknown }>(database.db, sql`SELECT body, read_at FROM messages WHERE id = 'c1'`);
    expect(m?.body).toBe("Rättad");
    expect(m?.read_at).not.toBeNull();
  });
});

describe("bad input", () => {
  it("rejects what is wrong, keeps it in dead_letters with the reason and path, and keeps the valid rest", async () => {
    const { report, entries } = await ingestBundle(
      bundle([
        entry(patient({ id: "ok-1" })),
        entry({ resourceType: "Observation", status: "final", code: { text: "x" }, subject: { reference: "Patient/ok-1" } } as never),
        entry({ ...observation({ id: "bad-value", subject: ref("Patient", "ok-1") }), valueQuantity: { value: "high" } } as never),
        entry({ ...observation({ id: "bad-date", subject: ref("Patient", "ok-1") }), effectiveDateTime: "igår" } as never),
        entry({ ...observation({ id: "bad-ref", subject: ref("Patient", "ok-1") }), subject: { reference: "not a reference" } } as never),
        entry(patient({ id: "bad-pnr", pnr: "198001019987" })),
        entry({ resourceType: "Claim", id: "c1" } as never),
        { fullUrl: "urn:uuid:x" },
        entry(observation({ id: "ok-2", subject: ref("Patient", "ok-1") })),
      ]),
    );
    expect(report.created).toBe(2);
    expect(report.skipped).toEqual([{ reason: "unsupported-type", count: 1 }]);
    expect(report.rejectedCount).toBe(6);
    const byIndex = Object.fromEntries(report.rejected.map((r) => [r.index, r]));
    expect(byIndex[1]).toMatchObject({ reason: "Missing id", path: "Bundle.entry[1].resource.id" });
    expect(byIndex[2]).toMatchObject({ id: "bad-value", path: "Bundle.entry[2].resource.valueQuantity.value" });
    expect(byIndex[3]?.path).toBe("Bundle.entry[3].resource.effectiveDateTime");
    expect(byIndex[4]?.path).toBe("Bundle.entry[4].resource.subject.reference");
    expect(byIndex[5]?.path).toBe("Bundle.entry[5].resource.identifier[0].value");
    expect(byIndex[7]?.reason).toMatch(/no resource/);
    expect(entries.map((e) => e.outcome.kind)).toEqual(["created", "rejected", "rejected", "rejected", "rejected", "rejected", "skipped", "rejected", "created"]);
    const letters = await rows<{ resource_id: string | null; reason: string; path: string | null; raw: unknown }>(
      database.db,
      sql`SELECT resource_id, reason, path, raw FROM dead_letters ORDER BY id`,
    );
    expect(letters).toHaveLength(6);
    expect(letters.find((l) => l.resource_id === "bad-value")?.raw).toMatchObject({ valueQuantity: { value: "high" } });
  });

  it("rejects what PostgreSQL cannot store without losing the batch", async () => {
    const report = await ingest([
      { ...observation({ id: "nul", subject: ref("Patient", "p") }), valueString: "a\u0000b", valueQuantity: undefined },
      observation({ id: "fine", subject: ref("Patient", "p") }),
    ]);
    expect(report.created).toBe(1);
    expect(report.rejected[0]?.reason).toMatch(/NUL/);
    const [letter] = await rows<{ raw: unknown; raw_text: string | null }>(database.db, sql`SELECT raw, raw_text FROM dead_letters`);
    expect(letter?.raw).toBeNull();
    expect(letter?.raw_text).toContain("nul");
  });

  it("dead-letters what PostgreSQL refuses even when it is alone in its batch, whatever the dead letter holds", async () => {
    // An HSA-id too long for its index (54000): only the database knows.
    const refused = await ingest([organization({ id: "u1", hsa: randomBytes(6000).toString("base64") })]);
    expect(refused.rejected[0]?.reason).toMatch(/^the database refused it: index row size/);
    const alone = await ingest([patient({ id: "p\ud800" })]);
    expect(alone.rejected[0]?.reason).toMatch(/lone UTF-16 surrogate/);
    const letters = await rows<{ resource_id: string; raw: unknown; raw_text: string | null }>(database.db, sql`SELECT resource_id, raw, raw_text FROM dead_letters ORDER BY id`);
    expect(letters.map((l) => l.resource_id)).toEqual(["u1", "p\uFFFD"]);
    expect(letters[1]?.raw).toBeNull();
    expect(letters[1]?.raw_text).toContain('"id":"p\\ud800"');
  });

  it("keeps an NDJSON line that is not JSON as text in dead_letters", async () => {
    const report = await ingestStream(
      database.db,
      [
        { location: "x.ndjson:1", unparsed: { text: '{"resourceType": "Patient", "id": ', error: "Unexpected end of JSON input" } },
        patient({ id: "p-ok" }),
      ],
      { source: "test" },
    );
    expect(report.created).toBe(1);
    expect(report.rejected[0]).toMatchObject({ location: "x.ndjson:1", reason: "Invalid JSON: Unexpected end of JSON input" });
    const [letter] = await rows<{ raw_text: string }>(database.db, sql`SELECT raw_text FROM dead_letters`);
    expect(letter?.raw_text).toContain('"Patient"');
  });

  it("refuses input that is not a Bundle of a type the feed takes", async () => {
    await expect(ingestBundle({ resourceType: "Patient", id: "x" })).rejects.toBeInstanceOf(FeedInputError);
    await expect(ingestBundle({ resourceType: "Bundle", type: "document", entry: [] })).rejects.toThrow(/Bundle.type/);
    await expect(ingestBundle({ resourceType: "Bundle", type: "batch", entry: {} })).rejects.toThrow(/not an array/);
  });

  it("ingests a 10 MB bundle", async () => {
    const entries = [entry(patient({ id: "big-p", pnr: PNR_ADULT }), { fullUrl: urn("big-p") })];
    let i = 0;
    let bytes = 0;
    while (bytes < 10 * 1024 * 1024) {
      const o = observation({ id: `big-o-${i}`, subject: { reference: urn("big-p") }, value: i });
      o.note = [{ text: "x".repeat(800) }];
      const e = entry(o, { fullUrl: urn(`big-o-${i++}`) });
      bytes += JSON.stringify(e).length;
      entries.push(e);
    }
    const started = performance.now();
    const { report } = await ingestBundle(bundle(entries, "collection"));
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(report.rejectedCount).toBe(0);
    expect(report.created).toBe(entries.length);
    const [count] = await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM record_entries WHERE person_id = 'big-p'`);
    expect(count?.n).toBe(i);
  });
});

describe("ingestStream", () => {
  it("batches, reports progress and resolves across batches", async () => {
    const items = [
      { resource: observation({ id: "s-o0", subject: { reference: urn("s-p") } }), fullUrl: urn("s-o0") },
      ...Array.from({ length: 25 }, (_, i) => observation({ id: `s-o${i + 1}`, subject: ref("Patient", "s-p") })),
      { resource: patient({ id: "s-p" }), fullUrl: urn("s-p") },
    ];
    const seen: number[] = [];
    const report = await ingestStream(database.db, items, { source: "test", batchSize: 7, onProgress: (r) => seen.push(r.received) });
    expect(report.created).toBe(27);
    expect(seen).toEqual([7, 14, 21, 27]);
    expect(await entryRow("Observation", "s-o0")).toMatchObject({ person_id: "s-p" });
  });
});
