import { describe, expect, it } from "vitest";
import type { TrendPoint } from "~/record/queries.server";
import { chartGeometry, niceTicks } from "./trend.server";

const point = (day: string, value: number | null, low: number | null = 27, high: number | null = 42): TrendPoint => ({
  ref: `Observation/${day}`,
  occurredAt: `${day}T08:00:00.000Z`,
  valueNumber: value,
  valueText: null,
  valueUnit: "mmol/mol",
  referenceLow: low,
  referenceHigh: high,
  referenceText: null,
  interpretation: null,
  careUnitName: null,
  providerKind: "region",
});

describe("niceTicks", () => {
  it("covers the span with round steps", () => {
    expect(niceTicks(27, 61)).toEqual([20, 30, 40, 50, 60, 70]);
    expect(niceTicks(0.4, 4.2)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
  });
});

describe("chartGeometry", () => {
  it("places values by time, marks those outside the range and draws the range as a band", () => {
    const g = chartGeometry([point("2024-01-01", 40), point("2025-01-01", 61), point("2026-01-01", 20)])!;
    expect(g.points.map((p) => p.outside)).toEqual([false, true, true]);
    expect(g.points[0]!.x).toBeLessThan(g.points[1]!.x);
    expect(g.points[1]!.y).toBeLessThan(g.points[0]!.y);
    expect(g.band).not.toBeNull();
    expect(g.xLabels).toHaveLength(2);
  });

  it("draws nothing without numeric values, and one centred point for one value", () => {
    expect(chartGeometry([point("2024-01-01", null)])).toBeNull();
    const one = chartGeometry([point("2024-01-01", 30, null, null)])!;
    expect(one.band).toBeNull();
    expect(one.xLabels).toHaveLength(1);
  });
});
