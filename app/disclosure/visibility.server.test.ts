import { describe, expect, it } from "vitest";
import { keywordPattern } from "./exclusions.server";
import { likePattern, nextDay, toIso } from "./visibility.server";

describe("patterns", () => {
  it("match keywords literally, whatever characters they hold", () => {
    const re = new RegExp(keywordPattern(["Tredje person", "a.b", "(x)"]), "i");
    expect(re.test("tredje PERSON ringde")).toBe(true);
    expect(re.test("axb")).toBe(false);
    expect(re.test("a.b")).toBe(true);
    expect(re.test("(x)")).toBe(true);
    expect(re.test("x")).toBe(false);
  });

  it("search text without LIKE wildcards", () => {
    expect(likePattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });

  it("steps calendar days across month ends", () => {
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });
});

describe("toIso", () => {
  const slow = (value: string) => new Date(value).toISOString();
  // PostgreSQL's JSON text of a timestamptz in UTC: six decimals at most, trailing zeros dropped.
  const pgText = (ms: number, micros: number) => {
    const base = new Date(ms).toISOString().slice(0, 19);
    const fraction = String(((ms % 1000) + 1000) % 1000 * 1000 + micros).padStart(6, "0").replace(/0+$/, "");
    return `${base}${fraction ? `.${fraction}` : ""}+00:00`;
  };

  it("reads PostgreSQL's UTC instants as a Date would, without one", () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 5000; i++) {
      const ms = Date.UTC(1900, 0, 1) + (next() % 200) * 31_556_952_000 + (next() % 31_556_952) * 1000 + (i % 3 === 0 ? 0 : next() % 1000);
      const text = pgText(ms, i % 2 === 0 ? 0 : next() % 1000);
      expect(toIso(text)).toBe(slow(text));
    }
    expect(toIso("2026-03-01T10:00:00+00:00")).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso("2026-03-01T10:00:00.5+00:00")).toBe("2026-03-01T10:00:00.500Z");
    expect(toIso("2026-03-01T10:00:00.123456+00:00")).toBe("2026-03-01T10:00:00.123Z");
  });

  it("reads other offsets, Dates and nothing as well", () => {
    expect(toIso("2026-03-01T11:00:00+01:00")).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso(new Date("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00.000Z");
    expect(toIso("not a date")).toBeNull();
    expect(toIso(null)).toBeNull();
    expect(toIso(undefined)).toBeNull();
  });
});
