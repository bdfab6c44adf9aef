import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { diagnosisCodes } from './diagnoses.ts';
import { describeDiagnosis, parseDiagnosisInput } from './diagnosis.rules.ts';

const context = { today: '2026-11-26' as PlainDate, dateOfBirth: '2016-04-12' as PlainDate };
const jia = diagnosisCodes[0]!;

function fieldsOf(input: Record<string, unknown>): Record<string, string> {
  try {
    parseDiagnosisInput(input, context);
  } catch (error) {
    assert.ok(error instanceof JointlyError);
    return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
  }
  assert.fail('expected the diagnosis to be refused');
}

describe('recording a diagnosis', () => {
  test('a code from the list is accepted, with or without a date', () => {
    assert.equal(parseDiagnosisInput({ snomedCode: jia.code }, context).diagnosis.term, jia.term);
    assert.equal(
      parseDiagnosisInput({ snomedCode: jia.code, diagnosedOn: '2025-02-20' }, context).diagnosedOn,
      '2025-02-20',
    );
  });

  test('a code not in the list is refused naming the field', () => {
    assert.match(
      fieldsOf({ snomedCode: '123456' }).snomedCode!,
      /123456 is not a SNOMED CT code in Jointly’s list/,
    );
    assert.equal(fieldsOf({ snomedCode: '' }).snomedCode, 'Choose a diagnosis from the list');
  });

  test('a date in the future or before birth is refused', () => {
    assert.equal(
      fieldsOf({ snomedCode: jia.code, diagnosedOn: '2027-01-01' }).diagnosedOn,
      'Date of diagnosis cannot be in the future',
    );
    assert.equal(
      fieldsOf({ snomedCode: jia.code, diagnosedOn: '2010-01-01' }).diagnosedOn,
      'Date of diagnosis cannot be before the date of birth',
    );
  });

  test('a stored code that has left the list is still shown, marked as not confirmed', () => {
    const gone = describeDiagnosis('1234567', null);
    assert.match(gone.term, /no longer in Jointly’s list/);
    assert.equal(gone.confirmed, false);
  });
});
