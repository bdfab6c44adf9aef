import { ageOn, daysBetween, describeAge, type PlainDate } from '../kernel/dates.ts';
import type { GrowthMeasurement } from './growth.rules.ts';

/**
 * The growth chart drawn on the server as SVG: weight over age above, height over age below.
 * It is one image to assistive technology (role="img" with a title and description); the table of
 * measurements beside it is its data alternative.
 */

const WIDTH = 640;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 56, right: 20, top: 32, bottom: 40 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;

interface Point {
  ageYears: number;
  value: number;
}

interface Panel {
  label: string;
  unit: string;
  colour: string;
  points: Point[];
}

/** A step of 1, 2, 2.5 or 5 times a power of ten that divides the range into about `count` parts. */
export function niceStep(range: number, count: number): number {
  const rough = range / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].find((f) => f * power >= rough) ?? 10;
  return step * power;
}

/** The axis range and its ticks: round numbers that cover every value with a little room. */
export function axisTicks(
  values: readonly number[],
  count: number,
): { min: number; max: number; ticks: number[] } {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-9) {
    low -= 1;
    high += 1;
  }
  const step = niceStep(high - low, count);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = min; tick <= max + step / 1000; tick += step) ticks.push(Number(tick.toFixed(6)));
  return { min, max, ticks };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

function drawPanel(panel: Panel, top: number, ages: { min: number; max: number; ticks: number[] }): string {
  const values = axisTicks(
    panel.points.map((p) => p.value),
    4,
  );
  const x = (age: number) => MARGIN.left + ((age - ages.min) / (ages.max - ages.min)) * PLOT_WIDTH;
  const y = (value: number) =>
    top + MARGIN.top + (1 - (value - values.min) / (values.max - values.min)) * PLOT_HEIGHT;
  const bottom = top + MARGIN.top + PLOT_HEIGHT;
  const parts: string[] = [
    `<text x="${MARGIN.left}" y="${top + 18}" font-weight="bold">${escapeXml(panel.label)} (${panel.unit})</text>`,
  ];
  for (const tick of values.ticks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#d8dde0"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${formatNumber(tick)}</text>`,
    );
  }
  for (const tick of ages.ticks) {
    parts.push(
      `<line x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${bottom}" y2="${bottom + 5}" stroke="#4c6272"/>`,
      `<text x="${x(tick).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${formatNumber(tick)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#4c6272"/>`,
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${bottom + 34}" text-anchor="middle">Age (years)</text>`,
  );
  const coordinates = panel.points.map((p) => `${x(p.ageYears).toFixed(1)},${y(p.value).toFixed(1)}`);
  if (coordinates.length > 1) {
    parts.push(
      `<polyline points="${coordinates.join(' ')}" fill="none" stroke="${panel.colour}" stroke-width="2"/>`,
    );
  }
  for (const point of coordinates) {
    const [cx, cy] = point.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="${panel.colour}"/>`);
  }
  return `<g>${parts.join('')}</g>`;
}

/** What the image shows, in words, for someone who cannot see it. */
function describeChart(measurements: readonly GrowthMeasurement[], dateOfBirth: PlainDate): string {
  const first = measurements[0]!;
  const last = measurements.at(-1)!;
  const ageAt = (m: GrowthMeasurement) => describeAge(ageOn(dateOfBirth, m.measuredOn));
  if (measurements.length === 1) {
    return `One measurement, at age ${ageAt(first)}: weight ${first.weightKg} kg, height ${first.heightCm} cm. The table of measurements gives the values.`;
  }
  return (
    `${measurements.length} measurements from age ${ageAt(first)} to ${ageAt(last)}. ` +
    `Weight went from ${first.weightKg} kg to ${last.weightKg} kg; height from ${first.heightCm} cm to ${last.heightCm} cm. ` +
    'The table of measurements gives every value.'
  );
}

/** The chart as SVG markup, or undefined when there is nothing to draw. */
export function growthChartSvg(
  measurements: readonly GrowthMeasurement[],
  dateOfBirth: PlainDate,
): string | undefined {
  if (measurements.length === 0) return undefined;
  const inOrder = [...measurements].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  const ageYears = (m: GrowthMeasurement) => daysBetween(dateOfBirth, m.measuredOn) / 365.25;
  const ages = axisTicks(inOrder.map(ageYears), 6);
  const panels: Panel[] = [
    {
      label: 'Weight',
      unit: 'kg',
      colour: '#005eb8',
      points: inOrder.map((m) => ({ ageYears: ageYears(m), value: m.weightKg })),
    },
    {
      label: 'Height',
      unit: 'cm',
      colour: '#007f3b',
      points: inOrder.map((m) => ({ ageYears: ageYears(m), value: m.heightCm })),
    },
  ];
  const body = panels.map((panel, i) => drawPanel(panel, i * PANEL_HEIGHT, ages)).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="jointly-growth-chart" viewBox="0 0 ${WIDTH} ${PANEL_HEIGHT * 2}" ` +
    'width="100%" role="img" aria-labelledby="growth-chart-title growth-chart-description" font-size="13" fill="#212b32">' +
    '<title id="growth-chart-title">Growth chart: weight and height by age</title>' +
    `<desc id="growth-chart-description">${escapeXml(describeChart(inOrder, dateOfBirth))}</desc>` +
    `${body}</svg>`
  );
}
