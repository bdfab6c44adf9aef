import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnosisCodes, findDiagnosis, hasValidSnomedCheckDigit, type IlarCategory } from './diagnoses.ts';

const ILAR_CATEGORIES: readonly IlarCategory[] = [
  'Systemic arthritis',
  'Oligoarthritis, persistent',
  'Oligoarthritis, extended',
  'Polyarthritis, RF negative',
  'Polyarthritis, RF positive',
  'Psoriatic arthritis',
  'Enthesitis-related arthritis',
  'Undifferentiated arthritis',
];

/**
 * ILAR categories for which no SNOMED CT concept has been confirmed yet. They are reported as TODO rather than
 * filled with a guessed id; remove a category from here once its concept is added to the list.
 */
const ILAR_CATEGORIES_WITHOUT_A_CONFIRMED_CONCEPT: ReadonlySet<IlarCategory> = new Set<IlarCategory>([
  'Oligoarthritis, persistent',
  'Oligoarthritis, extended',
  'Enthesitis-related arthritis',
  'Undifferentiated arthritis',
]);

describe('hasValidSnomedCheckDigit', () => {
  it('accepts well-known SNOMED CT concept ids', () => {
    for (const id of ['404684003', '138875005', '22298006', '1156774008', '11055151000119108']) {
      assert.equal(hasValidSnomedCheckDigit(id), true, id);
    }
  });

  it('rejects a mistyped digit and a transposition', () => {
    assert.equal(hasValidSnomedCheckDigit('410502008'), false);
    assert.equal(hasValidSnomedCheckDigit('410520007'), false);
  });

  it('rejects ids of the wrong shape or partition', () => {
    for (const id of ['', '12345', '0410502007', '41050200x', '1234567890123456789', '900000000000207008a']) {
      assert.equal(hasValidSnomedCheckDigit(id), false, id);
    }
    // 36112013 has a valid check digit but is a description id (partition 01), not a concept id.
    assert.equal(hasValidSnomedCheckDigit('36112013'), false);
  });
});

describe('diagnosisCodes', () => {
  it('has unique codes', () => {
    const codes = diagnosisCodes.map((diagnosis) => diagnosis.code);
    assert.equal(new Set(codes).size, codes.length);
  });

  it('has a valid Verhoeff check digit on every code', () => {
    for (const diagnosis of diagnosisCodes) {
      assert.equal(hasValidSnomedCheckDigit(diagnosis.code), true, `${diagnosis.code} ${diagnosis.term}`);
    }
  });

  it('gives every entry a non-empty term and source', () => {
    for (const diagnosis of diagnosisCodes) {
      assert.notEqual(diagnosis.term.trim(), '', diagnosis.code);
      assert.notEqual(diagnosis.source.trim(), '', diagnosis.code);
    }
  });

  it('sets an ILAR category only on JIA concepts', () => {
    for (const diagnosis of diagnosisCodes) {
      if (diagnosis.ilarCategory !== undefined) {
        assert.equal(diagnosis.group, 'Juvenile idiopathic arthritis', diagnosis.code);
      }
    }
  });

  it('does not carry the inactive 410795001 |Juvenile rheumatoid arthritis|', () => {
    assert.equal(findDiagnosis('410795001'), undefined);
  });

  for (const category of ILAR_CATEGORIES) {
    const todo = ILAR_CATEGORIES_WITHOUT_A_CONFIRMED_CONCEPT.has(category)
      ? 'no SNOMED CT concept confirmed yet for this ILAR category'
      : undefined;
    it(`has exactly one concept for the ILAR category "${category}"`, { todo }, () => {
      const matches = diagnosisCodes.filter((diagnosis) => diagnosis.ilarCategory === category);
      assert.equal(matches.length, 1, matches.map((diagnosis) => diagnosis.code).join(', '));
    });
  }

  it('never has two concepts for the same ILAR category', () => {
    const seen = new Map<IlarCategory, string>();
    for (const diagnosis of diagnosisCodes) {
      if (diagnosis.ilarCategory === undefined) continue;
      const other = seen.get(diagnosis.ilarCategory);
      assert.equal(other, undefined, `${diagnosis.ilarCategory}: ${other} and ${diagnosis.code}`);
      seen.set(diagnosis.ilarCategory, diagnosis.code);
    }
  });
});

describe('findDiagnosis', () => {
  it('finds every entry by its code', () => {
    for (const diagnosis of diagnosisCodes) {
      assert.equal(findDiagnosis(diagnosis.code), diagnosis);
    }
  });

  it('finds Juvenile idiopathic arthritis by code, ignoring surrounding spaces', () => {
    assert.equal(findDiagnosis(' 410502007 ')?.term, 'Juvenile idiopathic arthritis');
  });

  it('returns undefined for an unknown code', () => {
    assert.equal(findDiagnosis('22298006'), undefined);
    assert.equal(findDiagnosis(''), undefined);
  });
});
