import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readProtocol, responsibilitiesFor } from './protocol-reading.rules.ts';
import { loadShippedProtocols, shippedProtocol } from './shipped.ts';

const methotrexate = () => {
  const p = shippedProtocol('methotrexate-oral-jia');
  assert.ok(p);
  return p;
};

describe('a protocol laid out for a GP to read', () => {
  test('each party has its own duties, in the protocol’s words', () => {
    const p = methotrexate();
    assert.equal(responsibilitiesFor(p, 'gp-practice'), p.responsibilities.primaryCarePrescriber);
    assert.equal(responsibilitiesFor(p, 'specialist-team'), p.responsibilities.specialistTeam);
    assert.equal(responsibilitiesFor(p, 'family'), p.responsibilities.family);
  });

  test('the methotrexate maximum is awaiting local confirmation; its range is confirmed', () => {
    const { dosing } = readProtocol(methotrexate());
    assert.equal(dosing.maximum.text, '25 mg a week');
    assert.equal(dosing.maximum.awaitingConfirmation, true);
    assert.equal(dosing.range[0]?.awaitingConfirmation, false);
    assert.equal(dosing.frequency.text, 'Once a week, on the same named day each week');
  });

  test('the GP response window says what happens when it passes', () => {
    const { gpResponse } = readProtocol(methotrexate());
    assert.equal(gpResponse?.window.text, 'The GP practice answers within 14 days of the request');
    assert.match(gpResponse?.whenNoAnswer.text ?? '', /Responsibility stays with the specialist team/);
  });

  test('a red medicine has no transfer and no GP response window', () => {
    const reading = readProtocol(shippedProtocol('adalimumab-jia')!);
    assert.equal(reading.transfer, null);
    assert.equal(reading.gpResponse, null);
    assert.deepEqual(
      reading.dosing.range.map((r) => r.text),
      ['From 10 kg to under 30 kg: 20 mg a dose', '30 kg and over: 40 mg a dose'],
    );
  });

  test('every shipped protocol reads without gaps: each unconfirmed number is shown as such somewhere', () => {
    for (const p of loadShippedProtocols()) {
      const shown = JSON.stringify(readProtocol(p));
      assert.doesNotMatch(shown, /undefined|NaN/, p.id);
      const unconfirmed = JSON.stringify(p).match(/"confirmed":false/g)?.length ?? 0;
      if (unconfirmed > 0) assert.match(shown, /"confirmed":false/, p.id);
    }
  });
});
