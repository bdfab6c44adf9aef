import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkNhsNumber, formatNhsNumber, nhsCheckDigit } from './nhs-number.ts';

const demo = { allowTestRange: true };
const live = { allowTestRange: false };

describe('NHS number', () => {
  test('accepts the valid test-range numbers from the reference in demo mode', () => {
    for (const n of ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050', '9991111115']) {
      assert.deepEqual(checkNhsNumber(n, demo), { ok: true, nhsNumber: n });
    }
  });

  test('accepts spaces and hyphens as typed, and stores the ten digits', () => {
    assert.deepEqual(checkNhsNumber(' 999 000 0018 ', demo), { ok: true, nhsNumber: '9990000018' });
    assert.deepEqual(checkNhsNumber('999-000-0018', demo), { ok: true, nhsNumber: '9990000018' });
  });

  test('refuses a number whose check digit would be 10, with a message about the check digit', () => {
    for (const n of ['9991234560', '9990000000', '9990000009', '9876544321']) {
      const result = checkNhsNumber(n, demo);
      assert.equal(result.ok, false, n);
      assert.match((result as { message: string }).message, /check digit/);
    }
  });

  test('refuses a mistyped digit', () => {
    const result = checkNhsNumber('9990000019', demo);
    assert.ok(!result.ok && result.problem === 'check-digit');
  });

  test('refuses anything that is not ten digits', () => {
    for (const n of ['999000001', '99900000188', 'ABCDEFGHIJ', '', '999 000 001X']) {
      const result = checkNhsNumber(n, demo);
      assert.ok(!result.ok && result.problem === 'not-ten-digits', n);
    }
  });

  test('refuses one digit repeated, which passes modulus 11 but is never issued', () => {
    for (const n of ['0000000000', '1111111111']) assert.equal(checkNhsNumber(n, demo).ok, false, n);
  });

  test('refuses the 999 test range outside demo and test mode', () => {
    const result = checkNhsNumber('9990000018', live);
    assert.ok(!result.ok && result.problem === 'test-range-not-allowed');
    assert.match(result.message, /demo or test mode/);
  });

  test('accepts an issued-range number outside demo mode', () => {
    assert.equal(checkNhsNumber('943 476 5919', live).ok, true);
  });

  test('shows numbers in the 3-3-4 form', () => {
    assert.equal(formatNhsNumber('9990000018'), '999 000 0018');
  });

  test('computes check digits, and none where the number cannot exist', () => {
    assert.equal(nhsCheckDigit('999000001'), 8);
    assert.equal(nhsCheckDigit('943476591'), 9);
    assert.equal(nhsCheckDigit('999000000'), undefined);
  });
});
