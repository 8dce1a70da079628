/**
 * What the booking benchmarks share (bench-booking-race, bench-book): a fresh PostgreSQL database with the demo
 * catalogue and generated patients, a session per virtual citizen, who may book which type (asked of the booking
 * domain, as the pages ask it), and two production portal processes on the database.
 */
import http from "node:http";
import { sql } from "drizzle-orm";
import { bookableTypes, bookingUnits, freeTimes, type FreeTime } from "~/booking/booking.server";
import { adoptConfiguredKeywords } from "~/disclosure/keyword-verdicts.server";
import { openDatabase, rowsOf, type Database, type DatabaseHandle } from "../../db/connection";
import { migrate } from "../../db/migrate";
import { BOOKING_PORTAL_ENV, buildPortal, createDatabase, databaseUrlFor, dropDatabase, sessionCookie, startPortal, type Portal } from "./bench-portal";
import { loadGeneratedPatients } from "./bench-record-data";

export interface Citizen {
  personId: string;
  cookie: string;
  /** A client address of their own (X-Forwarded-For; the portal trusts one proxy in production). */
  address: string;
}

export interface BookingBench {
  db: Database;
  databaseUrl: string;
  citizens: Citizen[];
  /** Each bookable type (by id): the citizens who may book it, as the booking domain answers. */
  eligible: Map<string, Citizen[]>;
  portals: Portal[];
  cleanup: () => Promise<void>;
}

/** Runs `work` over the items, `concurrency` at a time. */
export async function eachLimited<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

/**
 * A database of the benchmark's own loaded with `patients` generated patients (and the demo catalogue: units, types,
 * 35 days of slots from tomorrow), sessions for up to `citizens` adults among them, and `portals` production portal
 * processes on it. `cleanup` stops the processes and drops the database.
 */
export async function prepareBookingBench(
  serverUrl: string,
  options: { patients: number; citizens: number; portals: number; /** A kept database to measure again, without loading (and not dropped). */ reuse?: string },
): Promise<BookingBench> {
  buildPortal();
  const name = options.reuse ?? `portal_bench_booking_${Date.now()}`;
  const databaseUrl = options.reuse ? databaseUrlFor(serverUrl, name) : await createDatabase(serverUrl, name);
  const handle: DatabaseHandle = await openDatabase({ databaseUrl, poolSize: 8 });
  const portals: Portal[] = [];
  const cleanup = async () => {
    for (const p of portals) p.child.kill("SIGTERM");
    await handle.close();
    if (!options.reuse) await dropDatabase(serverUrl, name);
  };
  try {
    const db = handle.db;
    await migrate(handle);
    await adoptConfiguredKeywords(db);
    if (!options.reuse) {
      const loaded = await loadGeneratedPatients(handle, options.patients);
      console.log(`loaded ${loaded.resources.toLocaleString("en")} resources (${options.patients.toLocaleString("en")} generated patients and the demo catalogue) in ${loaded.seconds.toFixed(0)} s`);
      await db.execute(sql`vacuum (analyze)`);
    }

    // Adults who book for themselves.
    const people = rowsOf<{ id: string }>(
      await db.execute(sql`
        select id from people
         where not deceased and personnummer is not null and birth_date < now() - interval '18 years'
         order by id limit ${options.citizens}`),
    );
    const citizens: Citizen[] = [];
    for (const [i, p] of people.entries()) {
      citizens.push({ personId: p.id, cookie: await sessionCookie(db, p.id), address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    }
    // Who may book what: the units each citizen can book at, and their types there.
    const eligible = new Map<string, Citizen[]>();
    await eachLimited(citizens, 8, async (citizen) => {
      for (const unit of await bookingUnits(db, { subjectId: citizen.personId })) {
        for (const type of await bookableTypes(db, { subjectId: citizen.personId, unitId: unit.id })) {
          const list = eligible.get(type.id) ?? [];
          list.push(citizen);
          eligible.set(type.id, list);
        }
      }
    });
    for (let i = 0; i < options.portals; i++) portals.push(await startPortal(databaseUrl, { env: BOOKING_PORTAL_ENV }));
    return { db, databaseUrl, citizens, eligible, portals, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The free times of a type over the whole booking horizon, as a citizen who may book it sees them. */
export async function freeTimesOf(db: Database, typeId: string, citizen: Citizen, now = new Date()): Promise<FreeTime[]> {
  return freeTimes(db, { subjectId: citizen.personId, typeId, from: now, to: new Date(now.getTime() + 60 * 24 * 3600_000), now });
}

export interface Answer {
  status: number;
  ms: number;
}

/**
 * POSTs the confirmation form as the citizen's browser would (their session cookie, the portal's own Origin, their
 * address), without following the redirect. Status 0: the request failed on the network.
 */
export function postBooking(agent: http.Agent, portal: Portal, citizen: Citizen, slotId: string): Promise<Answer> {
  const body = new URLSearchParams({ slot: slotId, subject: citizen.personId }).toString();
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      `${portal.url}/appointments/book/confirm`,
      {
        method: "POST",
        agent,
        headers: {
          cookie: citizen.cookie,
          origin: portal.url,
          "x-forwarded-for": citizen.address,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}
