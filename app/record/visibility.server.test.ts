import { describe, expect, it } from "vitest";
import { keywordPattern, likePattern, nextDay } from "./visibility.server";

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
