import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import { HELD_STATES } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { BOOK } from "~/clinical/writes/appointments.server";
import { service, unit } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { ingestBatch } from "~/feed/ingest.server";
import { book, bookableType, freeTimes, type FreeTime } from "./booking.server";

/**
 * Many citizens asking for few times at once, through one database pool (PostgreSQL with TEST_DATABASE_URL, else
 * PGlite): the database gives each slot to one of them, never two overlapping times to one person, and writes one
 * outbox row per hold. `npm run bench:booking-race` is the same at scale, through two portal processes.
 */

const TODAY = new Date("2027-03-15T06:00:00Z"); // a Monday
const NOW = new Date("2027-03-15T09:00:00Z");
const CITIZENS = 200;
const SLOTS = 20;
const CALLS = 400;
const lab = service("kungshojdLab");
const heldStates = sql.raw(HELD_STATES.map((s) => `'${s}'`).join(", "));

let database: TestDatabase;
let db: Database;
const citizens = Array.from({ length: CITIZENS }, (_, i) => String(30_000_000 + i));

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await loadDemoData(db, { today: TODAY, patients: 0 });
  // Citizens listed at the health centre: in its care, so they may book its times.
  const managing = unit("nhKungshojd");
  const { report } = await ingestBatch(
    db,
    {
      kind: "resources",
      resources: citizens.map((id) => ({
        resourceType: "Patient",
        id,
        meta: { versionId: "1", lastUpdated: "2027-03-01T08:00:00Z" },
        active: true,
        name: [{ use: "official", text: `Patient ${id}`, family: "Patient", given: [id] }],
        gender: "female",
        birthDate: "1980-01-01",
        managingOrganization: { reference: `Organization/${managing.id}`, display: managing.name },
      })),
    },
    { source: "test" },
  );
  expect(report.rejected).toEqual([]);
}, 120_000);

afterAll(async () => {
  await database?.destroy();
});

/** The first free times of the type that do not overlap one another (one schedule's times may follow others'). */
function apart(times: FreeTime[], count: number): FreeTime[] {
  const chosen: FreeTime[] = [];
  for (const t of times) if (chosen.every((c) => t.startsAt >= c.endsAt || t.endsAt <= c.startsAt)) chosen.push(t);
  return chosen.slice(0, count);
}

/** A fixed shuffle (a linear congruential generator): the same order of calls on every run. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("many citizens booking few times at once", () => {
  it(`gives each of ${SLOTS} times to exactly one of ${CITIZENS} citizens asking ${CALLS} times, with one outbox row per hold`, async () => {
    // Every citizen may book the type, as the domain answers it.
    for (const id of citizens) expect(await bookableType(db, { subjectId: id, typeId: lab.id, now: NOW })).not.toBeNull();
    const times = apart(await freeTimes(db, { subjectId: citizens[0]!, typeId: lab.id, from: NOW, to: new Date(NOW.getTime() + 14 * 24 * 3600_000), now: NOW }), SLOTS);
    expect(times).toHaveLength(SLOTS);

    // Each citizen asks for two different times; each time is asked for by 20 citizens; all at once, in a mixed order.
    const calls = shuffled(Array.from({ length: CALLS }, (_, k) => ({ citizen: citizens[k % CITIZENS]!, slot: times[Math.floor(k / SLOTS) % SLOTS]! })));
    const outcomes = await Promise.all(calls.map((c) => book(db, { subjectPersonId: c.citizen, actorPersonId: c.citizen }, { slotId: c.slot.slotId, now: NOW })));

    // Every answer is a booking or a clear refusal; the bookings name 20 holds.
    for (const o of outcomes) if (!o.ok) expect(["slot_taken", "overlap"]).toContain(o.error);
    const bookedIds = new Set(outcomes.flatMap((o) => (o.ok ? [o.id] : [])));
    expect(bookedIds.size).toBe(SLOTS);

    const holds = rowsOf<{ id: string; slot_id: string; person_id: string }>(
      await db.execute(sql`select id, slot_id, person_id from bookings where slot_id is not null and state in (${heldStates})`),
    );
    expect(holds).toHaveLength(SLOTS);
    expect(new Set(holds.map((h) => h.slot_id))).toEqual(new Set(times.map((t) => t.slotId)));
    expect(new Set(holds.map((h) => h.id))).toEqual(bookedIds);
    // Nobody holds two overlapping times.
    const overlaps = rowsOf<{ n: number }>(
      await db.execute(sql`
        select count(*)::int as n from bookings a join bookings b
          on a.person_id = b.person_id and a.id < b.id and a.starts_at < b.ends_at and b.starts_at < a.ends_at
         where a.slot_id is not null and b.slot_id is not null and a.state in (${heldStates}) and b.state in (${heldStates})`),
    );
    expect(overlaps[0]!.n).toBe(0);
    // One appointment.book row in the outbox per hold, each the hold's own, and no other.
    const outbox = rowsOf<{ id: number | string; slot_id: string; patient_id: string }>(
      await db.execute(sql`select id, payload->>'slotId' as slot_id, payload->>'patientId' as patient_id from clinical_outbox where kind = ${BOOK}`),
    );
    expect(outbox).toHaveLength(SLOTS);
    const linked = rowsOf<{ slot_id: string; person_id: string; o_slot: string; o_patient: string }>(
      await db.execute(sql`
        select b.slot_id, b.person_id, o.payload->>'slotId' as o_slot, o.payload->>'patientId' as o_patient
          from bookings b join clinical_outbox o on o.id = b.outbox_id
         where b.state in (${heldStates})`),
    );
    expect(linked).toHaveLength(SLOTS);
    for (const l of linked) expect([l.o_slot, l.o_patient]).toEqual([l.slot_id, l.person_id]);
  });
});
