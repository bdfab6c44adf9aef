import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { shippedProtocol } from '../protocols/shipped.ts';
import { calculateDose, checkProposedDose, describeWeeklyTablets } from './dose.rules.ts';

const today = '2026-11-26' as PlainDate;
const methotrexate = shippedProtocol('methotrexate-oral-jia')!;
const tocilizumab = shippedProtocol('tocilizumab-pjia')!;

describe('methotrexate by mouth: 10–15 mg/m² once weekly from the BSA shown (2 places), 2.5 mg tablets, at most 25 mg a week (REFERENCE §1.1, §1.5)', () => {
  const cases = [
    {
      child: 'a 4-year-old, 100 cm and 16 kg',
      heightCm: 100,
      weightKg: 16,
      bsa: 0.67,
      min: 6.7,
      max: 10.05,
      doses: [7.5, 10],
    },
    {
      child: 'a 10-year-old, 140 cm and 35 kg',
      heightCm: 140,
      weightKg: 35,
      bsa: 1.17,
      min: 11.7,
      max: 17.55,
      doses: [12.5, 15, 17.5],
    },
    {
      child: 'a 16-year-old, 170 cm and 70 kg (capped at 25 mg)',
      heightCm: 170,
      weightKg: 70,
      bsa: 1.82,
      min: 18.2,
      max: 27.3,
      doses: [20, 22.5, 25],
    },
  ];
  for (const c of cases) {
    test(c.child, () => {
      const result = calculateDose(
        methotrexate.dosing,
        { measuredOn: '2026-11-01' as PlainDate, heightCm: c.heightCm, weightKg: c.weightKg },
        today,
      );
      assert.ok(result.ok);
      assert.equal(result.dose.bsaM2, c.bsa);
      assert.equal(result.dose.exactMinMg, c.min);
      assert.equal(result.dose.exactMaxMg, c.max);
      assert.deepEqual(result.dose.prescribableMg, c.doses);
    });
  }

  test('the 25 mg cap is shown as awaiting local confirmation', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: today, heightCm: 140, weightKg: 35 },
      today,
    );
    assert.ok(result.ok);
    assert.ok(result.dose.unconfirmed.some((s) => /25 mg\/week cap/.test(s)));
  });

  test('a missing weight is refused', () => {
    const result = calculateDose(methotrexate.dosing, undefined, today);
    assert.ok(!result.ok && result.problem.kind === 'no-measurement');
  });

  test('a weight older than the protocol allows is refused, saying how old it is', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: '2026-07-01' as PlainDate, heightCm: 140, weightKg: 35 },
      today,
    );
    assert.ok(!result.ok);
    assert.equal(result.problem.kind, 'stale-measurement');
    assert.match(
      result.problem.message,
      /148 days ago; this protocol needs a measurement from the last 90 days/,
    );
  });

  test('a dose above the maximum needs a consultant’s override', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: today, heightCm: 170, weightKg: 70 },
      today,
    );
    assert.ok(result.ok);
    const check = checkProposedDose(result.dose, 27.5, 2.5);
    assert.ok(!check.ok && check.needs === 'override');
    assert.match(check.message, /above this protocol’s maximum of 25 mg per week/);
  });

  test('a dose below the range for the child needs an override; one within it does not', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: today, heightCm: 140, weightKg: 35 },
      today,
    );
    assert.ok(result.ok);
    assert.ok(!checkProposedDose(result.dose, 7.5, 2.5).ok);
    assert.deepEqual(checkProposedDose(result.dose, 15, 2.5), { ok: true });
  });

  test('a dose that cannot be made of 2.5 mg tablets is refused', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: today, heightCm: 140, weightKg: 35 },
      today,
    );
    assert.ok(result.ok);
    const check = checkProposedDose(result.dose, 14, 2.5);
    assert.ok(!check.ok && check.needs === 'correction');
  });

  test('the dose is written as tablets once weekly on a named day', () => {
    assert.equal(
      describeWeeklyTablets(15, 2.5, 'Monday'),
      '6 × 2.5 mg tablets (15 mg) once weekly on Monday',
    );
    assert.equal(
      describeWeeklyTablets(2.5, 2.5, 'Friday'),
      '1 × 2.5 mg tablet (2.5 mg) once weekly on Friday',
    );
  });
});

describe('tocilizumab for polyarticular JIA: by weight band (REFERENCE §2.2)', () => {
  test('10 mg/kg under 30 kg', () => {
    const result = calculateDose(
      tocilizumab.dosing,
      { measuredOn: today, heightCm: 120, weightKg: 25 },
      today,
    );
    assert.ok(result.ok);
    assert.equal(result.dose.exactMinMg, 250);
  });

  test('8 mg/kg from 30 kg', () => {
    const result = calculateDose(
      tocilizumab.dosing,
      { measuredOn: today, heightCm: 140, weightKg: 40 },
      today,
    );
    assert.ok(result.ok);
    assert.equal(result.dose.exactMinMg, 320);
  });
});

describe('what the calculation shows', () => {
  test('the protocol’s own rule, and each unconfirmed number named with its source', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: today, heightCm: 140, weightKg: 35 },
      today,
    );
    assert.ok(result.ok);
    assert.equal(result.dose.protocolRange, '10–15 mg/m² per week');
    assert.ok(result.dose.unconfirmed.some((s) => s.startsWith('Maximum 25 mg per week: DEFAULTS.md')));
    assert.ok(
      result.dose.unconfirmed.some((s) => s.startsWith('Weight and height measured within 90 days: ')),
    );
  });

  test('a stale weight is refused naming the date it was measured', () => {
    const result = calculateDose(
      methotrexate.dosing,
      { measuredOn: '2025-12-08' as PlainDate, heightCm: 136.2, weightKg: 30.5 },
      today,
    );
    assert.ok(!result.ok);
    assert.match(result.problem.message, /measured on 8 December 2025, 353 days ago/);
  });

  test('a weight below every band of a banded protocol gives no dose, rather than 0 mg', () => {
    const adalimumab = shippedProtocol('adalimumab-jia')!;
    const result = calculateDose(adalimumab.dosing, { measuredOn: today, heightCm: 70, weightKg: 8 }, today);
    assert.ok(!result.ok);
    assert.equal(result.problem.kind, 'no-weight-band');
    assert.match(result.problem.message, /no dose for a weight of 8 kg/);
    const banded = calculateDose(
      adalimumab.dosing,
      { measuredOn: today, heightCm: 130, weightKg: 25 },
      today,
    );
    assert.ok(banded.ok);
    assert.equal(banded.dose.protocolRange, '20 mg per dose from 10 kg to under 30 kg');
    assert.deepEqual(banded.dose.prescribableMg, [20]);
  });
});
