import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addDays, ageOn, daysBetween, describeAge, isPlainDate, type PlainDate, todayInUk } from './dates.ts';

const d = (s: string) => s as PlainDate;

describe('plain dates', () => {
  test('knows real calendar dates from impossible ones', () => {
    assert.equal(isPlainDate('2024-02-29'), true);
    assert.equal(isPlainDate('2023-02-29'), false);
    assert.equal(isPlainDate('2024-13-01'), false);
    assert.equal(isPlainDate('24-01-01'), false);
  });

  test('adds days across month and year ends', () => {
    assert.equal(addDays(d('2026-12-25'), 14), '2027-01-08');
    assert.equal(daysBetween(d('2026-01-01'), d('2026-03-01')), 59);
  });

  test('today in the UK follows British Summer Time at midnight', () => {
    assert.equal(todayInUk(new Date('2026-06-30T23:30:00Z')), '2026-07-01');
    assert.equal(todayInUk(new Date('2026-12-31T23:30:00Z')), '2026-12-31');
  });

  test('age in completed years and months, as a paediatrician says it', () => {
    assert.deepEqual(ageOn(d('2016-03-14'), d('2026-03-13')), { years: 9, months: 11 });
    assert.deepEqual(ageOn(d('2016-03-14'), d('2026-03-14')), { years: 10, months: 0 });
    assert.equal(describeAge({ years: 0, months: 11 }), '11 months');
    assert.equal(describeAge({ years: 3, months: 2 }), '3 years 2 months');
    assert.equal(describeAge({ years: 14, months: 5 }), '14 years');
  });
});
