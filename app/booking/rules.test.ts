import { describe, expect, it } from "vitest";
import { BOOKING_WEEKS, bookingWeek, changeDeadline, changeOptions, groupByDay, type ChangeFacts } from "./rules";

const SWEDISH = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Stockholm",
  weekday: "long",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
/** "söndag 2027-03-28 10:00": built from parts, since ICU versions punctuate the whole differently. */
function swedish(d: Date | null): string | null {
  if (d === null) return null;
  const part = Object.fromEntries(SWEDISH.formatToParts(d).map((p) => [p.type, p.value]));
  return `${part.weekday} ${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}
const HOUR = 3_600_000;

/** A booked appointment at 10:00 Swedish time on Wednesday 2027-01-20, 24 h deadline, both flags true. */
function facts(overrides: Partial<ChangeFacts> = {}): ChangeFacts {
  return {
    now: new Date("2027-01-18T12:00:00Z"),
    startsAt: new Date("2027-01-20T09:00:00Z"),
    active: true,
    deadlineHours: 24,
    cancelable: true,
    reschedulable: true,
    ...overrides,
  };
}

describe("changeDeadline", () => {
  it("is the given elapsed hours before the start", () => {
    expect(changeDeadline(new Date("2027-01-20T09:00:00Z"), 24)?.toISOString()).toBe("2027-01-19T09:00:00.000Z");
    expect(changeDeadline(new Date("2027-01-20T09:00:00Z"), 72)?.toISOString()).toBe("2027-01-17T09:00:00.000Z");
  });

  it("is unknown when the hours are", () => {
    expect(changeDeadline(new Date("2027-01-20T09:00:00Z"), null)).toBeNull();
  });

  it("counts elapsed hours across spring forward (2027-03-28, 02:00→03:00): 25 h of wall clock back", () => {
    const start = new Date("2027-03-28T08:00:00Z");
    expect(swedish(start)).toBe("söndag 2027-03-28 10:00");
    expect(swedish(changeDeadline(start, 24))).toBe("lördag 2027-03-27 09:00");
    // The Monday after: the change is before both, so the clock time stays.
    const monday = new Date("2027-03-29T08:00:00Z");
    expect(swedish(monday)).toBe("måndag 2027-03-29 10:00");
    expect(swedish(changeDeadline(monday, 24))).toBe("söndag 2027-03-28 10:00");
    // 72 h before that Monday reaches back over the change.
    expect(swedish(changeDeadline(monday, 72))).toBe("fredag 2027-03-26 09:00");
  });

  it("counts elapsed hours across fall back (2027-10-31, 03:00→02:00): 23 h of wall clock back", () => {
    const start = new Date("2027-10-31T09:00:00Z");
    expect(swedish(start)).toBe("söndag 2027-10-31 10:00");
    expect(swedish(changeDeadline(start, 24))).toBe("lördag 2027-10-30 11:00");
    const monday = new Date("2027-11-01T09:00:00Z");
    expect(swedish(changeDeadline(monday, 72))).toBe("fredag 2027-10-29 11:00");
  });
});

describe("changeOptions", () => {
  it("allows both before the deadline, up to 1 ms before it", () => {
    expect(changeOptions(facts())).toEqual({ deadline: new Date("2027-01-19T09:00:00Z"), cancel: null, reschedule: null });
    const justBefore = changeOptions(facts({ now: new Date(Date.parse("2027-01-19T09:00:00Z") - 1) }));
    expect(justBefore.cancel).toBeNull();
    expect(justBefore.reschedule).toBeNull();
  });

  it("refuses at the deadline instant itself and after", () => {
    for (const now of [new Date("2027-01-19T09:00:00Z"), new Date("2027-01-20T08:59:59Z")]) {
      const options = changeOptions(facts({ now }));
      expect(options.cancel).toBe("deadline_passed");
      expect(options.reschedule).toBe("deadline_passed");
    }
  });

  it("a started appointment: at its start and after", () => {
    for (const now of [new Date("2027-01-20T09:00:00Z"), new Date("2027-01-21T09:00:00Z")]) {
      expect(changeOptions(facts({ now }))).toMatchObject({ cancel: "started", reschedule: "started" });
    }
  });

  it("an unknown deadline: no online change, and no deadline to show", () => {
    expect(changeOptions(facts({ deadlineHours: null }))).toEqual({ deadline: null, cancel: "no_deadline", reschedule: "no_deadline" });
  });

  it("the clinical system's flags, each on its own", () => {
    expect(changeOptions(facts({ cancelable: false }))).toMatchObject({ cancel: "not_allowed", reschedule: null });
    expect(changeOptions(facts({ reschedulable: false }))).toMatchObject({ cancel: null, reschedule: "not_allowed" });
  });

  it("follows the precedence not_active, started, no_deadline, deadline_passed, not_allowed", () => {
    const closed = { cancelable: false, reschedulable: false };
    const started = new Date("2027-01-20T10:00:00Z");
    const late = new Date("2027-01-19T10:00:00Z");
    expect(changeOptions(facts({ ...closed, active: false, now: started, deadlineHours: null })).cancel).toBe("not_active");
    expect(changeOptions(facts({ ...closed, now: started, deadlineHours: null })).cancel).toBe("started");
    expect(changeOptions(facts({ ...closed, now: late, deadlineHours: null })).cancel).toBe("no_deadline");
    expect(changeOptions(facts({ ...closed, now: late })).reschedule).toBe("deadline_passed");
    expect(changeOptions(facts({ ...closed })).reschedule).toBe("not_allowed");
  });

  it("the deadline across spring forward: 1 ms before allowed, at it refused", () => {
    const startsAt = new Date("2027-03-28T08:00:00Z"); // Sunday 10:00 CEST
    const deadline = new Date("2027-03-27T08:00:00Z"); // Saturday 09:00 CET
    expect(changeOptions(facts({ startsAt, now: new Date(deadline.getTime() - 1) })).cancel).toBeNull();
    expect(changeOptions(facts({ startsAt, now: deadline }))).toEqual({ deadline, cancel: "deadline_passed", reschedule: "deadline_passed" });
  });
});

describe("bookingWeek", () => {
  // Wednesday 2027-01-13 14:00 Swedish time.
  const now = new Date("2027-01-13T13:00:00Z");

  it("week 0 starts now and ends at the next Monday's Swedish midnight", () => {
    expect(bookingWeek(now, 0)).toEqual({
      index: 0,
      from: now,
      to: new Date("2027-01-17T23:00:00Z"),
      firstDay: "2027-01-11",
      lastDay: "2027-01-17",
    });
  });

  it("later weeks run Monday 00:00 to Monday 00:00 Swedish time", () => {
    expect(bookingWeek(now, 1)).toEqual({
      index: 1,
      from: new Date("2027-01-17T23:00:00Z"),
      to: new Date("2027-01-24T23:00:00Z"),
      firstDay: "2027-01-18",
      lastDay: "2027-01-24",
    });
    expect(bookingWeek(now, BOOKING_WEEKS - 1)).toMatchObject({ firstDay: "2027-03-01", lastDay: "2027-03-07" });
  });

  it("weeks are consecutive: each starts where the last ended", () => {
    for (let i = 1; i < BOOKING_WEEKS; i++) expect(bookingWeek(now, i)?.from).toEqual(bookingWeek(now, i - 1)?.to);
  });

  it("a Swedish Monday that is still Sunday in UTC belongs to the new week", () => {
    const mondayMorning = new Date("2027-01-17T23:30:00Z"); // Monday 00:30 in Stockholm
    expect(bookingWeek(mondayMorning, 0)).toMatchObject({ firstDay: "2027-01-18", from: mondayMorning });
  });

  it("a Sunday evening belongs to the week of the Monday before", () => {
    const sundayEvening = new Date("2027-01-17T22:59:59Z"); // Sunday 23:59:59
    expect(bookingWeek(sundayEvening, 0)).toMatchObject({ firstDay: "2027-01-11", lastDay: "2027-01-17", to: new Date("2027-01-17T23:00:00Z") });
  });

  it("the week with spring forward is 167 h long and starts at Monday 00:00 local", () => {
    const week = bookingWeek(new Date("2027-03-10T12:00:00Z"), 2);
    expect(week).toMatchObject({ firstDay: "2027-03-22", lastDay: "2027-03-28" });
    expect(swedish(week!.from)).toBe("måndag 2027-03-22 00:00");
    expect(swedish(week!.to)).toBe("måndag 2027-03-29 00:00");
    expect((week!.to.getTime() - week!.from.getTime()) / HOUR).toBe(167);
  });

  it("the week with fall back is 169 h long and starts at Monday 00:00 local", () => {
    const week = bookingWeek(new Date("2027-10-13T12:00:00Z"), 2);
    expect(week).toMatchObject({ firstDay: "2027-10-25", lastDay: "2027-10-31" });
    expect(swedish(week!.from)).toBe("måndag 2027-10-25 00:00");
    expect(swedish(week!.to)).toBe("måndag 2027-11-01 00:00");
    expect((week!.to.getTime() - week!.from.getTime()) / HOUR).toBe(169);
  });

  it("weeks span a year end", () => {
    expect(bookingWeek(new Date("2027-12-29T12:00:00Z"), 1)).toMatchObject({ firstDay: "2028-01-03", lastDay: "2028-01-09" });
    expect(bookingWeek(new Date("2027-12-29T12:00:00Z"), 0)).toMatchObject({ firstDay: "2027-12-27", lastDay: "2028-01-02" });
  });

  it("no week outside 0..BOOKING_WEEKS-1 or for a non-integer", () => {
    for (const index of [BOOKING_WEEKS, 8, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(bookingWeek(now, index)).toBeNull();
  });
});

describe("groupByDay", () => {
  it("groups by the Swedish date, days and times in order", () => {
    const times = [
      { id: "c", startsAt: "2027-01-19T08:00:00.000Z" },
      { id: "b", startsAt: "2027-01-18T22:30:00.000Z" }, // 23:30 on the 18th in Sweden
      { id: "d", startsAt: "2027-01-18T23:15:00.000Z" }, // 00:15 on the 19th in Sweden
      { id: "a", startsAt: "2027-01-18T07:00:00.000Z" },
    ];
    expect(groupByDay(times)).toEqual([
      { day: "2027-01-18", times: [times[3], times[1]] },
      { day: "2027-01-19", times: [times[2], times[0]] },
    ]);
  });

  it("uses summer time in summer", () => {
    expect(groupByDay([{ startsAt: "2027-06-14T22:30:00Z" }]).map((d) => d.day)).toEqual(["2027-06-15"]);
  });

  it("nothing in, nothing out", () => {
    expect(groupByDay([])).toEqual([]);
  });
});
