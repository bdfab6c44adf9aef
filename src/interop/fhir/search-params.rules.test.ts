import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FhirProblem } from './outcome.ts';
import {
  dayRange,
  decodeCursor,
  encodeCursor,
  parseSearch,
  referenceId,
  type SearchParamDef,
  tokens,
} from './search-params.rules.ts';

const defs: SearchParamDef[] = [
  { name: 'patient', kind: 'reference', documentation: '' },
  { name: 'code', kind: 'token', documentation: '' },
  { name: 'date', kind: 'date', documentation: '' },
];

const status = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (error instanceof FhirProblem) return error.status;
    throw error;
  }
  return 200;
};

describe('FHIR search parameters', () => {
  test('_count defaults to 50 and is capped at 200; repeated date parameters are kept', () => {
    const parsed = parseSearch({ patient: 'Patient/x', date: ['ge2026-01-01', 'le2026-06-30'] }, defs);
    assert.equal(parsed.count, 50);
    assert.deepEqual(parsed.values.get('date'), ['ge2026-01-01', 'le2026-06-30']);
    assert.equal(parseSearch({ _count: '1000' }, defs).count, 200);
  });

  test('an unknown parameter, a modifier, a blank value or a bad _count is refused with 400, never ignored', () => {
    assert.equal(
      status(() => parseSearch({ pateint: 'x' }, defs)),
      400,
    );
    assert.equal(
      status(() => parseSearch({ 'code:text': 'x' }, defs)),
      400,
    );
    assert.equal(
      status(() => parseSearch({ code: '' }, defs)),
      400,
    );
    assert.equal(
      status(() => parseSearch({ _count: '-1' }, defs)),
      400,
    );
    assert.equal(
      status(() => parseSearch({ _sort: 'name' }, defs, ['date', '-date'])),
      400,
    );
  });

  test('dates with prefixes make one range of days; a month or year stands for all its days', () => {
    assert.deepEqual(dayRange(['ge2026-01-01', 'lt2026-07-01'], 'date'), {
      from: '2026-01-01',
      to: '2026-06-30',
    });
    assert.deepEqual(dayRange(['2026-02'], 'date'), { from: '2026-02-01', to: '2026-02-28' });
    assert.deepEqual(dayRange(['gt2025'], 'date'), { from: '2026-01-01', to: undefined });
    assert.deepEqual(dayRange(['le2026-12'], 'date'), { from: undefined, to: '2026-12-31' });
    assert.equal(
      status(() => dayRange(['ne2026-01-01'], 'date')),
      400,
    );
    assert.equal(
      status(() => dayRange(['2026-02-30'], 'date')),
      400,
    );
  });

  test('tokens take system|code, |code or code, with commas for either', () => {
    assert.deepEqual(tokens('http://loinc.org|751-8,718-7'), [
      { system: 'http://loinc.org', code: '751-8' },
      { system: undefined, code: '718-7' },
    ]);
  });

  test('a patient reference is an id or Patient/id, and must be a Jointly id', () => {
    const id = '0b6c1d9e-8f3a-4c57-9b1e-2a4d6f8c0e13';
    assert.equal(referenceId(`Patient/${id}`, 'Patient', 'patient'), id);
    assert.equal(
      status(() => referenceId('Patient/123', 'Patient', 'patient')),
      400,
    );
  });

  test('a cursor round-trips, and one that was tampered with is refused', () => {
    assert.deepEqual(decodeCursor(encodeCursor(['2026-11-20', 'abc']), 2), ['2026-11-20', 'abc']);
    assert.equal(
      status(() => decodeCursor('bm90IGpzb24', 2)),
      400,
    );
  });
});
