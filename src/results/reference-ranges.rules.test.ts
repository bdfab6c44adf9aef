import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { paediatricBands, paediatricRange } from './reference-ranges.rules.ts';

describe('paediatric reference ranges by age and sex', () => {
  test('a 4-year-old’s platelets: the Dorset 2–6 years range', () => {
    const range = paediatricRange('platelets', 4, 'female');
    assert.ok(range);
    assert.deepEqual([range.low, range.high], [200, 490]);
    assert.equal(range.confirmed, true);
    assert.match(range.source, /REFERENCE\.md §6.*Dorset.*2–6 years/);
    assert.equal(range.label, 'Paediatric range, 2–6 years');
  });

  test('a 9-year-old’s haemoglobin is the 6–12 years range whatever the sex', () => {
    for (const sex of ['female', 'male', 'unknown'] as const) {
      const range = paediatricRange('haemoglobin', 9, sex);
      assert.deepEqual([range?.low, range?.high], [115, 155], sex);
    }
  });

  test('from 12 the adult haemoglobin range applies, by sex, and says it is the adult range', () => {
    const girl = paediatricRange('haemoglobin', 14, 'female');
    assert.deepEqual([girl?.low, girl?.high], [120, 150]);
    assert.match(girl?.label ?? '', /Adult female range, used from 12 years/);
    const boy = paediatricRange('haemoglobin', 14, 'male');
    assert.deepEqual([boy?.low, boy?.high], [130, 170]);
  });

  test('when sex is not recorded as female or male, the wider bound of the two', () => {
    for (const sex of ['other', 'unknown'] as const) {
      const range = paediatricRange('haemoglobin', 14, sex);
      assert.ok(range);
      assert.deepEqual([range.low, range.high], [120, 170]);
      assert.match(range.label, /female 120–150, male 130–170 g\/L; sex not recorded as female or male/);
      assert.match(range.source, /female/);
      assert.match(range.source, /male/);
    }
  });

  test('band edges: the 6–12 column up to 12, the adult one from 12', () => {
    assert.deepEqual(paediatricRange('platelets', 11.99, 'male')?.high, 450);
    assert.deepEqual(paediatricRange('platelets', 12, 'male')?.high, 410);
    assert.deepEqual(paediatricRange('platelets', 1, 'male')?.high, 550);
    assert.deepEqual(paediatricRange('platelets', 2, 'male')?.high, 490);
  });

  test('ALT has an upper limit of 40 U/L and no lower limit', () => {
    const range = paediatricRange('alt', 8, 'male');
    assert.ok(range);
    assert.equal(range.high, 40);
    assert.equal(range.low, null);
    assert.match(range.source, /Whipps Cross/);
  });

  test('the misprinted Dorset 2–6 years lymphocyte range is not used: Iowa’s instead', () => {
    const four = paediatricRange('lymphocytes', 4, 'female');
    assert.deepEqual([four?.low, four?.high], [2.0, 8.0]);
    assert.match(four?.source ?? '', /Iowa.*2–5 years/);
    const fiveAndAHalf = paediatricRange('lymphocytes', 5.5, 'female');
    assert.deepEqual([fiveAndAHalf?.low, fiveAndAHalf?.high], [1.25, 7.0]);
  });

  test('child biochemistry from Whipps Cross', () => {
    assert.deepEqual(paediatricRange('albumin', 7, 'male')?.low, 35);
    assert.deepEqual(paediatricRange('alkaline_phosphatase', 7, 'male')?.high, 550);
    assert.deepEqual(paediatricRange('creatinine', 7, 'male')?.high, 60);
    assert.deepEqual(paediatricRange('ast', 7, 'male')?.high, 60);
  });

  test('no range when the sources give none: under 1 year, analytes with no table, adults’ biochemistry', () => {
    assert.equal(paediatricRange('haemoglobin', 0.5, 'female'), null);
    assert.equal(paediatricRange('platelets', 0.9, 'male'), null);
    assert.equal(paediatricRange('crp', 8, 'female'), null);
    assert.equal(paediatricRange('sodium', 8, 'female'), null);
    assert.equal(paediatricRange('alt', 18, 'female'), null);
    assert.equal(paediatricRange('alt', -1, 'female'), null);
    assert.equal(paediatricRange('alt', Number.NaN, 'female'), null);
  });

  test('under 1 year only where the source has a range: infant creatinine, Iowa neutrophils from 6 months', () => {
    assert.deepEqual(paediatricRange('creatinine', 0.5, 'female')?.high, 55);
    assert.deepEqual(paediatricRange('neutrophils', 0.75, 'female')?.low, 1.5);
    assert.equal(paediatricRange('neutrophils', 0.25, 'female'), null);
  });

  test('the table’s bands never overlap for one test and sex, and each cites REFERENCE.md §6 as verified', () => {
    for (const a of paediatricBands) {
      assert.match(a.source, /^REFERENCE\.md §6/);
      assert.equal(a.confirmed, true);
      for (const b of paediatricBands) {
        if (a === b || a.analyte !== b.analyte) continue;
        if (a.sex !== 'any' && b.sex !== 'any' && a.sex !== b.sex) continue;
        const overlap = a.fromYears < (b.belowYears ?? Infinity) && b.fromYears < (a.belowYears ?? Infinity);
        assert.ok(!overlap, `${a.analyte}: ${a.label} overlaps ${b.label}`);
      }
    }
  });
});
