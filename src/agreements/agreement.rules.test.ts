import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import {
  type AgreementEvent,
  type AgreementFacts,
  type AgreementParty,
  newAgreement,
  prescriber,
  responseClock,
  stepsOpenTo,
  takeStep,
} from './agreement.rules.ts';

const day0 = '2026-11-02' as PlainDate;
const on = (n: number) => addDays(day0, n);

function walk(steps: [AgreementEvent, AgreementParty][]): AgreementFacts {
  let facts = newAgreement;
  for (const [event, by] of steps) {
    const result = takeStep(facts, event, by);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    facts = result.facts;
  }
  return facts;
}

describe('the agreement lifecycle', () => {
  test('request → accept → consent → active on the transfer date, and then the GP prescribes', () => {
    const facts = walk([
      [{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team'],
      [{ kind: 'accept', on: on(5), transferDate: on(30) }, 'gp-practice'],
      [{ kind: 'record-consent', on: on(6), givenBy: 'parent-carer' }, 'family'],
    ]);
    assert.equal(facts.state, 'consented');
    assert.equal(prescriber(facts.state), 'specialist-team');
    const early = takeStep(facts, { kind: 'activate', on: on(29) }, 'system');
    assert.deepEqual(early, {
      ok: false,
      reason: `Prescribing transfers on the agreed date, ${on(30)}, not before.`,
    });
    const active = takeStep(facts, { kind: 'activate', on: on(30) }, 'system');
    assert.ok(active.ok && active.facts.state === 'active');
    assert.equal(prescriber('active'), 'gp-practice');
  });

  test('only the GP practice may accept, and the refusal says who may', () => {
    const requested = walk([[{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team']]);
    const result = takeStep(
      requested,
      { kind: 'accept', on: on(1), transferDate: on(20) },
      'specialist-team',
    );
    assert.deepEqual(result, { ok: false, reason: 'Only the GP practice may accept the agreement.' });
  });

  test('a declined agreement cannot be accepted afterwards', () => {
    const declined = walk([
      [{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team'],
      [{ kind: 'decline', on: on(3), reason: 'We cannot offer monitoring at present' }, 'gp-practice'],
    ]);
    const result = takeStep(declined, { kind: 'accept', on: on(4), transferDate: on(20) }, 'gp-practice');
    assert.ok(!result.ok);
    assert.match(result.reason, /declined by the GP practice/);
  });

  test('a decline needs a reason', () => {
    const requested = walk([[{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team']]);
    const result = takeStep(requested, { kind: 'decline', on: on(1), reason: ' ' }, 'gp-practice');
    assert.deepEqual(result, { ok: false, reason: 'Give a reason (at least 5 characters).' });
  });

  test('an unanswered request becomes "no response" only after its window, and can still be answered late', () => {
    const requested = walk([[{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team']]);
    assert.equal(takeStep(requested, { kind: 'mark-no-response', on: on(14) }, 'system').ok, false);
    const late = takeStep(requested, { kind: 'mark-no-response', on: on(15) }, 'system');
    assert.ok(late.ok && late.facts.state === 'no-response');
    assert.equal(prescriber(late.facts.state), 'specialist-team');
    assert.deepEqual(stepsOpenTo(late.facts, 'gp-practice'), ['accept', 'decline']);
  });

  test('the response clock counts down and knows the reminder day', () => {
    const requested = walk([[{ kind: 'request', on: on(0), responseDueOn: on(14) }, 'specialist-team']]);
    assert.deepEqual(responseClock(requested, 7, on(6)), { daysLeft: 8, reminderDue: false, overdue: false });
    assert.deepEqual(responseClock(requested, 7, on(7)), { daysLeft: 7, reminderDue: true, overdue: false });
    assert.deepEqual(responseClock(requested, 7, on(15)), { daysLeft: -1, reminderDue: true, overdue: true });
  });
});

const parties: AgreementParty[] = ['specialist-team', 'gp-practice', 'family', 'system'];
const event = (
  dayOffset: number,
  kind: AgreementEvent['kind'],
  span: number,
  reason: string,
): AgreementEvent => {
  const d = on(dayOffset);
  switch (kind) {
    case 'request':
      return { kind, on: d, responseDueOn: addDays(d, span) };
    case 'accept':
      return { kind, on: d, transferDate: addDays(d, span) };
    case 'record-consent':
      return { kind, on: d, givenBy: 'parent-carer' };
    case 'decline':
    case 'suspend':
    case 'end':
    case 'withdraw':
      return { kind, on: d, reason };
    default:
      return { kind, on: d };
  }
};
const kinds: AgreementEvent['kind'][] = [
  'request',
  'accept',
  'decline',
  'mark-no-response',
  'record-consent',
  'activate',
  'suspend',
  'resume',
  'end',
  'withdraw',
];

describe('no sequence of actions reaches an illegal agreement state', () => {
  test('whoever tries whatever, in any order', () => {
    let reachedActive = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 60 }),
            // Usually one of the steps open to someone now (so walks get far), otherwise anything by anyone.
            followOpenStep: fc.boolean(),
            pick: fc.nat(),
            kind: fc.constantFrom(...kinds),
            by: fc.constantFrom(...parties),
            span: fc.integer({ min: -3, max: 12 }),
            reason: fc.constantFrom('', 'ok', 'Moved to another practice'),
          }),
          { maxLength: 30 },
        ),
        (attempts) => {
          let facts = newAgreement;
          let day = 0;
          for (const a of attempts) {
            day += a.day % 5; // time only moves forward
            const before = facts;
            const open = parties.flatMap((by) => stepsOpenTo(facts, by).map((kind) => ({ kind, by })));
            const step = a.followOpenStep && open.length > 0 ? open[a.pick % open.length]! : a;
            const result = takeStep(facts, event(day, step.kind, a.span, a.reason), step.by);
            if (!result.ok) {
              assert.deepEqual(facts, before, 'a refused step changes nothing');
              continue;
            }
            facts = result.facts;
            if (facts.state === 'active') reachedActive++;
            if (facts.state === 'active' || facts.state === 'suspended') {
              assert.ok(facts.consented, 'active only after the family consented');
              assert.ok(
                facts.requestedOn && facts.transferDate,
                'active only after a request and an acceptance',
              );
            }
            if (prescriber(facts.state) === 'gp-practice') assert.equal(facts.state, 'active');
            if (['accepted', 'consented'].includes(facts.state)) assert.ok(facts.requestedOn);
            if (['declined', 'ended', 'withdrawn'].includes(before.state))
              assert.fail('a closed agreement changed');
          }
        },
      ),
      { numRuns: 1000 },
    );
    assert.ok(
      reachedActive > 0,
      'the random walks reach the active state, so the checks above are exercised',
    );
  });
});
