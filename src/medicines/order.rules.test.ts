import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shippedProtocol } from '../protocols/shipped.ts';
import {
  checkWholeUnits,
  chooseFolicAcidDay,
  choosePreparation,
  chooseSchedule,
  decideDose,
  describeOrder,
  passedOrRefuse,
  preparationsOf,
} from './order.rules.ts';

const methotrexate = shippedProtocol('methotrexate-oral-jia')!;
const methotrexateInjection = shippedProtocol('methotrexate-subcutaneous-jia')!;
const etanercept = shippedProtocol('etanercept-jia')!;
const sulfasalazine = shippedProtocol('sulfasalazine-jia')!;
const azathioprine = shippedProtocol('azathioprine-jia')!;
const adalimumab = shippedProtocol('adalimumab-jia')!;

describe('the preparation must be one the protocol lists', () => {
  test('methotrexate tablets are 2.5 mg only (NPSA), said from the protocol’s own source', () => {
    assert.deepEqual(choosePreparation(methotrexate, { form: 'tablet', strengthMg: 2.5 }), {
      ok: true,
      value: { medicine: 'methotrexate', form: 'tablet', route: 'oral', strengthMg: 2.5 },
    });
    assert.deepEqual(choosePreparation(methotrexate, { form: 'tablet', strengthMg: 10 }), {
      ok: false,
      field: 'strengthMg',
      message:
        'Only 2.5 mg methotrexate tablets may be prescribed under this protocol (REFERENCE.md §1.5 (NPSA: 2.5 mg tablets only)); not 10 mg.',
    });
  });

  test('a form the protocol does not list is refused, naming those it does', () => {
    const result = choosePreparation(methotrexate, { form: 'oral solution', strengthMg: 2.5 });
    assert.ok(!result.ok);
    assert.equal(result.field, 'form');
    assert.match(result.message, /given under this protocol as tablet \(oral\) only; not oral solution/);
  });

  test('every strength of every form is offered to the prescriber', () => {
    assert.deepEqual(
      preparationsOf(adalimumab).map((p) => `${p.strengthMg} mg ${p.form}`),
      ['20 mg prefilled syringe', '40 mg prefilled syringe', '40 mg prefilled pen'],
    );
  });
});

describe('how often: only what the protocol says, and once weekly on a named day (NPSA)', () => {
  const refusals = [
    {
      protocol: methotrexate,
      frequency: 'daily',
      message: 'Methotrexate must be prescribed once weekly on a named day (NPSA).',
    },
    {
      protocol: methotrexate,
      frequency: 'every-n-days',
      message: 'Methotrexate must be prescribed once weekly on a named day (NPSA).',
    },
    {
      protocol: methotrexate,
      frequency: 'twice weekly',
      message: 'Methotrexate must be prescribed once weekly on a named day (NPSA).',
    },
    // The rule comes from the protocol's frequency, not the medicine's name.
    {
      protocol: etanercept,
      frequency: 'daily',
      message: 'Etanercept must be prescribed once weekly on a named day (NPSA).',
    },
    {
      protocol: sulfasalazine,
      frequency: 'once-weekly',
      message: 'Sulfasalazine is given twice daily under this protocol; not once-weekly.',
    },
  ];
  for (const r of refusals) {
    test(`${r.protocol.id}: “${r.frequency}” is refused`, () => {
      const medicine = r.protocol.medicines[0]!.name;
      assert.deepEqual(
        chooseSchedule(r.protocol, medicine, { frequency: r.frequency, dayOfWeek: 'Monday' }),
        {
          ok: false,
          field: 'frequency',
          message: r.message,
        },
      );
    });
  }

  test('once weekly without a day is refused on the day field', () => {
    const result = chooseSchedule(methotrexate, 'methotrexate', { frequency: 'once-weekly' });
    assert.deepEqual(result, {
      ok: false,
      field: 'dayOfWeek',
      message:
        'Methotrexate must be prescribed once weekly on a named day (NPSA): choose the day of the week it is taken.',
    });
    assert.equal(
      chooseSchedule(methotrexate, 'methotrexate', { frequency: 'once-weekly', dayOfWeek: 'Someday' }).ok,
      false,
    );
  });

  test('the day is taken in any case and written as the day’s name', () => {
    const result = chooseSchedule(methotrexate, 'methotrexate', {
      frequency: 'once-weekly',
      dayOfWeek: 'monday',
    });
    assert.deepEqual(result, {
      ok: true,
      value: { frequency: 'once-weekly', dayOfWeek: 'Monday', timesPerDay: null, everyNDays: null },
    });
  });

  test('a daily medicine takes the protocol’s times a day unless told otherwise', () => {
    assert.deepEqual(chooseSchedule(sulfasalazine, 'sulfasalazine', { frequency: 'daily' }), {
      ok: true,
      value: { frequency: 'daily', dayOfWeek: null, timesPerDay: 2, everyNDays: null },
    });
    assert.equal(
      chooseSchedule(sulfasalazine, 'sulfasalazine', { frequency: 'daily', timesPerDay: 7 }).ok,
      false,
    );
  });
});

describe('tablets are given whole', () => {
  const daily = { frequency: 'daily', dayOfWeek: null, timesPerDay: 1, everyNDays: null } as const;
  test('75 mg azathioprine cannot be made of 50 mg tablets, but can of 25 mg ones', () => {
    const fifty = passedOrRefuse(choosePreparation(azathioprine, { form: 'tablet', strengthMg: 50 }));
    const result = checkWholeUnits(fifty, 75, 'day', daily);
    assert.ok(!result.ok);
    assert.equal(
      result.message,
      '75 mg cannot be given as whole 50 mg tablets: change the dose or the strength.',
    );
    assert.deepEqual(checkWholeUnits({ ...fifty, strengthMg: 25 }, 75, 'day', daily), { ok: true, value: 3 });
  });

  test('a syringe’s dose is not counted in whole units', () => {
    const syringe = passedOrRefuse(
      choosePreparation(methotrexateInjection, { form: 'prefilled syringe', strengthMg: 15 }),
    );
    const weekly = {
      frequency: 'once-weekly',
      dayOfWeek: 'Friday',
      timesPerDay: null,
      everyNDays: null,
    } as const;
    assert.ok(checkWholeUnits(syringe, 15, 'week', weekly).ok);
  });
});

describe('the order in words', () => {
  const cases = [
    {
      what: 'weekly methotrexate tablets, the NPSA wording',
      order: {
        medicine: 'methotrexate',
        form: 'tablet',
        route: 'oral',
        strengthMg: 2.5,
        doseMg: 15,
        per: 'week',
        frequency: 'once-weekly',
        dayOfWeek: 'Monday',
        timesPerDay: null,
        everyNDays: null,
      },
      words: '6 × 2.5 mg tablets (15 mg) once weekly on Monday',
    },
    {
      what: 'weekly methotrexate injection',
      order: {
        medicine: 'methotrexate',
        form: 'prefilled syringe',
        route: 'subcutaneous',
        strengthMg: 15,
        doseMg: 15,
        per: 'week',
        frequency: 'once-weekly',
        dayOfWeek: 'Friday',
        timesPerDay: null,
        everyNDays: null,
      },
      words: '15 mg by subcutaneous injection (prefilled syringe) once weekly on Friday',
    },
    {
      what: 'a daily amount split over two doses',
      order: {
        medicine: 'sulfasalazine',
        form: 'tablet',
        route: 'oral',
        strengthMg: 500,
        doseMg: 1000,
        per: 'day',
        frequency: 'daily',
        dayOfWeek: null,
        timesPerDay: 2,
        everyNDays: null,
      },
      words: '1 × 500 mg tablet (500 mg) twice daily, 1000 mg a day',
    },
    {
      what: 'a biologic every two weeks',
      order: {
        medicine: 'adalimumab',
        form: 'prefilled syringe',
        route: 'subcutaneous',
        strengthMg: 20,
        doseMg: 20,
        per: 'dose',
        frequency: 'every-n-days',
        dayOfWeek: null,
        timesPerDay: null,
        everyNDays: 14,
      },
      words: '20 mg by subcutaneous injection (prefilled syringe) every 14 days',
    },
  ] as const;
  for (const c of cases) {
    test(c.what, () => assert.equal(describeOrder(c.order), c.words));
  }
});

describe('a dose outside the protocol needs an override with a reason', () => {
  const above = {
    ok: false,
    needs: 'override',
    message: '27.5 mg is above this protocol’s maximum',
  } as const;
  test('within the protocol: no override, even if one is ticked', () => {
    assert.deepEqual(decideDose({ ok: true }, { override: true, reason: 'not needed at all' }), {
      ok: true,
      value: null,
    });
  });
  test('outside it without an override: refused with why', () => {
    assert.deepEqual(decideDose(above, { override: false, reason: undefined }), {
      ok: false,
      field: 'doseMg',
      message: above.message,
    });
  });
  test('an override needs a reason of at least 10 characters', () => {
    const result = decideDose(above, { override: true, reason: ' too short ' });
    assert.ok(!result.ok && result.field === 'overrideReason');
    assert.deepEqual(decideDose(above, { override: true, reason: 'Severe uveitis, agreed at MDT' }), {
      ok: true,
      value: { reason: 'Severe uveitis, agreed at MDT', why: above.message },
    });
  });
  test('a dose that cannot be made up is corrected, never overridden', () => {
    const cannot = { ok: false, needs: 'correction', message: 'use a multiple of 2.5 mg' } as const;
    assert.equal(decideDose(cannot, { override: true, reason: 'I would like this' }).ok, false);
  });
});

describe('the folic acid day (REFERENCE §1.1: not on the methotrexate day)', () => {
  test('none named is fine', () => {
    assert.deepEqual(chooseFolicAcidDay(methotrexate, { dayOfWeek: 'Monday' }, undefined), {
      ok: true,
      value: null,
    });
  });

  test('the day after the methotrexate day is taken', () => {
    assert.deepEqual(chooseFolicAcidDay(methotrexate, { dayOfWeek: 'Monday' }, 'tuesday'), {
      ok: true,
      value: 'Tuesday',
    });
  });

  test('the methotrexate day itself is refused, naming the field', () => {
    const result = chooseFolicAcidDay(methotrexate, { dayOfWeek: 'Monday' }, 'Monday');
    assert.ok(!result.ok);
    assert.equal(result.field, 'folicAcidDay');
    assert.match(result.message, /must not be taken on the Monday dose day/);
  });

  test('a protocol with no folic acid advice takes no folic acid day', () => {
    const result = chooseFolicAcidDay(etanercept, { dayOfWeek: 'Friday' }, 'Saturday');
    assert.ok(!result.ok && result.field === 'folicAcidDay');
  });
});
