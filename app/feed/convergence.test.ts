import type { BundleEntry, Resource } from "@medplum/fhirtypes";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { PERSONNUMMER_OID } from "./identifiers";
import { ingestBatch, ingestStream, type IngestReport } from "./ingest.server";
import { VGR } from "./map";
import { bundle, deleteEntry, snapshot, truncateFeedTables } from "./test-factories";

/**
 * Any arrival order converges: a small world of related resources, each in three versions, plus deletions, is fed once
 * in its natural order and once shuffled, with duplicates, in batches of random sizes through both ways in; the read
 * model must end up the same. References are written as Type/id or as urn:uuid: (resolved through fullUrls), drawn
 * per resource.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const PNR_PARENT = "198001019986";
const PNR_CHILD = "201507099982";

const uuid = (id: string) => `urn:uuid:00000000-0000-4000-8000-${Buffer.from(id).toString("hex").padStart(12, "0").slice(-12)}`;

type Styles = Record<string, boolean>;

/** The world in version v; `urnFor[x]` says whether references to x are written as its urn:uuid:. */
function world(v: number, urnFor: Styles): Resource[] {
  const r = (type: string, id: string) => ({ reference: urnFor[id] ? uuid(id) : `${type}/${id}` });
  const meta = { versionId: String(v), lastUpdated: `2024-01-0${v}T00:00:00Z` };
  return [
    { resourceType: "Organization", id: "o1", meta, name: `Region v${v}`, type: [{ coding: [{ system: VGR.providerKind, code: "region" }] }] },
    { resourceType: "Organization", id: "o2", meta, name: `Sjukhus v${v}`, partOf: r("Organization", "o1") },
    { resourceType: "Organization", id: "o3", meta, name: `Avdelning v${v}`, partOf: r("Organization", "o2") },
    { resourceType: "Practitioner", id: "pr1", meta, identifier: [{ system: "urn:oid:1.2.752.29.4.19", value: "SE-PR1" }], name: [{ text: `Dr ${v}` }] },
    { resourceType: "Patient", id: "p1", meta, identifier: [{ system: PERSONNUMMER_OID, value: PNR_PARENT }], name: [{ family: `Ek${v}` }] },
    { resourceType: "Patient", id: "p2", meta, identifier: [{ system: PERSONNUMMER_OID, value: PNR_CHILD }], birthDate: "2015-07-09" },
    { resourceType: "Patient", id: "p3", meta, ...(v === 2 ? {} : { link: [{ other: { reference: "RelatedPerson/rp2" }, type: "seealso" }] }) },
    { resourceType: "Medication", id: "m1", meta, code: { text: `Alvedon ${v}00 mg` } },
    { resourceType: "Encounter", id: "e1", meta, status: "finished", subject: r("Patient", "p1"), serviceProvider: r("Organization", v === 1 ? "o2" : "o3") },
    { resourceType: "Observation", id: "x1", meta, status: "final", code: { text: "Hb" }, subject: r("Patient", "p1"), encounter: r("Encounter", "e1"), valueQuantity: { value: 100 + v } },
    {
      resourceType: "Observation",
      id: "x2",
      meta,
      status: "final",
      code: { text: "Glukos" },
      subject: { identifier: { system: "http://electronichealth.se/identifier/personnummer", value: PNR_PARENT } },
      performer: [r("Practitioner", "pr1")],
      valueQuantity: { value: v },
    },
    { resourceType: "Observation", id: "x3", meta, status: v === 3 ? "entered-in-error" : "final", code: { text: "CRP" }, subject: r("Patient", "p2") },
    { resourceType: "MedicationRequest", id: "r1", meta, status: "active", intent: "order", subject: r("Patient", "p1"), medicationReference: r("Medication", "m1") },
    {
      resourceType: "RelatedPerson",
      id: "rp1",
      meta,
      patient: r("Patient", "p2"),
      identifier: [{ system: PERSONNUMMER_OID, value: PNR_PARENT }],
      relationship: [{ coding: [{ code: "GUARD" }] }],
    },
    { resourceType: "RelatedPerson", id: "rp2", meta, patient: r("Patient", "p2"), relationship: [{ coding: [{ code: "GUARD" }] }] },
    { resourceType: "Communication", id: "c1", meta, status: "completed", subject: r("Patient", "p1"), sender: r("Patient", "p1"), payload: [{ contentString: `Fråga ${v}` }] },
    { resourceType: "Communication", id: "c2", meta, status: "completed", subject: r("Patient", "p1"), inResponseTo: [r("Communication", "c1")], payload: [{ contentString: `Svar ${v}` }] },
    { resourceType: "Communication", id: "c3", meta, status: "completed", subject: r("Patient", "p1"), inResponseTo: [r("Communication", "c2")], sender: r("Patient", "p1") },
    { resourceType: "HealthcareService", id: "hs1", meta, name: `Provtagning ${v}`, providedBy: r("Organization", "o3"), appointmentRequired: true },
    // Lists of participants take Type/id references: a urn:uuid: there resolves only within its bundle or later batches.
    { resourceType: "Schedule", id: "s1", meta, actor: [{ reference: "HealthcareService/hs1" }] },
    { resourceType: "Slot", id: "sl1", meta, schedule: r("Schedule", "s1"), status: v === 1 ? "free" : "busy", start: "2026-04-01T08:00:00Z", end: "2026-04-01T08:15:00Z" },
    { resourceType: "Appointment", id: "a1", meta, status: "booked", participant: [{ actor: { reference: "Patient/p1" } }, { actor: { reference: "HealthcareService/hs1" } }] },
  ] as Resource[];
}

function items(urnFor: Styles): BundleEntry[] {
  const out: BundleEntry[] = [];
  for (const v of [1, 2, 3]) for (const resource of world(v, urnFor)) out.push({ fullUrl: uuid(resource.id!), resource });
  out.push(deleteEntry("Observation", "x1", 2), deleteEntry("Observation", "x2"));
  return out;
}

const REFERRED = ["o1", "o2", "o3", "pr1", "p1", "p2", "m1", "e1", "c1", "c2", "hs1", "s1"];

async function feed(entries: BundleEntry[], cuts: number[], ways: boolean[]): Promise<IngestReport[]> {
  const reports: IngestReport[] = [];
  let start = 0;
  let i = 0;
  while (start < entries.length) {
    const size = cuts[i % cuts.length]!;
    const slice = entries.slice(start, start + size);
    if (ways[i % ways.length]) reports.push((await ingestBatch(database.db, { kind: "bundle", bundle: bundle(slice, "batch") }, { source: "test" })).report);
    else reports.push(await ingestStream(database.db, slice, { source: "test", batchSize: 3 }));
    start += size;
    i++;
  }
  return reports;
}

describe("convergence", () => {
  it("reaches the same read model whatever the order, duplication and batching", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(Object.fromEntries(REFERRED.map((id) => [id, fc.boolean()]))) as fc.Arbitrary<Styles>,
        fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
        fc.array(fc.nat({ max: 67 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 3, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        async (urnFor, sortKeys, duplicates, cuts, ways) => {
          const natural = items(urnFor);
          await truncateFeedTables(database.db);
          const first = await feed(natural, [natural.length], [true]);
          expect(first.reduce((n, r) => n + r.rejectedCount, 0)).toBe(0);
          const expected = await snapshot(database.db);

          const shuffled = [...natural, ...duplicates.map((d) => natural[d % natural.length]!)]
            .map((entry, i) => ({ entry, key: sortKeys[i % sortKeys.length]! * 1000 + i * 7919 }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.entry);
          await truncateFeedTables(database.db);
          const reports = await feed(shuffled, cuts, ways);
          expect(reports.reduce((n, r) => n + r.rejectedCount, 0)).toBe(0);
          expect(await snapshot(database.db)).toEqual(expected);
        },
      ),
      { numRuns: Number(process.env.FEED_CONVERGENCE_RUNS ?? 25) },
    );
  }, 600_000);

  it("the natural order gives the expected read model", async () => {
    await truncateFeedTables(database.db);
    await feed(items(Object.fromEntries(REFERRED.map((id) => [id, true]))), [1000], [true]);
    const s = await snapshot(database.db);
    const entries = s.record_entries as Record<string, unknown>[];
    const byId = Object.fromEntries(entries.map((e) => [e.id, e]));
    expect(byId.x1).toMatchObject({ person_id: "p1", care_unit_id: "o3", value_number: 103, deleted: false });
    expect(byId.x2).toMatchObject({ person_id: "p1", practitioner_id: "pr1", deleted: true });
    expect(byId.x3).toMatchObject({ person_id: "p2", deleted: true });
    expect(byId.r1).toMatchObject({ title: "Alvedon 300 mg", medication_id: "m1" });
    const units = Object.fromEntries((s.care_units as Record<string, unknown>[]).map((u) => [u.id, u]));
    expect(units.o3).toMatchObject({ provider_kind: "region", provider_id: "o1", parent_id: "o2" });
    const threads = (s.messages as Record<string, unknown>[]).map((m) => [m.id, m.thread_id]);
    expect(threads).toEqual([
      ["c1", "c1"],
      ["c2", "c1"],
      ["c3", "c1"],
    ]);
    const guardians = Object.fromEntries((s.guardianships as Record<string, unknown>[]).map((g) => [g.id, g.guardian_person_id]));
    expect(guardians).toEqual({ rp1: "p1", rp2: "p3" });
    expect(s.schedules).toMatchObject([{ id: "s1", care_unit_id: "o3", service_id: "hs1" }]);
    expect(s.appointments).toMatchObject([{ id: "a1", person_id: "p1", care_unit_id: "o3", appointment_type_id: "hs1" }]);
    expect(s.slots).toMatchObject([{ id: "sl1", schedule_id: "s1", status: "busy" }]);
  });
});
