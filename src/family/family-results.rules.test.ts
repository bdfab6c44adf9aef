import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { listWords, plainResult, type ReleasedResult, upcomingTestWords } from './family-results.rules.ts';

const neutrophils = (value: number, outcome: ReleasedResult['outcome']): ReleasedResult => ({
  analyte: 'neutrophils',
  value,
  unit: '×10⁹/L',
  rangeLow: 1.5,
  rangeHigh: 8,
  outcome,
  specimenDate: '2026-11-20' as PlainDate,
});

describe('a result in the family’s words', () => {
  test('a normal result is within the usual range for their age, or for yours when it is your own', () => {
    assert.deepEqual(plainResult(neutrophils(2.1, 'normal'), false), {
      specimenDate: '2026-11-20',
      test: 'Neutrophils',
      value: 2.1,
      unit: '×10⁹/L',
      words: 'within the usual range for their age',
    });
    assert.equal(plainResult(neutrophils(2.1, 'normal'), true).words, 'within the usual range for your age');
  });

  test('amber says the team has been told; red that they will contact the family', () => {
    assert.equal(
      plainResult(neutrophils(1.4, 'amber'), false).words,
      'lower than usual — the team has been told',
    );
    assert.equal(
      plainResult(neutrophils(1.2, 'red'), false).words,
      'lower than usual — the team has been told and will contact you',
    );
    assert.equal(
      plainResult({ ...neutrophils(9, 'outside-range') }, false).words,
      'higher than usual — the team sees every result and will tell you if anything needs to change',
    );
  });

  test('a flagged result inside the usual range is a change, not "lower" or "higher"', () => {
    assert.equal(
      plainResult(neutrophils(3, 'amber'), false).words,
      'a change from earlier results — the team has been told',
    );
  });

  test('a result with no usual range is not said to be within one, nor lower or higher', () => {
    const r = { ...neutrophils(2.1, 'normal'), rangeLow: null, rangeHigh: null };
    assert.equal(plainResult(r, false).words, 'nothing in this result needs any action');
    assert.equal(
      plainResult({ ...r, outcome: 'red' }, false).words,
      'not as expected — the team has been told and will contact you',
    );
  });
});

describe('upcoming blood tests in the family’s words', () => {
  test('soonest first, the tests named plainly, where, who arranges them, and whether it is late', () => {
    const words = upcomingTestWords(
      [
        {
          medicine: 'etanercept',
          dueOn: '2026-12-20' as PlainDate,
          panels: ['FBC'],
          place: 'hospital',
          arrangedBy: null,
        },
        {
          medicine: 'methotrexate',
          dueOn: '2026-11-24' as PlainDate,
          panels: ['FBC', 'LFT', 'U&E'],
          place: 'gp-surgery',
          arrangedBy: 'Riverside Surgery',
        },
      ],
      '2026-11-26' as PlainDate,
    );
    assert.deepEqual(words, [
      {
        medicine: 'methotrexate',
        dueOn: '2026-11-24',
        late: true,
        tests: 'full blood count, liver tests and kidney tests',
        where: 'at your GP surgery',
        arrangedBy: 'Riverside Surgery',
      },
      {
        medicine: 'etanercept',
        dueOn: '2026-12-20',
        late: false,
        tests: 'full blood count',
        where: 'at the hospital',
        arrangedBy: 'your specialist team',
      },
    ]);
  });

  test('lists read as English', () => {
    assert.equal(listWords([]), '');
    assert.equal(listWords(['a']), 'a');
    assert.equal(listWords(['a', 'b']), 'a and b');
  });
});
