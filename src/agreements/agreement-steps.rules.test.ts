import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { proposedTransferDate, responseClockView } from './agreement-dates.rules.ts';
import { stepInputSchema, toAgreementEvent } from './agreement-steps.rules.ts';

const today = '2026-11-26' as PlainDate;
const context = {
  today,
  party: 'gp-practice' as const,
  youngPerson: false,
  responseDueOn: '2026-12-10' as PlainDate,
};
const parse = (input: unknown) => stepInputSchema.parse(input);

describe('what each step needs', () => {
  test('an acceptance needs a real transfer date, not before today', () => {
    assert.deepEqual(toAgreementEvent(parse({ kind: 'accept', transferDate: '' }), context), {
      ok: false,
      fields: [{ field: 'transferDate', message: 'Enter the date prescribing moves to the practice' }],
    });
    assert.equal(toAgreementEvent(parse({ kind: 'accept', transferDate: '2026-02-30' }), context).ok, false);
    assert.deepEqual(toAgreementEvent(parse({ kind: 'accept', transferDate: '2026-11-25' }), context), {
      ok: false,
      fields: [{ field: 'transferDate', message: 'The transfer date cannot be before today' }],
    });
    assert.deepEqual(toAgreementEvent(parse({ kind: 'accept', transferDate: '2027-01-04' }), context), {
      ok: true,
      event: { kind: 'accept', on: today, transferDate: '2027-01-04' },
    });
  });

  test('declining, suspending, ending and withdrawing need a reason', () => {
    for (const kind of ['decline', 'suspend', 'end', 'withdraw']) {
      const result = toAgreementEvent(parse({ kind, reason: '   ' }), context);
      assert.ok(!result.ok && result.fields[0]?.field === 'reason', kind);
    }
  });

  test('the family agrees for themselves; the specialist team says who agreed', () => {
    const family = { ...context, party: 'family' as const };
    assert.equal(toAgreementEvent(parse({ kind: 'record-consent' }), family).ok, false);
    assert.deepEqual(
      toAgreementEvent(parse({ kind: 'record-consent', agree: 'yes' }), { ...family, youngPerson: true }),
      {
        ok: true,
        event: { kind: 'record-consent', on: today, givenBy: 'young-person' },
      },
    );
    const team = { ...context, party: 'specialist-team' as const };
    assert.deepEqual(toAgreementEvent(parse({ kind: 'record-consent' }), team), {
      ok: false,
      fields: [{ field: 'givenBy', message: 'Say who gave consent: a parent or carer, or the young person' }],
    });
  });
});

describe('dates of a request', () => {
  test('the clock counts the days left, then the days overdue', () => {
    const requested = (due: string) => ({ state: 'requested' as const, responseDueOn: due as PlainDate });
    assert.equal(responseClockView(requested('2026-12-03'), today)?.words, '7 days left');
    assert.equal(responseClockView(requested('2026-11-27'), today)?.words, '1 day left');
    assert.equal(responseClockView(requested('2026-11-26'), today)?.words, 'Due today');
    assert.equal(responseClockView(requested('2026-11-24'), today)?.words, 'Overdue by 2 days');
    assert.equal(
      responseClockView({ state: 'accepted', responseDueOn: '2026-11-24' as PlainDate }, today),
      undefined,
    );
  });

  test('the proposed transfer comes once the dose has been stable for the protocol’s weeks, never in the past', () => {
    const transfer = {
      doseStableWeeks: { value: 12, source: 'x', confirmed: false },
      specialistSuppliesWeeks: { value: 4, source: 'x', confirmed: true },
      criteria: ['stable'],
    };
    assert.equal(proposedTransferDate('2026-11-02' as PlainDate, transfer, today), '2027-01-25');
    assert.equal(proposedTransferDate('2026-01-05' as PlainDate, transfer, today), today);
  });
});
