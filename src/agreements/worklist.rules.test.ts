import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import type { AgreementState } from './agreement.rules.ts';
import { practiceWorklist, specialistWorklist } from './worklist.rules.ts';

const today = '2026-11-26' as PlainDate;
const row = (name: string, state: AgreementState, due: string | null = null) => ({
  name,
  state,
  responseDueOn: due as PlainDate | null,
});

describe('worklists', () => {
  test('the specialist team sees a request past its date as overdue before the clock has marked it', () => {
    const groups = specialistWorklist(
      [
        row('a', 'requested', '2026-12-01'),
        row('b', 'requested', '2026-11-25'),
        row('c', 'no-response', '2026-11-20'),
        row('d', 'declined'),
      ],
      today,
    );
    const names = Object.fromEntries(groups.map((g) => [g.key, g.rows.map((r) => r.name)]));
    assert.deepEqual(names['awaiting-response'], ['a']);
    assert.deepEqual(names['no-response'], ['b', 'c']);
    assert.deepEqual(names.declined, ['d']);
    assert.equal(groups.find((g) => g.key === 'awaiting-response')?.rows[0]?.clock?.words, '5 days left');
  });

  test('a practice answers late requests too, and sees what it prescribes', () => {
    const groups = practiceWorklist(
      [row('a', 'no-response', '2026-11-20'), row('b', 'active'), row('c', 'consented')],
      today,
    );
    assert.deepEqual(
      groups.map((g) => [g.key, g.rows.map((r) => r.name)]),
      [
        ['to-answer', ['a']],
        ['agreed', ['c']],
        ['active', ['b']],
        ['suspended', []],
      ],
    );
  });
});
