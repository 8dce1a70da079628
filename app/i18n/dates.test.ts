import { describe, expect, it } from "vitest";
import { nextDay, swedishDate, swedishMidnight, swedishOrder, toIso } from "./dates";

describe("Swedish days", () => {
  it("today is the calendar date in Sweden, not in UTC", () => {
    // 23:30 UTC on 31 December is already New Year's Day in Stockholm (UTC+1 in winter).
    expect(swedishDate(new Date("2025-12-31T23:30:00Z"))).toBe("2026-01-01");
    expect(swedishDate(new Date("2025-12-31T22:30:00Z"))).toBe("2025-12-31");
    // Summer time (UTC+2).
    expect(swedishDate(new Date("2026-06-14T22:30:00Z"))).toBe("2026-06-15");
  });

  it("midnight follows summer time", () => {
    expect(swedishMidnight("2026-01-15").toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(swedishMidnight("2026-07-15").toISOString()).toBe("2026-07-14T22:00:00.000Z");
  });

  it("the next day steps across month and year ends", () => {
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });

  it("names sort with å, ä, ö last", () => {
    expect(["Örebro", "Alingsås", "Åmål", "Ängelholm", "Borås"].sort(swedishOrder)).toEqual(["Alingsås", "Borås", "Åmål", "Ängelholm", "Örebro"]);
  });
});

describe("toIso", () => {
  it("reads PostgreSQL's text of an instant, in any offset, Dates and nothing", () => {
    expect(toIso("2026-03-01 10:00:00+00")).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso("2026-03-01 10:00:00.123456+00")).toBe("2026-03-01T10:00:00.123Z");
    expect(toIso("2026-03-01T11:00:00+01:00")).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso(new Date("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso("not a date")).toBeNull();
    expect(toIso(null)).toBeNull();
    expect(toIso(undefined)).toBeNull();
  });
});
