import { describe, expect, it } from "vitest";
import type { TrendPoint } from "~/record/queries.server";
import { chartGeometry, chartSizes, niceTicks } from "./trend.server";

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

const [wide, narrow] = chartSizes as [(typeof chartSizes)[number], (typeof chartSizes)[number]];
const years = [point("2024-01-01", 40), point("2025-01-01", 61), point("2026-01-01", 20)];

describe("niceTicks", () => {
  it("covers the span with round steps", () => {
    expect(niceTicks(27, 61)).toEqual([20, 30, 40, 50, 60, 70]);
    expect(niceTicks(0.4, 4.2)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
  });
});

describe("chartGeometry", () => {
  it("places values by time, marks those outside the range and draws the range as a band", () => {
    const g = chartGeometry(years, wide, "sv")!;
    expect(g.points.map((p) => p.outside)).toEqual([false, true, true]);
    expect(g.points[0]!.x).toBeLessThan(g.points[1]!.x);
    expect(g.points[1]!.y).toBeLessThan(g.points[0]!.y);
    expect(g.band).not.toBeNull();
  });

  it("draws nothing without numeric values, and one centred point with its date for one value", () => {
    expect(chartGeometry([point("2024-01-01", null)], wide, "sv")).toBeNull();
    const one = chartGeometry([point("2024-01-01", 30, null, null)], wide, "sv")!;
    expect(one.band).toBeNull();
    expect(one.xTicks).toHaveLength(1);
    expect(one.xTicks[0]!.x).toBeCloseTo((one.plot.left + one.plot.right) / 2);
  });

  it("labels the time axis at calendar steps that fit the drawing, in the page's language", () => {
    expect(chartGeometry(years, wide, "sv")!.xTicks.map((t) => t.label)).toEqual(["jan. 2024", "juli 2024", "jan. 2025", "juli 2025", "jan. 2026"]);
    expect(chartGeometry(years, wide, "en")!.xTicks.map((t) => t.label)).toEqual(["Jan 2024", "Jul 2024", "Jan 2025", "Jul 2025", "Jan 2026"]);
    expect(chartGeometry(years, narrow, "sv")!.xTicks.map((t) => t.label)).toEqual(["2024", "2025", "2026"]);
    const weeks = chartGeometry([point("2026-03-02", 40), point("2026-03-20", 45)], narrow, "en")!;
    expect(weeks.xTicks.length).toBeGreaterThanOrEqual(2);
    expect(weeks.xTicks.every((t) => / Mar$/.test(t.label))).toBe(true);
    // Twenty years of values: a label every few years, none of them overlapping.
    const decades = chartGeometry([point("2006-05-01", 40), point("2026-05-01", 45)], narrow, "sv")!;
    const xs = decades.xTicks.map((t) => t.labelX);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThan(4 * 0.6 * narrow.fontSize);
  });

  it("keeps every label inside the drawing, and the unit's label above the top tick's", () => {
    for (const size of chartSizes) {
      const g = chartGeometry([point("2019-12-30", 40), point("2026-01-02", 61)], size, "sv")!;
      const font = size.fontSize;
      // A baseline's descent is about 0.25 of the font size, a digit's height about 0.75.
      const topLabelTop = g.yTicks[g.yTicks.length - 1]!.y + 0.35 * font - 0.8 * font;
      expect(g.unitY + 0.3 * font).toBeLessThan(topLabelTop);
      for (const tick of g.xTicks) {
        const half = (tick.label.length * 0.6 * font) / 2;
        expect(tick.labelX - half).toBeGreaterThanOrEqual(0);
        expect(tick.labelX + half).toBeLessThanOrEqual(size.width);
      }
    }
  });
});
