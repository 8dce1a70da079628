import { assessmentOf, isOutside } from "../assessment";
import { formatAxisDate, formatDate, formatShortDate, type AxisPrecision } from "~/i18n/format";
import { html, type Markup } from "~/utils/html.server";
import type { TrendPoint } from "../queries.server";
import { assessmentMarkup } from "./entries.server";
import { numberText, rangeText, valueText, type RecordTexts } from "../entry-texts";

const OUTSIDE_SYMBOL = "▲";

/**
 * The chart is drawn twice, for a wide column and for a phone, and CSS shows the one that fits its column (record.css):
 * a drawing scales with its column, and each is shown only at widths that keep its text at 12 px or more.
 */
export interface ChartSize {
  name: "wide" | "narrow";
  width: number;
  height: number;
  /** Text size in the drawing's units. */
  fontSize: number;
}
export const chartSizes: readonly ChartSize[] = [
  // Shown in a column of 36rem (576 px) or more: 576 / 720 × 15 = 12 px.
  { name: "wide", width: 720, height: 320, fontSize: 15 },
  // Shown below that, down to a 320 px screen's 286 px: 286 / 380 × 17 = 12.8 px.
  { name: "narrow", width: 380, height: 300, fontSize: 17 },
];

/** A generous guess of a text's width in the system fonts (a character is rarely wider than 0.6 of the font size). */
const textWidth = (text: string, size: ChartSize) => text.length * 0.6 * size.fontSize;

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

interface TimeStep {
  precision: AxisPrecision;
  every: number;
}
const TIME_STEPS: readonly TimeStep[] = [
  ...[1, 2, 7, 14].map((every) => ({ precision: "day" as const, every })),
  ...[1, 2, 3, 6].map((every) => ({ precision: "month" as const, every })),
  ...[1, 2, 5, 10, 20, 50].map((every) => ({ precision: "year" as const, every })),
];
const DAY_MS = 86_400_000;
const MAX_TIME_TICKS = 60;

/** The days (UTC midnight), months' or years' firsts from `from` to `to`, every `every` of them counted from 1970. */
function timeTicks(from: number, to: number, { precision, every }: TimeStep): number[] {
  const start = new Date(from);
  const at = (i: number) =>
    precision === "day" ? i * DAY_MS : precision === "month" ? Date.UTC(Math.floor(i / 12), i % 12, 1) : Date.UTC(i, 0, 1);
  let i =
    precision === "day"
      ? Math.floor(from / DAY_MS)
      : precision === "month"
        ? start.getUTCFullYear() * 12 + start.getUTCMonth()
        : start.getUTCFullYear();
  i = Math.floor(i / every) * every;
  const ticks: number[] = [];
  for (; at(i) <= to && ticks.length <= MAX_TIME_TICKS; i += every) if (at(i) >= from) ticks.push(at(i));
  return ticks;
}

/**
 * The time axis's labels: the finest calendar step (days, months, years) that gives two or more labels that fit side by
 * side, in the page's language. A span within one day has its date once.
 */
export function timeLabels(from: number, to: number, plotWidth: number, size: ChartSize, lng: string): { at: number; text: string }[] {
  // From the first value's day on: its date's midnight, or the first of its month or year, labels it.
  const firstDay = Math.floor(from / DAY_MS) * DAY_MS;
  if (to - firstDay >= DAY_MS) {
    for (const step of TIME_STEPS) {
      const ticks = timeTicks(firstDay, to, step);
      if (ticks.length < 2 || ticks.length > MAX_TIME_TICKS) continue;
      const labels = ticks.map((at) => ({ at: Math.max(at, from), text: formatAxisDate(at, lng, step.precision) }));
      const widest = Math.max(...labels.map((l) => textWidth(l.text, size)));
      if (labels.length * (widest + size.fontSize) <= plotWidth) return labels;
    }
  }
  return [{ at: from, text: formatShortDate(from, lng) }];
}

export interface ChartGeometry {
  size: ChartSize;
  plot: { left: number; right: number; top: number; bottom: number };
  points: { x: number; y: number; outside: boolean; point: TrendPoint }[];
  yTicks: { y: number; value: number; label: string }[];
  band: { y: number; height: number } | null;
  /** Where each time label's tick is (x) and where its text is centred (labelX: kept inside the drawing). */
  xTicks: { x: number; labelX: number; label: string }[];
  /** The baseline of the unit's label, above the top tick's. */
  unitY: number;
}

/** Pure layout of the chart: numeric values by time; the reference range as a band. */
export function chartGeometry(points: TrendPoint[], size: ChartSize, lng: string): ChartGeometry | null {
  const numeric = points.filter((p): p is TrendPoint & { valueNumber: number; occurredAt: string } => p.valueNumber !== null && p.occurredAt !== null);
  if (numeric.length === 0) return null;
  const latest = numeric[numeric.length - 1]!;
  const low = latest.referenceLow;
  const high = latest.referenceHigh;
  const values = numeric.map((p) => p.valueNumber);
  const domain = [...values, ...(low !== null ? [low] : []), ...(high !== null ? [high] : [])];
  const ticks = niceTicks(Math.min(...domain), Math.max(...domain));
  const tickLabels = ticks.map((value) => numberText(value, lng));
  const yMin = ticks[0]!;
  const yMax = ticks[ticks.length - 1]!;
  const times = numeric.map((p) => Date.parse(p.occurredAt));
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const font = size.fontSize;
  const unitY = font + 4;
  const plot = {
    left: Math.ceil(Math.max(...tickLabels.map((label) => textWidth(label, size)))) + 16,
    right: size.width - 16,
    // The unit's line, then a gap, then the top tick's label (centred on its line) below it.
    top: 2 * font + 16,
    bottom: size.height - font - 16,
  };
  const plotW = plot.right - plot.left;
  const plotH = plot.bottom - plot.top;
  const x = (t: number) => (tMax === tMin ? plot.left + plotW / 2 : plot.left + ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number) => plot.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH;
  const bandTop = high !== null ? y(Math.min(high, yMax)) : plot.top;
  const bandBottom = low !== null ? y(Math.max(low, yMin)) : plot.bottom;
  const xTicks = timeLabels(tMin, tMax, plotW, size, lng).map(({ at, text }) => {
    const half = textWidth(text, size) / 2;
    const tickX = x(at);
    return { x: tickX, labelX: Math.min(Math.max(tickX, half + 4), size.width - half - 4), label: text };
  });
  return {
    size,
    plot,
    points: numeric.map((p) => ({ x: x(Date.parse(p.occurredAt)), y: y(p.valueNumber), outside: isOutside(assessmentOf(p)), point: p })),
    yTicks: ticks.map((value, i) => ({ value, y: y(value), label: tickLabels[i]! })),
    band: low !== null || high !== null ? { y: bandTop, height: Math.max(0, bandBottom - bandTop) } : null,
    xTicks,
    unitY,
  };
}

const at = (n: number) => n.toFixed(1);

/** One drawing of the chart; its title and summary are the figure's, with ids of its own. */
function chartSvg(g: ChartGeometry, unit: string | null, title: string, summary: string): Markup {
  const { size, plot } = g;
  const id = `trend-chart-${size.name}`;
  const font = size.fontSize;
  const line = g.points.map((p, i) => `${i === 0 ? "M" : "L"}${at(p.x)},${at(p.y)}`).join(" ");
  const band = g.band
    ? html`<rect x="${plot.left}" y="${at(g.band.y)}" width="${plot.right - plot.left}" height="${at(g.band.height)}" class="trend-chart__band"></rect>`
    : null;
  const yTicks = g.yTicks.map(
    (tick) =>
      html`<line x1="${plot.left}" x2="${plot.right}" y1="${at(tick.y)}" y2="${at(tick.y)}" class="trend-chart__grid"></line><text x="${
        plot.left - 8
      }" y="${at(tick.y + font * 0.35)}" text-anchor="end" class="trend-chart__label">${tick.label}</text>`,
  );
  const xTicks = g.xTicks.map(
    (tick) =>
      html`<line x1="${at(tick.x)}" x2="${at(tick.x)}" y1="${plot.bottom}" y2="${plot.bottom + 6}" class="trend-chart__axis"></line><text x="${at(
        tick.labelX,
      )}" y="${plot.bottom + font + 8}" text-anchor="middle" class="trend-chart__label">${tick.label}</text>`,
  );
  const r = font / 3;
  const marks = g.points.map((p) =>
    p.outside
      ? html`<path d="M${at(p.x)},${at(p.y - r * 1.4)} L${at(p.x + r * 1.4)},${at(p.y + r)} L${at(p.x - r * 1.4)},${at(p.y + r)} Z" class="trend-chart__point trend-chart__point--outside"></path>`
      : html`<circle cx="${at(p.x)}" cy="${at(p.y)}" r="${at(r)}" class="trend-chart__point"></circle>`,
  );
  return html`<svg viewBox="0 0 ${size.width} ${size.height}" font-size="${font}" role="img" aria-labelledby="${id}-title ${id}-desc" class="trend-chart__svg trend-chart__svg--${
    size.name
  }"><title id="${id}-title">${title}</title><desc id="${id}-desc">${summary}</desc>${band}${yTicks}${xTicks}<path d="${line}" class="trend-chart__line" fill="none"></path>${marks}${
    unit ? html`<text x="8" y="${g.unitY}" class="trend-chart__label">${unit}</text>` : null
  }</svg>`;
}

/**
 * A line chart of a result over time, drawn on the server as SVG (no JavaScript needed). For screen readers it is one
 * image with a summary; the table beside it holds every value. Values outside the range are drawn as triangles and
 * named in words in the table, never marked by colour alone.
 */
export function trendChart(texts: RecordTexts, title: string, points: TrendPoint[]): Markup {
  const { t, lng } = texts;
  const drawings = chartSizes.map((size) => chartGeometry(points, size, lng));
  const geometry = drawings[0];
  if (!geometry) return html`<p class="muted">${t("trend:chartNoNumbers")}</p>`;
  const fmt = (v: number) => numberText(v, lng);
  const numeric = geometry.points.map((p) => p.point.valueNumber as number);
  const unit = geometry.points[geometry.points.length - 1]!.point.valueUnit;
  const withUnit = (v: number) => (unit ? `${fmt(v)} ${unit}` : fmt(v));
  const summary = t("trend:chartSummary", {
    count: geometry.points.length,
    first: formatShortDate(geometry.points[0]!.point.occurredAt!, lng),
    last: formatShortDate(geometry.points[geometry.points.length - 1]!.point.occurredAt!, lng),
    min: withUnit(Math.min(...numeric)),
    max: withUnit(Math.max(...numeric)),
    latest: withUnit(numeric[numeric.length - 1]!),
  });
  const chartTitle = t("trend:chartTitle", { title });
  return html`<figure class="trend-chart">${drawings.map((g) => (g ? chartSvg(g, unit, chartTitle, summary) : null))}<figcaption class="trend-chart__legend">${
    geometry.band ? html`<span><span class="legend-swatch legend-swatch--band" aria-hidden="true"></span> ${t("trend:rangeBand")}</span>` : null
  }<span><span class="legend-symbol" aria-hidden="true">${OUTSIDE_SYMBOL}</span> ${t("trend:outside")}</span></figcaption></figure>`;
}

/** Every value in a table, oldest first: what the chart shows, for everyone, in words. */
export function trendTable(texts: RecordTexts, title: string, points: TrendPoint[]): Markup {
  const { t, lng } = texts;
  const rows = points.map(
    (p) =>
      html`<tr><th scope="row">${
        p.occurredAt ? html`<time datetime="${p.occurredAt}">${formatDate(p.occurredAt, lng)}</time>` : t("entry.dateUnknown")
      }</th><td>${valueText(texts, p)}</td><td>${rangeText(texts, p) ?? ""}</td><td>${assessmentMarkup(texts, p)}</td><td>${
        p.careUnitName ?? t("entry.unitUnknown")
      }</td><td>${t(`provider.${p.providerKind}`)}</td></tr>`,
  );
  return html`<div class="table-scroll" role="region" aria-labelledby="trend-caption" tabindex="0"><table><caption id="trend-caption">${t("trend:caption", {
    title,
  })}</caption><thead><tr><th scope="col">${t("entry.date")}</th><th scope="col">${t("entry.value")}</th><th scope="col">${t(
    "entry.referenceRange",
  )}</th><th scope="col">${t("entry.assessment")}</th><th scope="col">${t("entry.unit")}</th><th scope="col">${t(
    "entry.providerKind",
  )}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** A result over time: the chart, and beside it the table. */
export function trendMarkup(texts: RecordTexts, title: string, points: TrendPoint[]): Markup {
  return html`<div class="trend">${trendChart(texts, title, points)}${trendTable(texts, title, points)}</div>`;
}
