import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { protocolSchema } from '../protocols/protocol.schema.ts';
import type { StoredResult } from './results.store.ts';
import { type TrendPoint, trendChartSvg } from './trend-chart.ts';
import { buildTrends, thresholdLinesFor } from './trends.ts';

const point = (
  specimenDate: string,
  value: number,
  outcome: TrendPoint['outcome'] = 'normal',
): TrendPoint => ({
  specimenDate: specimenDate as PlainDate,
  value,
  rangeLow: 2,
  rangeHigh: 7.5,
  outcome,
});

const neutrophilChart = (points: TrendPoint[]) =>
  trendChartSvg({
    key: 'neutrophils',
    name: 'Neutrophils',
    unit: '×10⁹/L',
    points,
    thresholds: [{ value: 1.6, outcome: 'red', label: 'Red: Neutrophils below 1.6 ×10⁹/L' }],
  })!;

describe('trend chart', () => {
  test('there is no chart without results', () => {
    assert.equal(
      trendChartSvg({ key: 'alt', name: 'ALT', unit: 'U/L', points: [], thresholds: [] }),
      undefined,
    );
  });

  test('is one labelled image, described in words, with a point per result joined by a line', () => {
    const svg = neutrophilChart([
      point('2026-06-01', 3.2),
      point('2026-09-01', 2.4),
      point('2026-11-20', 1.2, 'red'),
    ]);
    assert.match(
      svg,
      /^<svg [^>]*role="img"[^>]*aria-labelledby="trend-neutrophils-title trend-neutrophils-description"/,
    );
    assert.match(svg, /<title id="trend-neutrophils-title">Neutrophils over time<\/title>/);
    assert.match(
      svg,
      /<desc id="trend-neutrophils-description">3 results from 1 June 2026 to 20 November 2026, from 3\.2 ×10⁹\/L to 1\.2 ×10⁹\/L; lowest 1\.2, highest 3\.2\. The usual range \(shaded\) at the latest result is 2 to 7\.5 ×10⁹\/L\. Dashed lines mark the protocol’s limits: Red: Neutrophils below 1\.6 ×10⁹\/L\./,
    );
    assert.equal(svg.match(/<circle /g)?.length, 3);
    assert.equal(svg.match(/<polyline /g)?.length, 1);
    // The red result is drawn in red.
    assert.match(svg, /<circle [^>]*fill="#d5281b"\/>/);
  });

  test('draws the usual range as a band between its low and high, and the threshold as a labelled line below it', () => {
    const svg = neutrophilChart([point('2026-06-01', 3.2), point('2026-11-20', 2.4)]);
    const bands = [
      ...svg.matchAll(
        /<rect class="jointly-trend-range" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g,
      ),
    ];
    assert.equal(bands.length, 1, 'one band when every result has the same range');
    const [line] = [...svg.matchAll(/<line class="jointly-trend-threshold" [^>]*y1="([\d.]+)"/g)];
    assert.ok(line, 'a threshold line');
    const bandTop = Number(bands[0]![1]);
    const bandBottom = bandTop + Number(bands[0]![2]);
    // SVG y grows downwards: the 1.6 line sits under the band that starts at 2.
    assert.ok(
      Number(line[1]) > bandBottom,
      `line at ${line[1]} should be below the band ending at ${bandBottom}`,
    );
    assert.match(svg, /<text [^>]*>Red: Neutrophils below 1\.6 ×10⁹\/L<\/text>/);
  });

  test('a range that changes with age is drawn as a band that steps', () => {
    const svg = neutrophilChart([point('2026-01-01', 3), { ...point('2026-06-01', 3), rangeLow: 1.5 }]);
    assert.equal(svg.match(/<rect class="jointly-trend-range"/g)?.length, 2);
  });

  test('results without a range have no band; names are escaped', () => {
    const svg = trendChartSvg({
      key: 'crp',
      name: 'CRP <test>',
      unit: 'mg/L',
      points: [{ ...point('2026-06-01', 4), rangeLow: null, rangeHigh: null }],
      thresholds: [],
    })!;
    assert.doesNotMatch(svg, /jointly-trend-range/);
    assert.match(svg, /CRP &#60;test&#62; over time/);
    assert.match(svg, /One result, on 1 June 2026: 4 mg\/L\./);
  });
});

describe('trends for a results page', () => {
  let n = 0;
  const stored = (
    analyte: StoredResult['analyte'],
    specimenDate: string,
    value: number,
    recordedAt = '2026-11-21T09:00:00Z',
  ): StoredResult => ({
    id: `r${++n}`,
    patientId: 'p',
    analyte,
    value,
    unit: analyte === 'alt' ? 'U/L' : '×10⁹/L',
    reportedValue: value,
    reportedUnit: 'x',
    rangeLow: 2,
    rangeHigh: 7.5,
    rangeSource: 'laboratory',
    specimenDate: specimenDate as PlainDate,
    outcome: 'normal',
    findings: [],
    source: 'form',
    enteredByName: null,
    enteredVia: null,
    externalId: null,
    recordedAt: new Date(recordedAt),
  });

  test('one trend per test with results, in laboratory order, its table holding every value oldest first', () => {
    const trends = buildTrends(
      [
        stored('alt', '2026-11-20', 30),
        stored('neutrophils', '2026-11-20', 1.2),
        stored('neutrophils', '2026-06-01', 3.2),
        stored('neutrophils', '2026-09-01', 2.45),
      ],
      [],
    );
    assert.deepEqual(
      trends.map((t) => t.analyte),
      ['neutrophils', 'alt'],
    );
    assert.deepEqual(
      trends[0]!.rows.map((r) => [r.specimenDate, r.value, r.range, r.outcomeText]),
      [
        ['2026-06-01', '3.2', '2–7.5', 'Normal'],
        ['2026-09-01', '2.45', '2–7.5', 'Normal'],
        ['2026-11-20', '1.2', '2–7.5', 'Normal'],
      ],
    );
  });

  test('a corrected result replaces the one it corrects', () => {
    const [trend] = buildTrends(
      [
        stored('neutrophils', '2026-11-20', 12, '2026-11-20T09:00:00Z'),
        stored('neutrophils', '2026-11-20', 1.2, '2026-11-20T10:00:00Z'),
      ],
      [],
    );
    assert.deepEqual(
      trend!.rows.map((r) => r.value),
      ['1.2'],
    );
  });

  test('the lines are the "below" and "above" limits of the shipped methotrexate protocol for that test', async () => {
    const { readFile } = await import('node:fs/promises');
    const protocol = protocolSchema.parse(
      JSON.parse(
        await readFile(new URL('../protocols/shipped/methotrexate-oral-jia.json', import.meta.url), 'utf8'),
      ),
    );
    const lines = thresholdLinesFor('neutrophils', protocol.thresholds);
    assert.ok(
      lines.some(
        (l) => l.outcome === 'red' && l.value === 1.6 && l.label === 'Red: Neutrophils below 1.6 ×10⁹/L',
      ),
    );
    assert.ok(lines.every((l) => l.label.includes('Neutrophils')));
    const [trend] = buildTrends([stored('neutrophils', '2026-11-20', 1.2)], protocol.thresholds);
    assert.match(trend!.svg, /class="jointly-trend-threshold"/);
    assert.ok(trend!.thresholds.includes('Red: Neutrophils below 1.6 ×10⁹/L'));
  });
});
