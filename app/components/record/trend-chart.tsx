import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { TrendPoint } from "~/record/queries.server";
import { formatNumber, formatShortDate } from "~/i18n/format";
import { assessmentOf, isOutside } from "./assessment";

const WIDTH = 720;
const OUTSIDE_SYMBOL = "▲";
const HEIGHT = 300;
const PAD = { left: 64, right: 24, top: 20, bottom: 44 };

/** Round tick steps (1, 2, 2.5, 5 × 10ⁿ) that give about `count` ticks over the span. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks: number[] = [];
  // Multiples of the step as integers times step, so that no value drifts above the top tick by rounding.
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

export interface ChartGeometry {
  points: { x: number; y: number; outside: boolean; point: TrendPoint }[];
  yTicks: { y: number; value: number }[];
  band: { y: number; height: number } | null;
  xLabels: { x: number; at: string }[];
}

/** Pure layout of the chart: numeric values by time; the reference range as a band. */
export function chartGeometry(points: TrendPoint[]): ChartGeometry | null {
  const numeric = points.filter((p): p is TrendPoint & { valueNumber: number; occurredAt: string } => p.valueNumber !== null && p.occurredAt !== null);
  if (numeric.length === 0) return null;
  const latest = numeric[numeric.length - 1]!;
  const low = latest.referenceLow;
  const high = latest.referenceHigh;
  const values = numeric.map((p) => p.valueNumber);
  const domain = [...values, ...(low !== null ? [low] : []), ...(high !== null ? [high] : [])];
  const ticks = niceTicks(Math.min(...domain), Math.max(...domain));
  const yMin = ticks[0]!;
  const yMax = ticks[ticks.length - 1]!;
  const times = numeric.map((p) => Date.parse(p.occurredAt));
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => (tMax === tMin ? PAD.left + plotW / 2 : PAD.left + ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number) => PAD.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH;
  const bandTop = high !== null ? y(Math.min(high, yMax)) : PAD.top;
  const bandBottom = low !== null ? y(Math.max(low, yMin)) : PAD.top + plotH;
  const first = numeric[0]!;
  return {
    points: numeric.map((p) => ({ x: x(Date.parse(p.occurredAt)), y: y(p.valueNumber), outside: isOutside(assessmentOf(p)), point: p })),
    yTicks: ticks.map((value) => ({ value, y: y(value) })),
    band: low !== null || high !== null ? { y: bandTop, height: Math.max(0, bandBottom - bandTop) } : null,
    xLabels: tMax === tMin ? [{ x: x(tMin), at: first.occurredAt }] : [{ x: x(tMin), at: first.occurredAt }, { x: x(tMax), at: latest.occurredAt }],
  };
}

/**
 * A line chart of a result over time, drawn on the server as SVG (no JavaScript needed). For screen readers it is one
 * image with a summary; the table beside it holds every value. Values outside the range are drawn as triangles and
 * named in words in the table, never marked by colour alone.
 */
export function TrendChart({ title, points }: { title: string; points: TrendPoint[] }) {
  const { t, i18n } = useTranslation("record");
  const id = useId();
  const geometry = chartGeometry(points);
  if (!geometry) return <p className="muted">{t("trend.chartNoNumbers")}</p>;
  const lng = i18n.language;
  const fmt = (v: number) => formatNumber(v, lng, { maximumFractionDigits: 3 });
  const numeric = geometry.points.map((p) => p.point.valueNumber as number);
  const unit = geometry.points[geometry.points.length - 1]!.point.valueUnit;
  const withUnit = (v: number) => (unit ? `${fmt(v)} ${unit}` : fmt(v));
  const summary = t("trend.chartSummary", {
    count: geometry.points.length,
    first: formatShortDate(geometry.points[0]!.point.occurredAt!, lng),
    last: formatShortDate(geometry.points[geometry.points.length - 1]!.point.occurredAt!, lng),
    min: withUnit(Math.min(...numeric)),
    max: withUnit(Math.max(...numeric)),
    latest: withUnit(numeric[numeric.length - 1]!),
  });
  const line = geometry.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
  return (
    <figure className="trend-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="trend-chart__svg">
        <title id={`${id}-title`}>{t("trend.chartTitle", { title })}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {geometry.band ? (
          <rect x={PAD.left} y={geometry.band.y} width={WIDTH - PAD.left - PAD.right} height={geometry.band.height} className="trend-chart__band" />
        ) : null}
        {geometry.yTicks.map((tick) => (
          <g key={tick.value}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={tick.y} y2={tick.y} className="trend-chart__grid" />
            <text x={PAD.left - 8} y={tick.y + 4} textAnchor="end" className="trend-chart__label">
              {fmt(tick.value)}
            </text>
          </g>
        ))}
        {geometry.xLabels.map((label, i) => (
          <text
            key={label.at}
            x={label.x}
            y={HEIGHT - PAD.bottom + 22}
            textAnchor={geometry.xLabels.length === 1 ? "middle" : i === 0 ? "start" : "end"}
            className="trend-chart__label"
          >
            {formatShortDate(label.at, lng)}
          </text>
        ))}
        <path d={line} className="trend-chart__line" fill="none" />
        {geometry.points.map((p) =>
          p.outside ? (
            <path
              key={p.point.ref}
              d={`M${p.x.toFixed(1)},${(p.y - 7).toFixed(1)} L${(p.x + 7).toFixed(1)},${(p.y + 5).toFixed(1)} L${(p.x - 7).toFixed(1)},${(p.y + 5).toFixed(1)} Z`}
              className="trend-chart__point trend-chart__point--outside"
            />
          ) : (
            <circle key={p.point.ref} cx={p.x} cy={p.y} r={5} className="trend-chart__point" />
          ),
        )}
        {unit ? (
          <text x={8} y={PAD.top - 6} className="trend-chart__label">
            {unit}
          </text>
        ) : null}
      </svg>
      <figcaption className="trend-chart__legend">
        {geometry.band ? (
          <span>
            <span className="legend-swatch legend-swatch--band" aria-hidden="true" /> {t("trend.rangeBand")}
          </span>
        ) : null}
        <span>
          <span className="legend-symbol" aria-hidden="true">
            {OUTSIDE_SYMBOL}
          </span>{" "}
          {t("trend.outside")}
        </span>
      </figcaption>
    </figure>
  );
}
