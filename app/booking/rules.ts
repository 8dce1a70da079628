/**
 * Booking's time rules: until when an appointment can be changed online, and the weeks a citizen can book in. Pure:
 * route modules import it, so it runs in the browser too.
 */
import { nextDay, swedishDate, swedishMidnight } from "~/i18n/dates";

/** How many weeks ahead the booking pages show (this week included). */
export const BOOKING_WEEKS = 8;

export type ChangeRefusal = "not_active" | "started" | "deadline_passed" | "not_allowed" | "no_deadline";

export interface ChangeFacts {
  now: Date;
  startsAt: Date;
  /** true when the appointment is booked and not cancelled/being changed: callers decide. */
  active: boolean;
  /** The appointment type's cancellation deadline in hours; null when unknown (then no online change: call the unit). */
  deadlineHours: number | null;
  /** The clinical system's is-cancelable / is-reschedulable flags (absent → true). */
  cancelable: boolean;
  reschedulable: boolean;
}

export interface ChangeOptions {
  /** Until when it can be changed online (null when the deadline is unknown). */
  deadline: Date | null;
  /** null = allowed; otherwise why not. Precedence: not_active, started (now >= startsAt), no_deadline, deadline_passed (now >= deadline: the deadline instant itself is too late), not_allowed (flag false). */
  cancel: ChangeRefusal | null;
  reschedule: ChangeRefusal | null;
}

const HOUR_MS = 3_600_000;

/**
 * The last instant (exclusive) an appointment can be changed online: `deadlineHours` elapsed hours before it starts
 * ("24 h in primary care, 72 h specialist"). An absolute instant, not a wall-clock rule: when a summer-time change
 * falls between the deadline and the start, their local clock times differ. 24 h before 10:00 on Sunday 28 March 2027
 * (clocks went 02:00→03:00 that night) is 09:00 on the Saturday, 25 h of wall clock earlier; 24 h before 10:00 on
 * Sunday 31 October 2027 (03:00→02:00) is 11:00 on the Saturday, 23 h of wall clock. When the change is not between
 * them (10:00 Monday 29 March → 10:00 Sunday), the clock time is the same.
 */
export function changeDeadline(startsAt: Date, deadlineHours: number | null): Date | null {
  if (deadlineHours === null || !Number.isFinite(deadlineHours)) return null;
  return new Date(startsAt.getTime() - deadlineHours * HOUR_MS);
}

export function changeOptions(facts: ChangeFacts): ChangeOptions {
  const deadline = changeDeadline(facts.startsAt, facts.deadlineHours);
  const timeRefusal = ((): ChangeRefusal | null => {
    if (!facts.active) return "not_active";
    if (facts.now.getTime() >= facts.startsAt.getTime()) return "started";
    if (deadline === null) return "no_deadline";
    if (facts.now.getTime() >= deadline.getTime()) return "deadline_passed";
    return null;
  })();
  const refusal = (allowed: boolean): ChangeRefusal | null => timeRefusal ?? (allowed ? null : "not_allowed");
  return { deadline, cancel: refusal(facts.cancelable), reschedule: refusal(facts.reschedulable) };
}

export interface BookingWeek {
  index: number;
  from: Date;
  to: Date;
  firstDay: string;
  lastDay: string;
}

/** The calendar date `days` after `isoDate` (negative: before). */
function addDays(isoDate: string, days: number): string {
  const t = new Date(`${isoDate}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** The Monday of the ISO week that holds the calendar date `isoDate`. */
function mondayOf(isoDate: string): string {
  const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(isoDate, -((weekday + 6) % 7));
}

/** Week `index` (0 = the week that contains `now`, up to BOOKING_WEEKS-1) in Europe/Stockholm: `from` is Monday 00:00 Swedish time (for index 0: `now` itself), `to` the next Monday 00:00 Swedish time (exclusive); firstDay/lastDay the Swedish dates YYYY-MM-DD Monday and Sunday. null when index is outside 0..BOOKING_WEEKS-1 or not an integer. */
export function bookingWeek(now: Date, index: number): BookingWeek | null {
  if (!Number.isInteger(index) || index < 0 || index >= BOOKING_WEEKS) return null;
  const firstDay = addDays(mondayOf(swedishDate(now)), 7 * index);
  const lastDay = addDays(firstDay, 6);
  return {
    index,
    from: index === 0 ? now : swedishMidnight(firstDay),
    to: swedishMidnight(nextDay(lastDay)),
    firstDay,
    lastDay,
  };
}

/** Free times grouped by their Swedish date (YYYY-MM-DD), days in order, times in order. */
export function groupByDay<T extends { startsAt: string }>(times: readonly T[]): { day: string; times: T[] }[] {
  const sorted = times
    .map((time) => ({ time, at: new Date(time.startsAt).getTime() }))
    .sort((a, b) => a.at - b.at);
  const days: { day: string; times: T[] }[] = [];
  for (const { time, at } of sorted) {
    const day = swedishDate(new Date(at));
    const last = days.at(-1);
    if (last?.day === day) last.times.push(time);
    else days.push({ day, times: [time] });
  }
  return days;
}
