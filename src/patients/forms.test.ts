import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateFromForm, dateIntoForm, patientFormAsInput, postedForm } from './forms.ts';

describe('dates typed into the three boxes of a web form', () => {
  test('become YYYY-MM-DD, with single digits padded', () => {
    assert.equal(dateFromForm({ 'dob-day': '7', 'dob-month': '3', 'dob-year': '2016' }, 'dob'), '2016-03-07');
  });

  test('all three boxes empty means no date', () => {
    assert.equal(dateFromForm({ 'dob-day': ' ', 'dob-month': '', 'dob-year': '' }, 'dob'), undefined);
  });

  test('a box missing or a two-digit year is kept as something the date check will refuse', () => {
    assert.equal(dateFromForm({ 'dob-day': '7', 'dob-month': '', 'dob-year': '2016' }, 'dob'), 'not a date');
    assert.equal(dateFromForm({ 'dob-day': '7', 'dob-month': '3', 'dob-year': '16' }, 'dob'), 'not a date');
  });

  test('a date sent whole (from a link or the API) is taken as it is', () => {
    assert.equal(dateFromForm({ dob: '2016-03-07' }, 'dob'), '2016-03-07');
  });

  test('a stored date fills the three boxes the way people type it', () => {
    assert.deepEqual(dateIntoForm('dob', '2016-03-07'), {
      'dob-day': '7',
      'dob-month': '3',
      'dob-year': '2016',
    });
    assert.deepEqual(dateIntoForm('dob', 'soon'), {});
  });
});

describe('the patient form', () => {
  test('is read as the patient details, without the CSRF token', () => {
    const form = postedForm({
      _csrf: 'token',
      nhsNumber: '999 000 0018',
      'dateOfBirth-day': '14',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2016',
      'firstSeenDate-day': '',
    });
    assert.equal('_csrf' in form, false);
    const input = patientFormAsInput(form);
    assert.equal(input.nhsNumber, '999 000 0018');
    assert.equal(input.dateOfBirth, '2016-03-14');
    assert.equal(input.firstSeenDate, undefined);
  });
});
