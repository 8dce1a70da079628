import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, setDatabase } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { service } from "~/feed/demo/catalogue";
import { loadDemoData } from "~/feed/demo/load.server";
import { swedishMidnight } from "~/i18n/dates";
import { createSession, setActingFor } from "~/identity/session.server";
import { requestWithCookie } from "~/identity/test-factories";
import { freeTimes } from "./booking.server";
import { bookTime, readAppointmentPage, readAppointmentsPage, readUnitsPage } from "./pages.server";

/**
 * Who may book for whom, over the demo's people, through the pages (a real session, requireAccess "book"), with the
 * clock set: a guardian for a child under 13 (to the day before the 13th birthday), a young person of 13-15 for
 * themselves; never a guardian of a protected child, a blocked guardian, a guardian of a 13-year-old. Refused: 404,
 * the same answer as for an appointment that is not theirs, and nothing booked.
 */

const TODAY = new Date();
const cast = {
  anna: "10000001",
  johan: "10000002",
  elsa: "10000005",
  oskar: "10000006",
  maja: "10000007",
  lina: "10000010",
  mikael: "10000011",
  theo: "10000012",
  nadia: "10000013",
  protectedChild: "10000014",
  leo: "10000016",
};
const asthma = service("kungshojdAsthma");

let database: TestDatabase;
let oskarTurns13: Date;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  await loadDemoData(database.db, { today: TODAY, patients: 0 });
  const [oskar] = rowsOf<{ birth_date: string | Date }>(await database.db.execute(sql`select birth_date from people where id = ${cast.oskar}`));
  const born = typeof oskar!.birth_date === "string" ? oskar!.birth_date.slice(0, 10) : oskar!.birth_date.toISOString().slice(0, 10);
  oskarTurns13 = swedishMidnight(`${Number(born.slice(0, 4)) + 13}${born.slice(4)}`);
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await database?.destroy();
});

/** A session of `personId` acting for `subject`, begun at `now`. */
async function as(personId: string, subject: string, now: Date) {
  const session = await createSession(database.db, { personId, now });
  if (subject !== personId) await setActingFor(database.db, personId, session.sessionId, subject);
  return {
    get: (path: string) => requestWithCookie(path, session.cookie),
    post: (path: string, fields: Record<string, string>) => requestWithCookie(path, session.cookie, { method: "POST", body: new URLSearchParams(fields) }),
  };
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    const value = (await promise) as { init?: { status?: number } | null };
    return value?.init?.status ?? 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

async function heldBy(personId: string): Promise<number> {
  return rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from bookings where person_id = ${personId}`))[0]!.n;
}

/** Lists, opens the booking page, and books a free asthma check for the subject: each page's status. */
async function tryAll(personId: string, subject: string, now: Date) {
  const s = await as(personId, subject, now);
  const [time] = await freeTimes(database.db, { subjectId: subject, typeId: asthma.id, from: new Date(now.getTime() + 2 * 86_400_000), to: new Date(now.getTime() + 30 * 86_400_000), now });
  return {
    list: await status(readAppointmentsPage(s.get("/appointments"), now)),
    units: await status(readUnitsPage(s.get("/appointments/book"), now)),
    book: await status(bookTime(s.post(`/appointments/book/confirm?slot=${time!.slotId}`, { slot: time!.slotId, subject }), now)),
  };
}

const allowed = { list: 200, units: 200, book: 303 };
const refused = { list: 404, units: 404, book: 404 };

describe("who may book for whom", () => {
  it("lets a guardian book for a child of 12, up to the day before the 13th birthday", async () => {
    expect(await tryAll(cast.johan, cast.oskar, new Date())).toEqual(allowed);
    expect(await tryAll(cast.johan, cast.oskar, new Date(oskarTurns13.getTime() - 1))).toEqual(allowed);
    const before = await heldBy(cast.oskar);
    expect(await tryAll(cast.johan, cast.oskar, oskarTurns13)).toEqual(refused);
    expect(await heldBy(cast.oskar)).toBe(before);
  });

  it("lets a young person of 14 book their own time", async () => {
    expect(await tryAll(cast.leo, cast.leo, new Date())).toEqual(allowed);
  });

  it("refuses a guardian of a 13-year-old, of a protected child, and a blocked guardian; the other guardian may", async () => {
    for (const [guardian, child] of [
      [cast.johan, cast.maja],
      [cast.nadia, cast.protectedChild],
      [cast.mikael, cast.theo],
    ] as const) {
      const s = await as(guardian, child, new Date());
      expect(await status(readAppointmentsPage(s.get("/appointments")))).toBe(404);
      expect(await status(readUnitsPage(s.get("/appointments/book")))).toBe(404);
      expect(await status(bookTime(s.post("/appointments/book/confirm?slot=x", { slot: "x", subject: child })))).toBe(404);
      expect(await heldBy(child)).toBe(0);
    }
    const lina = await as(cast.lina, cast.theo, new Date());
    expect(await status(readAppointmentsPage(lina.get("/appointments")))).toBe(200);
  });

  it("answers 404 for another person's appointment, as for one that does not exist", async () => {
    const [annas] = rowsOf<{ id: string }>(await database.db.execute(sql`select id from appointments where person_id = ${cast.anna} limit 1`));
    const [elsas] = rowsOf<{ id: string }>(await database.db.execute(sql`select id from appointments where person_id = ${cast.elsa} limit 1`));
    const s = await as(cast.johan, cast.elsa, new Date());
    expect(await status(readAppointmentPage(s.get(`/appointments/${annas!.id}`), annas!.id))).toBe(404);
    expect(await status(readAppointmentPage(s.get("/appointments/no-such"), "no-such"))).toBe(404);
    expect(await status(readAppointmentPage(s.get(`/appointments/${elsas!.id}`), elsas!.id))).toBe(200);
    const anna = await as(cast.anna, cast.anna, new Date());
    expect(await status(readAppointmentPage(anna.get(`/appointments/${annas!.id}`), annas!.id))).toBe(200);
  });
});
