import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { axisTicks, growthChartSvg, niceStep } from './growth-chart.ts';

const born = '2016-04-12' as PlainDate;
const measured = (measuredOn: string, weightKg: number, heightCm: number) => ({
  measuredOn: measuredOn as PlainDate,
  weightKg,
  heightCm,
});

describe('growth chart', () => {
  test('there is no chart before the first measurement', () => {
    assert.equal(growthChartSvg([], born), undefined);
  });

  test('is one labelled image, described in words, with a point for each weight and each height', () => {
    const svg = growthChartSvg([measured('2025-04-12', 30, 135), measured('2026-04-12', 35, 140)], born)!;
    assert.match(
      svg,
      /^<svg [^>]*role="img"[^>]*aria-labelledby="growth-chart-title growth-chart-description"/,
    );
    assert.match(svg, /<title id="growth-chart-title">Growth chart: weight and height by age<\/title>/);
    assert.match(
      svg,
      /<desc id="growth-chart-description">2 measurements from age 9 years to 10 years\. Weight went from 30 kg to 35 kg; height from 135 cm to 140 cm\./,
    );
    assert.equal(svg.match(/<circle /g)?.length, 4);
    assert.equal(svg.match(/<polyline /g)?.length, 2);
  });

  test('a single measurement is drawn as a point, and described as one', () => {
    const svg = growthChartSvg([measured('2026-04-12', 35, 140)], born)!;
    assert.equal(svg.match(/<circle /g)?.length, 2);
    assert.doesNotMatch(svg, /<polyline /);
    assert.match(svg, /One measurement, at age 10 years: weight 35 kg, height 140 cm/);
  });
});

describe('axis scales', () => {
  test('steps are round numbers', () => {
    assert.equal(niceStep(10, 4), 2.5);
    assert.equal(niceStep(37, 4), 10);
    assert.equal(niceStep(0.8, 4), 0.2);
  });

  test('ticks cover every value', () => {
    assert.deepEqual(axisTicks([31.2, 44.9], 4), { min: 30, max: 45, ticks: [30, 35, 40, 45] });
  });

  test('a single value still gets a range around it', () => {
    const { min, max } = axisTicks([35], 4);
    assert.ok(min < 35 && max > 35);
  });
});
