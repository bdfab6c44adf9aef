import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { normalisePostcode, type PatientInputContext, parsePatientDetails } from './patient.rules.ts';

const today = '2026-11-26' as PlainDate;
const demoMode: PatientInputContext = { today, allowTestRange: true };
const liveMode: PatientInputContext = { today, allowTestRange: false };

const amelia = {
  nhsNumber: '999 000 0018',
  givenName: '  Amelia ',
  familyName: 'Hart',
  dateOfBirth: '2016-04-12',
  sex: 'female',
  postcode: 'ls1 4ap',
  registeredPracticeCode: 'gp001',
};

/** The field problems a refusal names, as { field: message }. */
function problems(input: Record<string, unknown>, context = demoMode): Record<string, string> {
  try {
    parsePatientDetails(input, context);
  } catch (error) {
    assert.ok(error instanceof JointlyError);
    assert.equal(error.code, 'INVALID_INPUT');
    return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
  }
  assert.fail('expected the details to be refused');
}

describe('registering a patient: details that are accepted', () => {
  test('spaces are taken out of the NHS number, names trimmed, postcode and practice code upper-cased', () => {
    const details = parsePatientDetails(amelia, demoMode);
    assert.equal(details.nhsNumber, '9990000018');
    assert.equal(details.givenName, 'Amelia');
    assert.equal(details.postcode, 'LS1 4AP');
    assert.equal(details.registeredPracticeCode, 'GP001');
    assert.equal(details.firstSeenDate, undefined);
  });

  test('blank optional fields from a web form mean "not known"', () => {
    const details = parsePatientDetails(
      { ...amelia, postcode: ' ', symptomOnsetDate: '', firstSeenDate: null },
      demoMode,
    );
    assert.equal(details.postcode, undefined);
    assert.equal(details.symptomOnsetDate, undefined);
  });

  test('audit dates in order are kept', () => {
    const details = parsePatientDetails(
      {
        ...amelia,
        symptomOnsetDate: '2025-01-10',
        referralReceivedDate: '2025-02-01',
        firstSeenDate: '2025-02-20',
      },
      demoMode,
    );
    assert.equal(details.firstSeenDate, '2025-02-20');
  });

  test('a real NHS number outside the test range is accepted in live mode', () => {
    assert.equal(
      parsePatientDetails({ ...amelia, nhsNumber: '943 476 5919' }, liveMode).nhsNumber,
      '9434765919',
    );
  });
});

describe('registering a patient: each field refused with its own message', () => {
  test('an NHS number with a wrong check digit, naming nhsNumber with the validator’s message', () => {
    assert.match(problems({ ...amelia, nhsNumber: '9991234560' }).nhsNumber!, /check digit does not match/);
  });

  test('an NHS number that is not ten digits', () => {
    assert.equal(problems({ ...amelia, nhsNumber: '12345' }).nhsNumber, 'NHS number must be 10 digits');
  });

  test('a 999 test number outside demo mode', () => {
    assert.match(problems(amelia, liveMode).nhsNumber!, /test numbers/);
  });

  test('a missing NHS number', () => {
    assert.equal(problems({ ...amelia, nhsNumber: '' }).nhsNumber, 'Enter the NHS number');
  });

  test('missing or over-long names', () => {
    const found = problems({ ...amelia, givenName: '   ', familyName: 'x'.repeat(101) });
    assert.equal(found.givenName, 'Enter the given name');
    assert.equal(found.familyName, 'The family name must be 100 characters or fewer');
  });

  test('a date of birth that is not on the calendar', () => {
    assert.equal(
      problems({ ...amelia, dateOfBirth: '2016-02-30' }).dateOfBirth,
      'Date of birth must be a real date',
    );
  });

  test('a date of birth in the future', () => {
    assert.equal(
      problems({ ...amelia, dateOfBirth: '2026-11-27' }).dateOfBirth,
      'Date of birth must be today or in the past',
    );
  });

  test('a date of birth more than 25 years ago, saying this is a service for children', () => {
    assert.match(
      problems({ ...amelia, dateOfBirth: '2001-11-25' }).dateOfBirth!,
      /within the last 25 years.*children/,
    );
    assert.equal(
      parsePatientDetails({ ...amelia, dateOfBirth: '2001-11-26' }, demoMode).dateOfBirth,
      '2001-11-26',
    );
  });

  test('when editing, a young person past the age limit keeps their recorded date of birth', () => {
    const context = { ...demoMode, recordedDateOfBirth: '2000-01-01' as PlainDate };
    assert.equal(
      parsePatientDetails({ ...amelia, dateOfBirth: '2000-01-01' }, context).dateOfBirth,
      '2000-01-01',
    );
    assert.match(problems({ ...amelia, dateOfBirth: '2000-01-02' }, context).dateOfBirth!, /25 years/);
  });

  test('a sex outside the four recorded values', () => {
    assert.match(problems({ ...amelia, sex: 'other' }).sex!, /Choose the patient’s sex/);
  });

  test('a postcode that is not a UK postcode', () => {
    assert.equal(problems({ ...amelia, postcode: 'LS1' }).postcode, 'Enter a real UK postcode, like LS1 4AP');
  });

  test('a missing or malformed GP practice code', () => {
    assert.match(
      problems({ ...amelia, registeredPracticeCode: '' }).registeredPracticeCode!,
      /Choose the GP practice/,
    );
    assert.match(
      problems({ ...amelia, registeredPracticeCode: 'G!' }).registeredPracticeCode!,
      /3 to 10 letters/,
    );
  });

  test('audit dates that are not real, in the future or before birth', () => {
    const found = problems({
      ...amelia,
      symptomOnsetDate: '2016-04-11',
      referralReceivedDate: '2026-11-27',
      diagnosisDate: 'last week',
    });
    assert.equal(found.symptomOnsetDate, 'Date symptoms started cannot be before the date of birth');
    assert.equal(found.referralReceivedDate, 'Date referral received cannot be in the future');
    assert.equal(found.diagnosisDate, 'Date of diagnosis must be a real date');
  });

  test('first seen before the referral was received', () => {
    const found = problems({ ...amelia, referralReceivedDate: '2025-03-01', firstSeenDate: '2025-02-28' });
    assert.equal(
      found.firstSeenDate,
      'Date first seen by the team cannot be before the date the referral was received',
    );
  });

  test('every wrong field is named at once, so nothing partial is accepted', () => {
    const found = problems({ nhsNumber: '1', sex: 'x' });
    assert.deepEqual(Object.keys(found).sort(), [
      'dateOfBirth',
      'familyName',
      'givenName',
      'nhsNumber',
      'registeredPracticeCode',
      'sex',
    ]);
  });
});

describe('postcodes', () => {
  test('are written in upper case with one space before the last three characters', () => {
    assert.equal(normalisePostcode('sw1a1aa'), 'SW1A 1AA');
    assert.equal(normalisePostcode(' m1  1ae '), 'M1 1AE');
    assert.equal(normalisePostcode('B33 8TH'), 'B33 8TH');
  });

  test('that cannot be UK postcodes are refused', () => {
    assert.equal(normalisePostcode('12345'), undefined);
    assert.equal(normalisePostcode('LS1 4A'), undefined);
  });
});
