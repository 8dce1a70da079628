import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { mergeReports, type IngestReport } from "./ingest.server";
import { corpusDir as corpus, ingestCorpusFolder, swedenDir as sweden, syntheaDir as synthea } from "./test-corpus.server";
import { rows, snapshot } from "./test-factories";

/** The external corpus (see test-corpus.server.ts) through the feed: every resource accounted for, and nothing twice. */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

function ingestFolder(folder: string): Promise<IngestReport> {
  return ingestCorpusFolder(database.db, folder);
}

/** What the files hold, counted independently of the feed: entries per type and distinct ids per type. */
function countCorpus(): { entries: Map<string, number>; distinct: Map<string, Set<string>> } {
  const entries = new Map<string, number>();
  const distinct = new Map<string, Set<string>>();
  const add = (r: { resourceType: string; id: string }) => {
    entries.set(r.resourceType, (entries.get(r.resourceType) ?? 0) + 1);
    const ids = distinct.get(r.resourceType) ?? new Set<string>();
    ids.add(r.id);
    distinct.set(r.resourceType, ids);
  };
  for (const name of readdirSync(synthea)) {
    const b = JSON.parse(readFileSync(path.join(synthea, name), "utf8")) as { entry: { resource: { resourceType: string; id: string } }[] };
    for (const e of b.entry) add(e.resource);
  }
  const se = path.join(sweden, "hl7se-basprofiler-r4");
  for (const name of readdirSync(se)) add(JSON.parse(readFileSync(path.join(se, name), "utf8")));
  return { entries, distinct };
}

// Outside CI a checkout without shared/ beside it skips these; in CI a missing corpus is a failure, not a skip.
describe.skipIf(!existsSync(corpus) && !process.env.CI)("external FHIR corpus", () => {
  let first: IngestReport;
  let before: Record<string, unknown[]>;

  it("ingests every Synthea bundle and every HL7 Sweden example without a rejection", async () => {
    first = mergeReports(await ingestFolder(synthea), await ingestFolder(sweden));
    expect(first.rejected).toEqual([]);
    expect(first.rejectedCount).toBe(0);
    const { entries, distinct } = countCorpus();
    // As the corpus README counts them.
    expect(Object.fromEntries(["Observation", "Encounter", "Immunization", "Condition", "DiagnosticReport", "MedicationRequest", "AllergyIntolerance"].map((t) => [t, entries.get(t)]))).toEqual({
      Observation: 3666,
      Encounter: 649,
      Immunization: 560,
      Condition: 196,
      DiagnosticReport: 181,
      MedicationRequest: 170,
      AllergyIntolerance: 74,
    });
    for (const [type, count] of entries) expect(first.byType[type]?.received, type).toBe(count);
    const unsupported = ["Claim", "ExplanationOfBenefit", "Procedure", "CarePlan", "Goal", "ImagingStudy"];
    expect(first.skipped).toEqual([{ reason: "unsupported-type", count: unsupported.reduce((n, t) => n + (entries.get(t) ?? 0), 0) }]);
    // The same Organization and Practitioner come in every bundle: one row each, the repeats unchanged.
    for (const type of ["Organization", "Practitioner", "Patient"]) {
      expect(first.byType[type]?.created, type).toBe(distinct.get(type)!.size);
      expect(first.byType[type]?.unchanged, type).toBe(entries.get(type)! - distinct.get(type)!.size);
    }
  });

  it("stores one row per resource, each entry tied to its patient and care unit", async () => {
    const { distinct } = countCorpus();
    const sections = await rows<{ section: string; n: number; people: number; unresolved: number; without_unit: number }>(
      database.db,
      sql`SELECT section, count(*)::int AS n, count(DISTINCT person_id)::int AS people,
            count(*) FILTER (WHERE person_id IS NULL)::int AS unresolved,
            count(*) FILTER (WHERE care_unit_id IS NULL)::int AS without_unit
          FROM record_entries GROUP BY section ORDER BY section`,
    );
    const bySection = Object.fromEntries(sections.map((s) => [s.section, s]));
    expect(bySection.results?.n).toBe(distinct.get("Observation")!.size + distinct.get("DiagnosticReport")!.size);
    expect(bySection.care_contacts?.n).toBe(distinct.get("Encounter")!.size);
    expect(bySection.vaccinations?.n).toBe(distinct.get("Immunization")!.size);
    expect(bySection.diagnoses?.n).toBe(distinct.get("Condition")!.size);
    expect(bySection.medications?.n).toBe(distinct.get("MedicationRequest")!.size);
    expect(bySection.allergies?.n).toBe(distinct.get("AllergyIntolerance")!.size);
    for (const s of sections) {
      expect(s.unresolved, s.section).toBe(0);
      expect(s.people, s.section).toBeLessThanOrEqual(37);
    }
    // Synthea names the unit on the care contact; results, vaccinations, diagnoses and prescriptions take it from there.
    for (const section of ["care_contacts", "results", "vaccinations", "diagnoses", "medications"]) expect(bySection[section]?.without_unit, section).toBe(0);

    const [people] = await rows<{ n: number; deceased: number; pnr: number; protected_: number; samordning: number }>(
      database.db,
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE deceased)::int AS deceased, count(personnummer)::int AS pnr,
            count(*) FILTER (WHERE protected_identity)::int AS protected_, count(samordningsnummer)::int AS samordning FROM people`,
    );
    expect(people).toEqual({ n: 47, deceased: 4, pnr: 7, protected_: 3, samordning: 1 });
    const [anna] = await rows<{ personnummer: string; protected_identity: boolean; birth_date: unknown }>(
      database.db,
      sql`SELECT personnummer, protected_identity, birth_date FROM people WHERE id = 'PatientExample1'`,
    );
    expect(anna).toMatchObject({ personnummer: "195009072553", protected_identity: true });
    const [unit] = await rows<{ hsa_id: string; name: string }>(database.db, sql`SELECT hsa_id, name FROM care_units WHERE id = 'Organization1'`);
    expect(unit).toEqual({ hsa_id: "SE2321000131-P000000123457", name: "SE2321000131-P000000123457" });
    const [hb] = await rows<{ value_number: number; unit: string; title: string }>(
      database.db,
      sql`SELECT value_number, unit, title FROM record_entries WHERE resource_type = 'Observation' AND code = '718-7' LIMIT 1`,
    );
    expect(hb?.unit).toBe("g/dL");
    expect(hb?.title).toMatch(/Hemoglobin/);
    const [pending] = await rows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM record_entries WHERE (care_unit_id IS NULL AND care_unit_reference IS NOT NULL) OR (practitioner_id IS NULL AND practitioner_reference IS NOT NULL)`,
    );
    expect(pending?.n).toBe(0);
  });

  it("changes nothing when everything is ingested again", async () => {
    before = await snapshot(database.db);
    const again = mergeReports(await ingestFolder(synthea), await ingestFolder(sweden));
    expect(again.stored).toBe(0);
    expect(again.rejectedCount).toBe(0);
    expect(again.unchanged).toBe(first.stored + first.unchanged);
    expect(await snapshot(database.db)).toEqual(before);
  });
});
