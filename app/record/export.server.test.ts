import type { Bundle, Patient } from "@medplum/fhirtypes";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, setDatabase } from "../../db/connection";
import { accessLog } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { demoCast, type CastKey } from "~/feed/demo/cast";
import { EXCLUDED_UNITS } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { createSession, setActingFor, setHideEntriesAfter } from "~/identity/session.server";
import { requestWithCookie } from "~/identity/test-factories";
import { r4Problems } from "./fhir-r4";
import { exportResponse } from "./pages.server";

/**
 * The FHIR download over the demo data, loaded through the feed: for each reader, a Bundle that R4's definitions find
 * valid, holding the subject's Patient (only what the portal shows of them), in which every reference resolves; and
 * nothing the portal does not show (a withheld unit, a withheld entry, one hidden by the session's choice, the
 * guardian acting for a child) named anywhere in it.
 */

let database: TestDatabase;
const DAY = 86_400_000;
const idOf = (key: CastKey) => demoCast.find((c) => c.key === key)!.patientId!;

interface Person {
  id: string;
  personnummer: string;
  given_name: string;
  family_name: string;
  birth_date: string;
}

async function person(key: CastKey): Promise<Person> {
  const [row] = rowsOf<Person>(
    await database.db.execute(
      sql`select id, personnummer, given_name, family_name, to_char(birth_date, 'YYYY-MM-DD') as birth_date from people where id = ${idOf(key)}`,
    ),
  );
  return row!;
}

/** The subject's entries that the download does not hold: withheld, hidden by the session's choice, or deleted. */
async function notDownloaded(subjectId: string, bundle: Bundle): Promise<string[]> {
  const held = new Set((bundle.entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
  const rows = rowsOf<{ ref: string }>(
    await database.db.execute(sql`select resource_type || '/' || id as ref from record_entries where person_id = ${subjectId}`),
  );
  return rows.map((r) => r.ref).filter((r) => !held.has(r));
}

async function download(key: CastKey, options: { actingFor?: CastKey; hideAfter?: Date; query?: string } = {}) {
  const s = await createSession(database.db, { personId: idOf(key) });
  if (options.actingFor) await setActingFor(database.db, idOf(key), s.sessionId, idOf(options.actingFor));
  if (options.hideAfter) await setHideEntriesAfter(database.db, idOf(key), s.sessionId, options.hideAfter);
  const response = await exportResponse(requestWithCookie(`/record/export.json${options.query ?? ""}`, s.cookie));
  const text = await response.text();
  return { text, bundle: JSON.parse(text) as Bundle };
}

/** Whether the text names the resource "Type/id" anywhere: as a reference, or by its id. */
function names(text: string, ref: string): boolean {
  const id = ref.split("/")[1]!;
  return text.includes(`"${ref}"`) || text.includes(`/${ref}"`) || text.includes(`"${id}"`);
}

/** The references a bundle's text holds, as written. */
function referencesIn(text: string): string[] {
  return [...text.matchAll(/"reference":"([^"]*)"/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  await loadDemoData(database.db, { patients: 0 });
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await database?.destroy();
});

describe("the FHIR download", () => {
  it("is a valid R4 Bundle whose every reference resolves inside it, for each reader of the demo", async () => {
    for (const key of ["main", "child17", "teen16", "holmMother", "guardian"] as const) {
      const { bundle } = await download(key);
      expect(r4Problems(bundle), key).toEqual([]);
      expect(bundle.entry!.length, key).toBeGreaterThan(1);
    }
  });

  it("holds the subject's Patient first, as the portal shows them, at the fullUrl the entries refer to", async () => {
    const anna = await person("main");
    const { bundle } = await download("main");
    const [first, ...rest] = bundle.entry!;
    expect(first!.resource).toEqual({
      resourceType: "Patient",
      id: anna.id,
      identifier: [{ system: "urn:oid:1.2.752.129.2.1.3.1", value: anna.personnummer }],
      name: [{ family: anna.family_name, given: [anna.given_name] }],
      gender: "female",
      birthDate: anna.birth_date,
    } satisfies Patient);
    expect(first!.fullUrl).toBe(`http://localhost:3000/fhir/Patient/${anna.id}`);
    for (const entry of rest) {
      expect(entry.fullUrl).toBe(`http://localhost:3000/fhir/${entry.resource!.resourceType}/${entry.resource!.id}`);
      const r = entry.resource as { subject?: { reference?: string }; patient?: { reference?: string } };
      if (r.subject ?? r.patient) expect((r.subject ?? r.patient)!.reference).toBe(`Patient/${anna.id}`);
    }
    // The care units the entries come from are in it too, each with the provider it belongs to.
    const types = new Set(rest.map((e) => e.resource!.resourceType));
    expect(types).toContain("Organization");
  });

  it("for a guardian acting for a child: the child's Patient, and nothing of the guardian or of what is withheld", async () => {
    const mother = await person("holmMother");
    const theo = await person("child8");
    const { text, bundle } = await download("holmMother", { actingFor: "child8" });
    expect(r4Problems(bundle)).toEqual([]);
    const patients = bundle.entry!.filter((e) => e.resource!.resourceType === "Patient").map((e) => e.resource as Patient);
    expect(patients.map((p) => [p.id, p.identifier?.[0]?.value, p.name?.[0]?.given?.[0]])).toEqual([[theo.id, theo.personnummer, theo.given_name]]);
    for (const secret of [mother.personnummer, `"${mother.id}"`, `Patient/${mother.id}`]) expect(text).not.toContain(secret);
    // Theo's notes and contacts at Barnahus are withheld online: neither they, nor the unit, nor its staff are named.
    const withheld = await notDownloaded(theo.id, bundle);
    expect(withheld.length).toBeGreaterThan(0);
    for (const ref of withheld) expect(names(text, ref), ref).toBe(false);
    for (const unit of EXCLUDED_UNITS) {
      expect(text).not.toContain(unit.name);
      expect(text).not.toContain(unit.hsaId);
      expect(referencesIn(text)).not.toContain(`Organization/${unit.id}`);
    }
    expect(text).not.toMatch(/Barnahus/i);
  });

  it("names no entry the session's choice hides, nor one withheld by a keyword", async () => {
    const lina = await person("holmMother");
    for (const hideAfter of [undefined, new Date(Date.now() - 14 * DAY), new Date(Date.now() - 365 * DAY)]) {
      const { text, bundle } = await download("holmMother", hideAfter ? { hideAfter } : {});
      expect(r4Problems(bundle)).toEqual([]);
      const missing = await notDownloaded(lina.id, bundle);
      expect(missing.length).toBeGreaterThan(0);
      for (const ref of missing) expect(names(text, ref), ref).toBe(false);
      expect(text).not.toContain("Våldsutsatt");
    }
  });

  it("one section: its entries refer to no care contact the download leaves out", async () => {
    const { bundle } = await download("main", { query: "?section=notes" });
    expect(r4Problems(bundle)).toEqual([]);
    const types = new Set(bundle.entry!.map((e) => e.resource!.resourceType));
    expect(types).toContain("DocumentReference");
    expect(types).not.toContain("Encounter");
  });

  it("logs the Patient as read, with the entries", async () => {
    const anna = await person("main");
    const { bundle } = await download("main", { query: "?section=allergies" });
    const [row] = await database.db
      .select({ refs: accessLog.resourceRefs })
      .from(accessLog)
      .where(eq(accessLog.subjectPersonId, anna.id))
      .orderBy(sql`${accessLog.id} desc`)
      .limit(1);
    const entries = bundle.entry!.filter((e) => e.resource!.resourceType === "AllergyIntolerance").map((e) => `AllergyIntolerance/${e.resource!.id}`);
    expect(row?.refs).toEqual([`Patient/${anna.id}`, ...entries]);
  });
});
