import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  outcomeLine,
  panelInput,
  panelRows,
  problemsOnForm,
  type ResultShown,
} from './result-forms.rules.ts';

describe('the panel form', () => {
  test('offers each test of the panel, Jointly’s unit first and chosen, keeping a unit sent that is not offered', () => {
    const rows = panelRows('LFT', { 'alt-unit': 'furlongs' });
    assert.deepEqual(
      rows.map((r) => r.analyte),
      ['alt', 'ast', 'alkaline_phosphatase', 'albumin', 'bilirubin'],
    );
    const bilirubin = rows.find((r) => r.analyte === 'bilirubin')!;
    assert.equal(bilirubin.unitItems[0]!.value, 'µmol/L');
    assert.equal(bilirubin.unitItems[0]!.selected, true);
    const alt = rows.find((r) => r.analyte === 'alt')!;
    assert.deepEqual(alt.unitItems.at(-1), { value: 'furlongs', text: 'furlongs', selected: true });
  });

  test('blank rows are skipped; every result takes the one specimen date', () => {
    const { input, analytes } = panelInput(
      'FBC',
      {
        'neutrophils-value': '1.2',
        'neutrophils-unit': '10^9/L',
        'platelets-value': ' ',
        'mcv-rangeLow': '80',
      },
      '2026-11-20',
    );
    assert.deepEqual(analytes, ['neutrophils', 'mcv']);
    assert.deepEqual(input.results[0], {
      analyte: 'neutrophils',
      value: '1.2',
      unit: '10^9/L',
      rangeLow: '',
      rangeHigh: '',
      specimenDate: '2026-11-20',
    });
    assert.equal(
      input.results[1]!.value,
      '',
      'a range with no value is sent, so it is refused rather than lost',
    );
  });

  test('problems go beside their box and name their test; the date’s problem is shown once', () => {
    const shown = problemsOnForm(
      [
        {
          field: 'results.0.specimenDate',
          message: 'Neutrophils: the blood cannot have been taken in the future',
        },
        {
          field: 'results.1.specimenDate',
          message: 'MCV (mean cell volume): the blood cannot have been taken in the future',
        },
        { field: 'results.1.value', message: 'Enter the result as a number' },
      ],
      'FBC',
      ['neutrophils', 'mcv'],
    );
    assert.deepEqual(shown, [
      { field: 'specimenDate', message: 'The blood cannot have been taken in the future' },
      { field: 'mcv-value', message: 'MCV (mean cell volume): enter the result as a number' },
    ]);
    assert.deepEqual(problemsOnForm([{ field: 'results', message: 'Give at least one result' }], 'FBC', []), [
      { field: 'haemoglobin-value', message: 'Enter at least one result' },
    ]);
  });
});

describe('the outcome in words', () => {
  const base: ResultShown = {
    analyte: 'neutrophils',
    value: 1.2,
    unit: '×10⁹/L',
    reportedValue: 1.2,
    reportedUnit: '×10⁹/L',
    rangeLow: 2,
    rangeHigh: 7.5,
    rangeSource: 'laboratory',
    specimenDate: '2026-11-20',
    outcome: 'normal',
    findings: [],
    source: 'form',
    enteredByName: null,
    enteredVia: null,
  };

  test('red with the protocol’s rule and action, and whether its numbers await local confirmation', () => {
    const line = outcomeLine({
      ...base,
      outcome: 'red',
      findings: [
        {
          outcome: 'red',
          rule: 'Neutrophils below 1.6 ×10⁹/L',
          action: 'Withhold methotrexate and discuss with the specialist team today.',
          repeatWithinDays: null,
          source: 'REFERENCE.md',
          confirmed: false,
          protocolId: 'methotrexate-oral-jia',
          medicine: 'methotrexate',
        },
      ],
    });
    assert.equal(
      line,
      'Neutrophils 1.2 ×10⁹/L (taken 20 November 2026): red — Neutrophils below 1.6 ×10⁹/L. Withhold methotrexate and discuss with the specialist team today. (awaiting local confirmation)',
    );
  });

  test('a normal result says so, and says when no range was known to judge it by', () => {
    assert.match(outcomeLine({ ...base, value: 3 }), /: normal$/);
    assert.match(
      outcomeLine({ ...base, value: 3, rangeLow: null, rangeHigh: null }),
      /no concern found \(no range known\)$/,
    );
  });
});
