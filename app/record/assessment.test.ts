import { describe, expect, it } from "vitest";
import { assessmentOf } from "./assessment";

const m = (valueNumber: number | null, low: number | null, high: number | null, interpretation: string | null = null) => ({
  valueNumber,
  referenceLow: low,
  referenceHigh: high,
  interpretation,
});

describe("assessmentOf", () => {
  it("takes the lab's interpretation first", () => {
    expect(assessmentOf(m(40, 27, 42, "H"))).toBe("high");
    expect(assessmentOf(m(null, null, null, "LL"))).toBe("low");
    expect(assessmentOf(m(null, null, null, "A"))).toBe("abnormal");
    expect(assessmentOf(m(50, 27, 42, "N"))).toBe("normal");
  });

  it("otherwise compares the value with the range, bounds included", () => {
    expect(assessmentOf(m(43, 27, 42))).toBe("high");
    expect(assessmentOf(m(42, 27, 42))).toBe("normal");
    expect(assessmentOf(m(26.9, 27, 42))).toBe("low");
    expect(assessmentOf(m(6, null, 5))).toBe("high");
    expect(assessmentOf(m(1, null, 5))).toBe("normal");
  });

  it("says nothing without a range or a value", () => {
    expect(assessmentOf(m(80, null, null))).toBeNull();
    expect(assessmentOf(m(null, 1, 2))).toBeNull();
  });
});
