/**
 * What the booking benchmarks share (bench-booking-race, bench-book): the bench database, sessions and portals of
 * bench-citizens.ts, and who may book which type (asked of the booking domain, as the pages ask it).
 */
import type http from "node:http";
import { bookableTypes, bookingUnits, freeTimes, type FreeTime } from "~/booking/booking.server";
import type { Database } from "../../db/connection";
import type { Portal } from "./bench-portal";
import { eachLimited, postForm, prepareCitizenBench, type Answer, type Citizen, type CitizenBench } from "./bench-citizens";

export { eachLimited, type Answer, type Citizen } from "./bench-citizens";

export interface BookingBench extends CitizenBench {
  /** Each bookable type (by id): the citizens who may book it, as the booking domain answers. */
  eligible: Map<string, Citizen[]>;
}

/**
 * The bench database, sessions and portals of prepareCitizenBench, and who may book which type: the units each
 * citizen can book at, and their types there (asked before the portals start).
 */
export async function prepareBookingBench(
  serverUrl: string,
  options: { patients: number; citizens: number; portals: number; /** A kept database to measure again, without loading (and not dropped). */ reuse?: string },
): Promise<BookingBench> {
  const eligible = new Map<string, Citizen[]>();
  const bench = await prepareCitizenBench(serverUrl, { ...options, name: "booking" }, async (db, citizens) => {
    const now = new Date();
    await eachLimited(citizens, 8, async (citizen) => {
      for (const unit of await bookingUnits(db, { subjectId: citizen.personId, now })) {
        for (const type of await bookableTypes(db, { subjectId: citizen.personId, unitId: unit.id, now })) {
          const list = eligible.get(type.id) ?? [];
          list.push(citizen);
          eligible.set(type.id, list);
        }
      }
    });
  });
  return { ...bench, eligible };
}

/** The free times of a type over the whole booking horizon, as a citizen who may book it sees them. */
export async function freeTimesOf(db: Database, typeId: string, citizen: Citizen, now = new Date()): Promise<FreeTime[]> {
  return freeTimes(db, { subjectId: citizen.personId, typeId, from: now, to: new Date(now.getTime() + 60 * 24 * 3600_000), now });
}

/** POSTs the confirmation form of the slot as the citizen's browser would (see postForm). */
export function postBooking(agent: http.Agent, portal: Portal, citizen: Citizen, slotId: string): Promise<Answer> {
  const body = new URLSearchParams({ slot: slotId, subject: citizen.personId }).toString();
  return postForm(agent, portal, citizen, "/appointments/book/confirm", { contentType: "application/x-www-form-urlencoded", body });
}
