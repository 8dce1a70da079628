import { assessmentOf, isOutside } from "../assessment";
import { formatDate, formatShortDate } from "~/i18n/format";
import { html, type Markup } from "~/utils/html.server";
import type { TrendPoint } from "../queries.server";
import { assessmentMarkup } from "./entries.server";
import { numberText, rangeText, valueText, type RecordTexts } from "../entry-texts";

const WIDTH = 720;
const HEIGHT = 300;
const PAD = { left: 64, right: 24, top: 20, bottom: 44 };
const OUTSIDE_SYMBOL = "▲";

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

const at = (n: number) => n.toFixed(1);

/**
 * A line chart of a result over time, drawn on the server as SVG (no JavaScript needed). For screen readers it is one
 * image with a summary; the table beside it holds every value. Values outside the range are drawn as triangles and
 * named in words in the table, never marked by colour alone.
 */
export function trendChart(texts: RecordTexts, title: string, points: TrendPoint[]): Markup {
  const { t, lng } = texts;
  const geometry = chartGeometry(points);
  if (!geometry) return html`<p class="muted">${t("trend.chartNoNumbers")}</p>`;
  const fmt = (v: number) => numberText(v, lng);
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
  const line = geometry.points.map((p, i) => `${i === 0 ? "M" : "L"}${at(p.x)},${at(p.y)}`).join(" ");
  const band = geometry.band
    ? html`<rect x="${PAD.left}" y="${at(geometry.band.y)}" width="${WIDTH - PAD.left - PAD.right}" height="${at(geometry.band.height)}" class="trend-chart__band"></rect>`
    : null;
  const ticks = geometry.yTicks.map(
    (tick) =>
      html`<g><line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${at(tick.y)}" y2="${at(tick.y)}" class="trend-chart__grid"></line><text x="${
        PAD.left - 8
      }" y="${at(tick.y + 4)}" text-anchor="end" class="trend-chart__label">${fmt(tick.value)}</text></g>`,
  );
  const xLabels = geometry.xLabels.map((label, i) => {
    const anchor = geometry.xLabels.length === 1 ? "middle" : i === 0 ? "start" : "end";
    return html`<text x="${at(label.x)}" y="${HEIGHT - PAD.bottom + 22}" text-anchor="${anchor}" class="trend-chart__label">${formatShortDate(label.at, lng)}</text>`;
  });
  const marks = geometry.points.map((p) =>
    p.outside
      ? html`<path d="M${at(p.x)},${at(p.y - 7)} L${at(p.x + 7)},${at(p.y + 5)} L${at(p.x - 7)},${at(p.y + 5)} Z" class="trend-chart__point trend-chart__point--outside"></path>`
      : html`<circle cx="${at(p.x)}" cy="${at(p.y)}" r="5" class="trend-chart__point"></circle>`,
  );
  return html`<figure class="trend-chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="trend-chart-title trend-chart-desc" class="trend-chart__svg"><title id="trend-chart-title">${t(
    "trend.chartTitle",
    { title },
  )}</title><desc id="trend-chart-desc">${summary}</desc>${band}${ticks}${xLabels}<path d="${line}" class="trend-chart__line" fill="none"></path>${marks}${
    unit ? html`<text x="8" y="${PAD.top - 6}" class="trend-chart__label">${unit}</text>` : null
  }</svg><figcaption class="trend-chart__legend">${
    geometry.band ? html`<span><span class="legend-swatch legend-swatch--band" aria-hidden="true"></span> ${t("trend.rangeBand")}</span>` : null
  }<span><span class="legend-symbol" aria-hidden="true">${OUTSIDE_SYMBOL}</span> ${t("trend.outside")}</span></figcaption></figure>`;
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
  return html`<div class="table-scroll" role="region" aria-labelledby="trend-caption" tabindex="0"><table><caption id="trend-caption">${t("trend.caption", {
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
