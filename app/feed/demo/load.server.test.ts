import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { demoCast, type CastKey } from "./cast";
import { EXCLUDED_UNITS } from "./catalogue";
import { generateDemoResources } from "./generate";
import { hasNoPeople, loadDemoData, loadDemoDataIfEmpty } from "./load.server";
import type { IngestReport } from "~/feed/ingest.server";

const TODAY = new Date("2026-03-15T10:00:00Z");
const id = (key: CastKey) => demoCast.find((c) => c.key === key)?.patientId as string;

let database: TestDatabase;
let report: IngestReport;
let loadMs: number;

async function query<T>(text: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await database.db.execute(text));
}

beforeAll(async () => {
  database = await createTestDatabase();
  const started = Date.now();
  report = (await loadDemoDataIfEmpty(database.db, { demoData: true }, { today: TODAY, patients: 50 })) as IngestReport;
  loadMs = Date.now() - started;
});

afterAll(async () => {
  await database?.destroy();
});

describe("loading the demo data through the feed", () => {
  it("stores every resource: nothing rejected, nothing skipped, no dead letters", async () => {
    const expected = [...generateDemoResources({ today: TODAY, patients: 50 })].length;
    expect(report.rejected).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.received).toBe(expected);
    expect(report.stored).toBe(expected);
    const [letters] = await query<{ n: number }>(sql`select count(*)::int as n from dead_letters`);
    expect(letters?.n).toBe(0);
    console.log(`demo data: ${expected} resources loaded in ${loadMs} ms`);
  });

  it("is a no-op the second time, and is not loaded again into a database with people", async () => {
    expect(await hasNoPeople(database.db)).toBe(false);
    expect(await loadDemoDataIfEmpty(database.db, { demoData: true }, { today: TODAY, patients: 50 })).toBeNull();
    const again = await loadDemoData(database.db, { today: TODAY, patients: 50 });
    expect(again.unchanged).toBe(report.received);
    expect(again.stored).toBe(0);
  });

  it("is not loaded when DEMO_DATA is off", async () => {
    const empty = await createTestDatabase();
    try {
      expect(await loadDemoDataIfEmpty(empty.db, { demoData: false })).toBeNull();
      expect(await hasNoPeople(empty.db)).toBe(true);
    } finally {
      await empty.destroy();
    }
  });

  it("gives every care unit its provider kind, and every entry of the cast a care unit", async () => {
    const kinds = await query<{ provider_kind: string; n: number }>(sql`select provider_kind, count(*)::int as n from care_units group by 1 order by 1`);
    expect(kinds.map((k) => k.provider_kind)).toEqual(["municipality", "private", "region"]);
    const orphans = await query<{ n: number }>(sql`
      select count(*)::int as n from record_entries e
      where e.person_id in (select id from people where id like '1000%') and e.care_unit_id is null`);
    expect(orphans[0]?.n).toBe(0);
    const unresolved = await query<{ n: number }>(sql`select count(*)::int as n from record_entries where person_id is null`);
    expect(unresolved[0]?.n).toBe(0);
  });

  it("gives the main person every section, from region, municipality and a private provider, with new entries", async () => {
    const main = id("main");
    const sections = await query<{ section: string }>(sql`select distinct section from record_entries where person_id = ${main} order by 1`);
    expect(sections.map((s) => s.section)).toEqual(["allergies", "care_contacts", "diagnoses", "medications", "notes", "referrals", "results", "vaccinations"]);
    const kinds = await query<{ provider_kind: string }>(sql`
      select distinct u.provider_kind from record_entries e join care_units u on u.id = e.care_unit_id
      where e.person_id = ${main} order by 1`);
    expect(kinds.map((k) => k.provider_kind)).toEqual(["municipality", "private", "region"]);
    const recent = await query<{ n: number }>(sql`
      select count(*)::int as n from record_entries
      where person_id = ${main} and recorded_at > ${new Date(TODAY.getTime() - 14 * 86_400_000).toISOString()}::timestamptz`);
    expect(recent[0]?.n).toBeGreaterThanOrEqual(5);
    const trend = await query<{ title: string; years: number; outside: number }>(sql`
      select title, count(distinct extract(year from occurred_at))::int as years,
             count(*) filter (where interpretation in ('H', 'L'))::int as outside
      from record_entries where person_id = ${main} and section = 'results' and value_number is not null
      group by title order by title`);
    const byTitle = new Map(trend.map((t) => [t.title, t]));
    for (const title of ["B-HbA1c", "P-Kreatinin", "B-Hb", "P-LDL-kolesterol"]) expect(byTitle.get(title)?.years, title).toBeGreaterThanOrEqual(4);
    expect(trend.filter((t) => t.outside > 0).length).toBeGreaterThanOrEqual(3);
  });

  it("records the guardians: five children for Johan, one blocked guardian, the protected child and the deceased", async () => {
    const johan = await query<{ n: number }>(sql`select count(*)::int as n from guardianships where guardian_person_id = ${id("guardian")} and active`);
    expect(johan[0]?.n).toBe(5);
    const blocked = await query<{ child_person_id: string; guardian_person_id: string }>(sql`select child_person_id, guardian_person_id from guardianships where blocked`);
    expect(blocked).toContainEqual({ child_person_id: id("child8"), guardian_person_id: id("blockedGuardian") });
    const henrik = await query<{ guardian_person_id: string | null; guardian_personnummer: string }>(sql`select guardian_person_id, guardian_personnummer from guardianships where child_person_id = ${id("teen16")}`);
    expect(henrik).toHaveLength(1);
    expect(henrik[0]?.guardian_person_id).toBeNull();
    const flags = await query<{ id: string; protected_identity: boolean; deceased: boolean }>(sql`select id, protected_identity, deceased from people where protected_identity or deceased order by id`);
    expect(flags.find((f) => f.id === id("protectedChild"))?.protected_identity).toBe(true);
    expect(flags.find((f) => f.id === id("deceased"))?.deceased).toBe(true);
  });

  it("stores the clinical system's access events with their patient and care unit, the unit named", async () => {
    const events = await query<{ n: number; unresolved: number; unnamed: number }>(sql`
      select count(*)::int as n,
             count(*) filter (where person_id is null or care_unit_id is null)::int as unresolved,
             count(*) filter (where care_unit_name is null)::int as unnamed
      from clinical_access_events`);
    expect(events[0]?.n).toBeGreaterThan(0);
    expect(events[0]?.unresolved).toBe(0);
    expect(events[0]?.unnamed).toBe(0);
  });

  it("has notes from the excluded units, bookable appointment types with free slots, and message threads both ways", async () => {
    const excluded = await query<{ n: number }>(sql`
      select count(*)::int as n from record_entries e join care_units u on u.id = e.care_unit_id
      where e.section = 'notes' and u.hsa_id in (${sql.join(EXCLUDED_UNITS.map((u) => sql`${u.hsaId}`), sql`, `)})`);
    expect(excluded[0]?.n).toBeGreaterThanOrEqual(2);
    const keyword = await query<{ n: number }>(sql`select count(*)::int as n from record_entries where section = 'notes' and text like '%Oro för att barn far illa%'`);
    expect(keyword[0]?.n).toBeGreaterThanOrEqual(1);
    const free = await query<{ name: string; deadline: number; free: number }>(sql`
      select t.name, t.cancellation_deadline_hours as deadline, count(s.id)::int as free
      from appointment_types t join schedules sc on sc.appointment_type_ids ? t.id join slots s on s.schedule_id = sc.id
      where t.bookable_online and s.status = 'free' and s.starts_at > ${TODAY.toISOString()}::timestamptz
      group by t.name, t.cancellation_deadline_hours`);
    expect(free.length).toBeGreaterThanOrEqual(10);
    expect(new Set(free.map((f) => f.deadline))).toEqual(new Set([24, 48, 72]));
    const threads = await query<{ direction: string; n: number }>(sql`
      select direction, count(*)::int as n from messages where person_id = ${id("main")} group by 1 order by 1`);
    expect(threads.map((t) => t.direction)).toEqual(["care", "patient"]);
    const booked = await query<{ n: number }>(sql`
      select count(*)::int as n from appointments a
      where a.person_id = ${id("main")} and a.status = 'booked' and a.starts_at > ${TODAY.toISOString()}::timestamptz`);
    expect(booked[0]?.n).toBeGreaterThanOrEqual(3);
  });

  it("gives every care unit a visiting address, and the sample-taking types their preparation text", async () => {
    const missing = await query<{ name: string }>(sql`select name from care_units where address is null or address !~ ', [0-9]{3} [0-9]{2} '`);
    expect(missing).toEqual([]);
    const [unit] = await query<{ address: string }>(sql`select address from care_units where name = 'Närhälsan Kungshöjd vårdcentral'`);
    expect(unit?.address).toBe("Kaponjärgatan 4, 411 22 Göteborg");
    const preparations = await query<{ name: string; preparation: string | null }>(sql`
      select name, preparation from appointment_types where code in ('provtagning', 'ogonbottenfoto', 'kuratorssamtal') order by name, id`);
    expect(preparations.filter((t) => t.name === "Provtagning").map((t) => t.preparation)).toEqual(
      Array(4).fill("Du behöver inte vara fastande om inte din mottagning har sagt det. Ta med legitimation."),
    );
    expect(preparations.find((t) => t.name === "Ögonbottenfotografering")?.preparation).toMatch(/^Pupillerna vidgas/);
    expect(preparations.find((t) => t.name === "Samtal med kurator")?.preparation).toBeNull();
  });
});
