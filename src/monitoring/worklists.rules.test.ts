import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitingWords } from './worklists.rules.ts';

describe('time waiting on a worklist', () => {
  const since = new Date('2026-11-26T09:00:00Z');
  const after = (minutes: number) => new Date(since.getTime() + minutes * 60_000);

  test('is in minutes for the first hour, hours for two days, then days', () => {
    assert.equal(waitingWords(since, after(0)), '0 minutes');
    assert.equal(waitingWords(since, after(1)), '1 minute');
    assert.equal(waitingWords(since, after(59)), '59 minutes');
    assert.equal(waitingWords(since, after(60)), '1 hour');
    assert.equal(waitingWords(since, after(47 * 60 + 59)), '47 hours');
    assert.equal(waitingWords(since, after(48 * 60)), '2 days');
    assert.equal(waitingWords(since, after(10 * 24 * 60 + 5)), '10 days');
  });

  test('a clock slightly behind never shows a negative wait', () => {
    assert.equal(waitingWords(since, after(-3)), '0 minutes');
  });
});
