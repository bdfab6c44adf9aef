import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Analyte, analytes } from '../protocols/protocol.schema.ts';
import { acceptedUnits, canonicalUnit, impossibleValue, toCanonical, unitKey } from './units.rules.ts';
import { resultUnits } from './units.ts';

function converted(analyte: Analyte, value: number, unit: string): number {
  const result = toCanonical(analyte, value, unit);
  assert.ok(result.ok, result.ok ? '' : result.message);
  assert.equal(result.unit, canonicalUnit(analyte));
  return result.value;
}

describe('the one unit for each blood test', () => {
  test('counts are ×10⁹/L, and the rest as the clinic reads them', () => {
    for (const a of ['white_cell_count', 'neutrophils', 'lymphocytes', 'platelets', 'eosinophils'] as const) {
      assert.equal(canonicalUnit(a), '×10⁹/L');
    }
    assert.equal(canonicalUnit('haemoglobin'), 'g/L');
    assert.equal(canonicalUnit('mcv'), 'fL');
    assert.equal(canonicalUnit('alt'), 'U/L');
    assert.equal(canonicalUnit('creatinine'), 'µmol/L');
    assert.equal(canonicalUnit('egfr'), 'mL/min/1.73m²');
    assert.equal(canonicalUnit('crp'), 'mg/L');
    assert.equal(canonicalUnit('esr'), 'mm/h');
    assert.equal(canonicalUnit('cholesterol'), 'mmol/L');
  });

  test('every analyte accepts its own canonical unit, and no spelling means two different things', () => {
    for (const analyte of analytes) {
      assert.equal(converted(analyte, 1, canonicalUnit(analyte)), 1);
      const factorByKey = new Map<string, number>();
      for (const c of resultUnits[analyte].conversions) {
        assert.ok(c.source.length > 3, `${analyte}: each conversion says where its factor comes from`);
        for (const s of c.spellings) {
          const key = unitKey(s);
          const earlier = factorByKey.get(key);
          assert.ok(earlier === undefined || earlier === c.factor, `${analyte}: "${s}" is ambiguous`);
          factorByKey.set(key, c.factor);
        }
      }
      assert.ok(acceptedUnits(analyte).includes(canonicalUnit(analyte)));
    }
  });
});

describe('converting a result to its unit', () => {
  test('cell counts in the ways laboratories and UCUM write them are the same number', () => {
    const spellings = [
      '×10⁹/L',
      '10^9/L',
      'x10^9/L',
      'X10^9/l',
      '10*9/L',
      ' 10 ^ 9 / L ',
      '/nL',
      '10^3/uL',
      '10^3/µL',
      '10*3/uL',
      'K/uL',
      'k/μL',
    ];
    for (const unit of spellings) assert.equal(converted('platelets', 250, unit), 250, unit);
  });

  test('haemoglobin and albumin in g/dL are multiplied by 10, without floating-point noise', () => {
    assert.equal(converted('haemoglobin', 11.3, 'g/dL'), 113);
    assert.equal(converted('haemoglobin', 12.1, 'G/DL'), 121);
    assert.equal(converted('albumin', 3.8, 'g/dl'), 38);
    assert.equal(converted('haemoglobin', 121, 'g/L'), 121);
  });

  test('enzymes in IU/L are the same as U/L; µkat/L are 60 U/L', () => {
    assert.equal(converted('alt', 45, 'IU/L'), 45);
    assert.equal(converted('ast', 45, 'iu/l'), 45);
    assert.equal(converted('alkaline_phosphatase', 300, 'U/L'), 300);
    assert.equal(converted('alt', 0.5, 'µkat/L'), 30);
  });

  test('creatinine and bilirubin in mg/dL by their molar masses; every micro sign accepted', () => {
    assert.equal(converted('creatinine', 0.6, 'mg/dL'), 53.04);
    assert.equal(converted('creatinine', 0.5, 'mg/dL'), 44.2);
    assert.equal(converted('bilirubin', 1.2, 'mg/dL'), 20.52);
    for (const unit of ['umol/L', 'µmol/L', 'μmol/L', 'UMOL/L'])
      assert.equal(converted('creatinine', 45, unit), 45);
  });

  test('urea as BUN in mg/dL, cholesterol in mg/dL, CRP in mg/dL', () => {
    assert.equal(converted('urea', 14, 'mg/dL BUN'), 4.998);
    assert.equal(
      toCanonical('urea', 14, 'mg/dL').ok,
      false,
      'plain mg/dL is urea in some countries, BUN in others',
    );
    assert.equal(converted('cholesterol', 193, 'mg/dL'), 4.991);
    assert.equal(converted('crp', 0.3, 'mg/dL'), 3);
    assert.equal(converted('crp', 0.03, 'mg/dL'), 0.3);
    assert.equal(converted('crp', 12, 'ug/mL'), 12);
  });

  test('sodium and potassium in mEq/L are the same number in mmol/L', () => {
    assert.equal(converted('sodium', 139, 'mEq/L'), 139);
    assert.equal(converted('potassium', 4.1, 'meq/l'), 4.1);
  });

  test('eGFR, ESR and MCV spellings', () => {
    for (const unit of [
      'mL/min/1.73m²',
      'mL/min/1.73m2',
      'ml/min/1.73 m2',
      'mL/min/{1.73_m2}',
      'mL/min/1.73m^2',
    ]) {
      assert.equal(converted('egfr', 95, unit), 95, unit);
    }
    for (const unit of ['mm/h', 'mm/hr', 'MM/HR', 'mm/hour'])
      assert.equal(converted('esr', 12, unit), 12, unit);
    assert.equal(converted('mcv', 82, 'fl'), 82);
  });

  test('an exact value in its own unit is kept exactly', () => {
    assert.equal(converted('neutrophils', 1.55, '10^9/L'), 1.55);
    assert.equal(converted('crp', 0.1 + 0.2, 'mg/L'), 0.1 + 0.2);
  });
});

describe('refusing a unit that is not known for the test', () => {
  test('a unit for another test is refused, naming the test and the units accepted', () => {
    const result = toCanonical('platelets', 250, 'g/L');
    assert.ok(!result.ok);
    assert.match(result.message, /^Platelets: “g\/L” is not a unit Jointly accepts/);
    assert.match(result.message, /×10⁹\/L, 10\^9\/L/);
    assert.match(result.message, /K\/uL/);
  });

  test('mg/dL is refused where no laboratory uses it', () => {
    for (const analyte of ['haemoglobin', 'albumin', 'sodium', 'potassium', 'alt'] as const) {
      const result = toCanonical(analyte, 10, 'mg/dL');
      assert.ok(!result.ok, analyte);
    }
  });

  test('cells per µL, per mm³ and mmol/L haemoglobin are not guessed at', () => {
    assert.equal(toCanonical('platelets', 250_000, '/uL').ok, false);
    assert.equal(toCanonical('platelets', 250_000, '/mm3').ok, false);
    assert.equal(toCanonical('haemoglobin', 7.5, 'mmol/L').ok, false);
    assert.equal(toCanonical('creatinine', 45, 'mmol/L').ok, false);
  });

  test('a missing unit and a value that is not a number are refused', () => {
    const blank = toCanonical('alt', 30, '  ');
    assert.ok(!blank.ok);
    assert.match(blank.message, /^ALT: give the unit, one of U\/L, IU\/L/);
    const nan = toCanonical('alt', Number.NaN, 'U/L');
    assert.ok(!nan.ok);
    assert.match(nan.message, /must be a number/);
  });
});

describe('values no child can have', () => {
  test('ordinary results pass', () => {
    assert.equal(impossibleValue('platelets', 250), null);
    assert.equal(impossibleValue('neutrophils', 0), null);
    assert.equal(impossibleValue('haemoglobin', 121), null);
    assert.equal(impossibleValue('sodium', 139), null);
    assert.equal(impossibleValue('esr', 0), null);
  });

  test('negative counts and concentrations are refused', () => {
    assert.equal(impossibleValue('neutrophils', -0.5), 'Neutrophils cannot be negative (-0.5 was given).');
    assert.match(impossibleValue('creatinine', -1) ?? '', /cannot be negative/);
  });

  test('a value that is not finite is refused', () => {
    assert.match(impossibleValue('crp', Number.POSITIVE_INFINITY) ?? '', /must be a number/);
  });

  test('platelets over 5000, haemoglobin over 300 g/L and sodium outside 80–200 are refused', () => {
    assert.equal(impossibleValue('platelets', 5000), null);
    assert.equal(
      impossibleValue('platelets', 250_000),
      'Platelets 250,000 ×10⁹/L is not physiologically possible (above 5,000 ×10⁹/L): check the value and its unit.',
    );
    assert.match(impossibleValue('haemoglobin', 301) ?? '', /above 300 g\/L/);
    assert.match(impossibleValue('sodium', 79) ?? '', /below 80 mmol\/L/);
    assert.match(impossibleValue('sodium', 201) ?? '', /above 200 mmol\/L/);
    assert.equal(impossibleValue('sodium', 80), null);
    assert.equal(impossibleValue('sodium', 200), null);
    assert.match(impossibleValue('esr', 250) ?? '', /above 200 mm\/h/);
  });

  test('haemoglobin given in g/dL as if g/L is caught, with the likely cause', () => {
    assert.equal(
      impossibleValue('haemoglobin', 11.5),
      'Haemoglobin 11.5 g/L is not physiologically possible (below 20 g/L): check the value and its unit — was it reported in g/dL?',
    );
  });
});
