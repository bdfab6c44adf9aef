import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JointlyError } from '../kernel/errors.ts';
import { criteriaUsed, escapeLike, nameMatches, parseSearchCriteria } from './search.rules.ts';

describe('reading a typed name', () => {
  test('one word is the start of a family name', () => {
    assert.deepEqual(nameMatches(' Har '), [{ familyPrefix: 'Har' }]);
  });

  test('"family, given" reads the family name first', () => {
    assert.deepEqual(nameMatches('Hart,  Amelia'), [{ familyPrefix: 'Hart', givenPrefix: 'Amelia' }]);
    assert.deepEqual(nameMatches('Hart,'), [{ familyPrefix: 'Hart' }]);
  });

  test('"given family" also tries the whole text as a family name with a space in it', () => {
    assert.deepEqual(nameMatches('Amelia Hart'), [
      { familyPrefix: 'Amelia Hart' },
      { familyPrefix: 'Hart', givenPrefix: 'Amelia' },
    ]);
    assert.deepEqual(nameMatches('Ana van der Berg')[1], {
      familyPrefix: 'van der Berg',
      givenPrefix: 'Ana',
    });
  });

  test('wildcards typed into a name match only themselves', () => {
    assert.equal(escapeLike('50%_a\\b'), '50\\%\\_a\\\\b');
  });
});

describe('search criteria', () => {
  test('an NHS number typed with spaces is searched without them', () => {
    assert.deepEqual(parseSearchCriteria({ nhsNumber: '999 000 0018' }, { allowTestRange: true }), {
      nhsNumber: '9990000018',
    });
  });

  test('criteria combine, and the audit trail learns only which were used', () => {
    const criteria = parseSearchCriteria(
      { name: 'Hart', dateOfBirth: '2016-04-12', nhsNumber: '' },
      { allowTestRange: true },
    );
    assert.deepEqual(criteriaUsed(criteria), ['name', 'dateOfBirth']);
  });

  test('a search for nothing is refused, asking for a name, NHS number or date of birth', () => {
    assert.throws(
      () => parseSearchCriteria({ name: ' ', nhsNumber: '' }, { allowTestRange: true }),
      (e: unknown) =>
        e instanceof JointlyError &&
        e.fields[0]?.field === 'name' &&
        /name, NHS number or date of birth/.test(e.message),
    );
  });

  test('a mistyped NHS number or date is refused naming the field', () => {
    assert.throws(
      () =>
        parseSearchCriteria({ nhsNumber: '9991234560', dateOfBirth: '2016-13-01' }, { allowTestRange: true }),
      (e: unknown) =>
        e instanceof JointlyError &&
        e.fields.some((f) => f.field === 'nhsNumber' && /check digit/.test(f.message)) &&
        e.fields.some((f) => f.field === 'dateOfBirth' && f.message === 'Date of birth must be a real date'),
    );
  });
});
