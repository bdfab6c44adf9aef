import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Protocol, SourcedNumber } from './protocol.schema.ts';
import {
  analyteUnits,
  daysAfterDue,
  describeAmount,
  describeDoseRange,
  describeFrequency,
  describePhaseEnd,
  describeStrength,
  describeThresholdRule,
  formatNumber,
  sourced,
} from './protocol-words.rules.ts';

const bsr = (value: number): SourcedNumber => ({ value, source: 'BSR/BHPR 2017', confirmed: true });
const local = (value: number): SourcedNumber => ({ value, source: 'DEFAULTS.md', confirmed: false });

describe('a threshold rule in words', () => {
  test('says below or above with the analyte’s unit', () => {
    assert.equal(
      describeThresholdRule('neutrophils', { kind: 'below', value: bsr(1.6) }).text,
      'below 1.6 ×10⁹/L',
    );
    assert.equal(describeThresholdRule('alt', { kind: 'above', value: bsr(100) }).text, 'above 100 U/L');
    assert.equal(describeThresholdRule('albumin', { kind: 'below', value: bsr(30) }).text, 'below 30 g/L');
    assert.equal(describeThresholdRule('mcv', { kind: 'above', value: bsr(105) }).text, 'above 105 fL');
    assert.equal(
      describeThresholdRule('egfr', { kind: 'below', value: bsr(60) }).text,
      'below 60 mL/min/1.73m²',
    );
    assert.equal(
      describeThresholdRule('creatinine', { kind: 'above', value: bsr(90) }).text,
      'above 90 µmol/L',
    );
  });

  test('says a multiple of the upper limit of normal, and the ceiling when there is one', () => {
    const amber = describeThresholdRule('alt', {
      kind: 'above-uln-multiple',
      multiple: local(2),
      upTo: bsr(100),
    });
    assert.equal(amber.text, 'above 2 × upper limit of normal, up to 100 U/L');
    const red = describeThresholdRule('ast', { kind: 'above-uln-multiple', multiple: local(5) });
    assert.equal(red.text, 'above 5 × upper limit of normal');
  });

  test('says a rise from the child’s own baseline, and falls in a row', () => {
    const rise = describeThresholdRule('creatinine', {
      kind: 'rise-from-baseline',
      percent: bsr(30),
      overMonths: bsr(12),
    });
    assert.equal(rise.text, 'rise of more than 30% from baseline over 12 months');
    assert.equal(
      describeThresholdRule('platelets', { kind: 'consecutive-falls', count: local(3) }).text,
      '3 consecutive falls',
    );
  });

  test('gives every number’s source, grouped when they share one, and flags the unconfirmed', () => {
    const amber = describeThresholdRule('alt', {
      kind: 'above-uln-multiple',
      multiple: local(2),
      upTo: bsr(100),
    });
    assert.deepEqual(amber.sources, [
      { about: ['2 × upper limit of normal'], source: 'DEFAULTS.md', confirmed: false },
      { about: ['100 U/L'], source: 'BSR/BHPR 2017', confirmed: true },
    ]);
    assert.equal(amber.awaitingConfirmation, true);

    const rise = describeThresholdRule('creatinine', {
      kind: 'rise-from-baseline',
      percent: bsr(30),
      overMonths: bsr(12),
    });
    assert.deepEqual(rise.sources, [
      { about: ['30%', '12 months'], source: 'BSR/BHPR 2017', confirmed: true },
    ]);
    assert.equal(rise.awaitingConfirmation, false);
  });

  test('adds the rule’s own source when it differs from its numbers’', () => {
    const rule = describeThresholdRule(
      'neutrophils',
      { kind: 'consecutive-falls', count: local(3) },
      {
        source: 'DEFAULTS.md; REFERENCE.md §1.4',
        confirmed: false,
      },
    );
    assert.deepEqual(
      rule.sources.map((s) => s.about),
      [['3 consecutive falls'], ['the rule as a whole']],
    );
  });

  test('has a unit for every analyte a protocol may monitor', () => {
    for (const [analyte, unit] of Object.entries(analyteUnits)) assert.ok(unit.length > 0, analyte);
    assert.equal(analyteUnits.white_cell_count, '×10⁹/L');
  });
});

describe('dosing in words', () => {
  const methotrexateDosing = {
    basis: 'per-m2',
    per: 'week',
    rangeMin: bsr(10),
    rangeMax: bsr(15),
    maximumMg: local(25),
    frequency: { kind: 'once-weekly' },
    routes: ['oral'],
    roundToMg: bsr(2.5),
    measurementMaxAgeDays: local(90),
    notes: [],
  } satisfies Protocol['dosing'];

  test('a range by body surface area or weight, per week, day or dose', () => {
    assert.deepEqual(
      describeDoseRange(methotrexateDosing).map((s) => s.text),
      ['10 to 15 mg/m² a week'],
    );
    const etanercept = {
      ...methotrexateDosing,
      basis: 'per-kg',
      per: 'dose',
      rangeMin: bsr(0.8),
      rangeMax: bsr(0.8),
    } as const;
    assert.deepEqual(
      describeDoseRange(etanercept).map((s) => s.text),
      ['0.8 mg/kg a dose'],
    );
  });

  test('weight bands, the lowest from 0 kg read as "under"', () => {
    const bands = describeDoseRange({
      ...methotrexateDosing,
      basis: 'weight-band',
      per: 'dose',
      bands: [
        { fromKg: bsr(0), belowKg: bsr(30), mgPerKg: bsr(10) },
        { fromKg: bsr(30), belowKg: bsr(50), doseMg: bsr(300) },
        { fromKg: bsr(50), belowKg: null, doseMg: bsr(400) },
      ],
    });
    assert.deepEqual(
      bands.map((b) => b.text),
      [
        'Under 30 kg: 10 mg/kg a dose',
        'From 30 kg to under 50 kg: 300 mg a dose',
        '50 kg and over: 400 mg a dose',
      ],
    );
  });

  test('the maximum, the frequency and the strengths', () => {
    const maximum = describeAmount(local(25), 'week');
    assert.equal(maximum.text, '25 mg a week');
    assert.equal(maximum.awaitingConfirmation, true);
    assert.equal(
      describeFrequency({ kind: 'once-weekly' }).text,
      'once a week, on the same named day each week',
    );
    assert.equal(describeFrequency({ kind: 'daily', timesPerDay: bsr(2) }).text, 'twice a day');
    assert.equal(describeFrequency({ kind: 'daily', timesPerDay: bsr(3) }).text, '3 times a day');
    assert.equal(describeFrequency({ kind: 'every-n-days', days: bsr(14) }).text, 'every 14 days');
    assert.equal(describeStrength(bsr(2.5), false).text, '2.5 mg');
    assert.equal(describeStrength(bsr(20), true).text, '20 mg/mL');
  });
});

describe('monitoring in words', () => {
  test('when a phase ends, and days after a test was due', () => {
    assert.equal(
      describePhaseEnd({ kind: 'dose-stable-for-weeks', weeks: bsr(6) }).text,
      'until the dose has been stable for 6 weeks',
    );
    assert.equal(describePhaseEnd({ kind: 'for-weeks', weeks: bsr(1) }).text, 'for 1 week');
    assert.equal(daysAfterDue(local(0)), 'on the due date');
    assert.equal(daysAfterDue(local(14)), '14 days after the due date');
  });

  test('numbers are written as a British reader expects', () => {
    assert.equal(formatNumber(2000), '2,000');
    assert.equal(formatNumber(0.8), '0.8');
    assert.deepEqual(sourced('No numbers here', []), {
      text: 'No numbers here',
      sources: [],
      awaitingConfirmation: false,
    });
  });
});
