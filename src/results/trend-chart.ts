import { daysBetween, formatDate, type PlainDate } from '../kernel/dates.ts';
import { axisTicks } from '../patients/growth-chart.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import type { ResultOutcome } from './thresholds.rules.ts';

/**
 * One blood test's results over time, drawn on the server as SVG (pure: no I/O). The usual range is a shaded
 * band (each result's own range, as it changes with age or laboratory), each protocol threshold of the "below"
 * or "above" kind a labelled dashed line. The image is one labelled picture to assistive technology
 * (role="img" with a title and a description); the table of values beside it is its data alternative.
 */

export interface TrendPoint {
  specimenDate: PlainDate;
  value: number;
  rangeLow: number | null;
  rangeHigh: number | null;
  outcome: ResultOutcome;
}

export interface ThresholdLine {
  value: number;
  outcome: 'red' | 'amber';
  /** "Red: Neutrophils below 1.6 ×10⁹/L". */
  label: string;
}

export interface TrendChartInput {
  /** Used in element ids: letters, digits, - and _ only. */
  key: string;
  name: string;
  unit: string;
  points: readonly TrendPoint[];
  thresholds: readonly ThresholdLine[];
}

const WIDTH = 640;
const HEIGHT = 270;
const MARGIN = { left: 56, right: 20, top: 44, bottom: 40 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const BOTTOM = MARGIN.top + PLOT_HEIGHT;
const RIGHT = MARGIN.left + PLOT_WIDTH;

const colours = {
  line: '#005eb8',
  band: '#d7ebdf',
  red: '#d5281b',
  amber: '#a05a00',
  grid: '#d8dde0',
  axis: '#4c6272',
};

const outcomeColour: Record<ResultOutcome, string> = {
  normal: colours.line,
  'outside-range': colours.line,
  amber: colours.amber,
  red: colours.red,
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const f1 = (n: number) => n.toFixed(1);

/** Days from the first result: the x axis, with some room either side (a month around a single result). */
function dayScale(points: readonly TrendPoint[]) {
  const first = points[0]!.specimenDate;
  const days = points.map((p) => daysBetween(first, p.specimenDate));
  const span = days.at(-1)!;
  const pad = span === 0 ? 15 : Math.max(1, span * 0.04);
  const min = -pad;
  const max = span + pad;
  return {
    first,
    min,
    max,
    x: (date: PlainDate) => MARGIN.left + ((daysBetween(first, date) - min) / (max - min)) * PLOT_WIDTH,
  };
}

const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * The first of each month inside the axis, at most six labelled; the result's own date when there is one result,
 * and the first and last result dates when no month starts inside the axis.
 */
function dateTicks(points: readonly TrendPoint[], scale: ReturnType<typeof dayScale>): PlainDate[] {
  if (points.length === 1) return [points[0]!.specimenDate];
  const start = new Date(`${scale.first}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() + Math.ceil(scale.min));
  const end = new Date(`${scale.first}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + Math.floor(scale.max));
  const months: PlainDate[] = [];
  const cursor = new Date(
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0), 1),
  );
  while (cursor <= end) {
    months.push(cursor.toISOString().slice(0, 10) as PlainDate);
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  if (months.length === 0) {
    return [...new Set([points[0]!.specimenDate, points.at(-1)!.specimenDate])];
  }
  const every = Math.ceil(months.length / 6);
  return months.filter((_, i) => i % every === 0);
}

function tickLabel(date: PlainDate): string {
  return date.endsWith('-01') ? monthLabel.format(new Date(`${date}T00:00:00Z`)) : formatDate(date);
}

/**
 * The shaded usual range: each result's range drawn from halfway to the result before to halfway to the one
 * after, neighbouring results with the same range joined. A missing low or high end runs to the axis.
 */
function rangeBand(
  points: readonly TrendPoint[],
  x: (date: PlainDate) => number,
  y: (value: number) => number,
  axis: { min: number; max: number },
): string[] {
  const segments: { from: number; to: number; low: number; high: number }[] = [];
  points.forEach((p, i) => {
    if (p.rangeLow === null && p.rangeHigh === null) return;
    const here = x(p.specimenDate);
    const from = i === 0 ? MARGIN.left : (x(points[i - 1]!.specimenDate) + here) / 2;
    const to = i === points.length - 1 ? RIGHT : (here + x(points[i + 1]!.specimenDate)) / 2;
    const low = p.rangeLow ?? axis.min;
    const high = p.rangeHigh ?? axis.max;
    const last = segments.at(-1);
    if (last && last.low === low && last.high === high && Math.abs(last.to - from) < 0.01) last.to = to;
    else segments.push({ from, to, low, high });
  });
  return segments.map(
    (s) =>
      `<rect class="jointly-trend-range" x="${f1(s.from)}" y="${f1(y(s.high))}" width="${f1(s.to - s.from)}" ` +
      `height="${f1(y(s.low) - y(s.high))}" fill="${colours.band}"/>`,
  );
}

/**
 * Each limit as a dashed line with its label just above it (below it when the line above is too close for
 * both), on a white halo so that the label stays readable over the band and the results.
 */
function thresholdLines(thresholds: readonly ThresholdLine[], y: (value: number) => number): string[] {
  const byHeight = [...thresholds].sort((a, b) => y(a.value) - y(b.value));
  let lastLabel = Number.NEGATIVE_INFINITY;
  return byHeight.flatMap((t) => {
    const at = y(t.value);
    const colour = colours[t.outcome];
    const above = at - 5;
    const labelAt = above - 13 < lastLabel ? at + 15 : above;
    lastLabel = labelAt;
    return [
      `<line class="jointly-trend-threshold" x1="${MARGIN.left}" x2="${RIGHT}" y1="${f1(at)}" y2="${f1(at)}" ` +
        `stroke="${colour}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + 6}" y="${f1(labelAt)}" fill="${colour}" stroke="#ffffff" stroke-width="4" ` +
        `paint-order="stroke">${escapeXml(t.label)}</text>`,
    ];
  });
}

function rangeWords(p: TrendPoint, unit: string): string | null {
  if (p.rangeLow !== null && p.rangeHigh !== null) {
    return `${formatNumber(p.rangeLow)} to ${formatNumber(p.rangeHigh)} ${unit}`;
  }
  if (p.rangeLow !== null) return `at least ${formatNumber(p.rangeLow)} ${unit}`;
  if (p.rangeHigh !== null) return `up to ${formatNumber(p.rangeHigh)} ${unit}`;
  return null;
}

/** What the image shows, in words, for someone who cannot see it. */
export function describeTrend(input: TrendChartInput): string {
  const { points, unit } = input;
  const first = points[0]!;
  const last = points.at(-1)!;
  const value = (p: TrendPoint) => `${formatNumber(p.value)} ${unit}`;
  const parts = [
    points.length === 1
      ? `One result, on ${formatDate(first.specimenDate)}: ${value(first)}.`
      : `${points.length} results from ${formatDate(first.specimenDate)} to ${formatDate(last.specimenDate)}, ` +
        `from ${value(first)} to ${value(last)}; lowest ${formatNumber(Math.min(...points.map((p) => p.value)))}, ` +
        `highest ${formatNumber(Math.max(...points.map((p) => p.value)))}.`,
  ];
  const range = rangeWords(last, unit);
  if (range) parts.push(`The usual range (shaded) at the latest result is ${range}.`);
  if (input.thresholds.length) {
    parts.push(
      `Dashed lines mark the protocol’s limits: ${input.thresholds.map((t) => t.label).join('; ')}.`,
    );
  }
  parts.push('The table of numbers gives every value.');
  return parts.join(' ');
}

/** The chart as SVG markup, or undefined when there is nothing to draw. */
export function trendChartSvg(input: TrendChartInput): string | undefined {
  if (input.points.length === 0) return undefined;
  const points = [...input.points].sort((a, b) => a.specimenDate.localeCompare(b.specimenDate));
  const scale = dayScale(points);
  // A range with no low end is shaded down to the axis, which then starts at zero so the band means "up to".
  const openBelow = points.some((p) => p.rangeLow === null && p.rangeHigh !== null);
  const values = axisTicks(
    [
      ...(openBelow ? [0] : []),
      ...points.map((p) => p.value),
      ...points.flatMap((p) => [p.rangeLow, p.rangeHigh].filter((v): v is number => v !== null)),
      ...input.thresholds.map((t) => t.value),
    ],
    4,
  );
  const y = (value: number) =>
    MARGIN.top + (1 - (value - values.min) / (values.max - values.min)) * PLOT_HEIGHT;
  const parts: string[] = [
    `<text x="${MARGIN.left}" y="18" font-weight="bold">${escapeXml(input.name)} (${escapeXml(input.unit)})</text>`,
    ...rangeBand(points, scale.x, y, values),
  ];
  for (const tick of values.ticks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${RIGHT}" y1="${f1(y(tick))}" y2="${f1(y(tick))}" stroke="${colours.grid}"/>`,
      `<text x="${MARGIN.left - 8}" y="${f1(y(tick) + 4)}" text-anchor="end">${formatNumber(tick)}</text>`,
    );
  }
  for (const date of dateTicks(points, scale)) {
    const at = scale.x(date);
    parts.push(
      `<line x1="${f1(at)}" x2="${f1(at)}" y1="${BOTTOM}" y2="${BOTTOM + 5}" stroke="${colours.axis}"/>`,
      `<text x="${f1(at)}" y="${BOTTOM + 18}" text-anchor="middle">${escapeXml(tickLabel(date))}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${RIGHT}" y1="${BOTTOM}" y2="${BOTTOM}" stroke="${colours.axis}"/>`,
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${BOTTOM + 34}" text-anchor="middle">Date taken</text>`,
  );
  const coordinates = points.map((p) => [scale.x(p.specimenDate), y(p.value)] as const);
  if (coordinates.length > 1) {
    parts.push(
      `<polyline points="${coordinates.map(([cx, cy]) => `${f1(cx)},${f1(cy)}`).join(' ')}" fill="none" ` +
        `stroke="${colours.line}" stroke-width="2"/>`,
    );
  }
  points.forEach((p, i) => {
    const [cx, cy] = coordinates[i]!;
    parts.push(`<circle cx="${f1(cx)}" cy="${f1(cy)}" r="4" fill="${outcomeColour[p.outcome]}"/>`);
  });
  parts.push(...thresholdLines(input.thresholds, y));
  const title = `trend-${input.key}-title`;
  const desc = `trend-${input.key}-description`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="jointly-trend-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `width="100%" role="img" aria-labelledby="${title} ${desc}" font-size="13" fill="#212b32">` +
    `<title id="${title}">${escapeXml(input.name)} over time</title>` +
    `<desc id="${desc}">${escapeXml(describeTrend({ ...input, points }))}</desc>` +
    `<g>${parts.join('')}</g></svg>`
  );
}
