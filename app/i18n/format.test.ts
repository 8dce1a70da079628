import { describe, expect, it } from "vitest";
import { formatDate } from "./format";

describe("formatDate", () => {
  const formats = {
    sv: new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "long" }),
    en: new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Stockholm", dateStyle: "long" }),
  };
  const intl = (lng: "sv" | "en", ms: number) => formats[lng].format(new Date(ms));

  it("names the Swedish calendar day of every instant, in either language, as Intl does", () => {
    // Every 7 minutes 13 seconds from 1975 to 2031: each hour's edges, every change of clocks, twice over (kept days).
    for (const lng of ["sv", "en"] as const) {
      for (let pass = 0; pass < 2; pass++) {
        for (let ms = Date.UTC(1975, 0, 1); ms < Date.UTC(2031, 0, 1); ms += 433_000 * 97) {
          expect(formatDate(ms, lng)).toBe(intl(lng, ms));
        }
      }
    }
  });

  it("is right on both sides of Sweden's changes of clocks and of midnight", () => {
    const edges = [
      Date.UTC(2026, 2, 29, 0, 59, 59, 999), Date.UTC(2026, 2, 29, 1), // summer time begins at 01:00 UTC
      Date.UTC(2026, 9, 25, 0, 59, 59, 999), Date.UTC(2026, 9, 25, 1), // and ends at 01:00 UTC
      Date.UTC(2026, 5, 30, 21, 59, 59, 999), Date.UTC(2026, 5, 30, 22), // Swedish midnight in summer
      Date.UTC(2026, 11, 31, 22, 59, 59, 999), Date.UTC(2026, 11, 31, 23), // and in winter
      Date.UTC(1899, 11, 31, 23, 30), Date.UTC(1979, 11, 31, 23, 30), // before whole-hour offsets: not kept
    ];
    for (const lng of ["sv", "en"] as const) {
      for (const ms of edges) {
        expect(formatDate(ms, lng)).toBe(intl(lng, ms));
        expect(formatDate(new Date(ms).toISOString(), lng)).toBe(intl(lng, ms));
      }
    }
    expect(formatDate(Date.UTC(2026, 11, 31, 23), "sv")).toBe("1 januari 2027");
    expect(formatDate(Date.UTC(2026, 11, 31, 23), "en")).toBe("1 January 2027");
  });
});
