import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import {
  AMELIA,
  type MedicinesWorld,
  medicinesWorld,
  OLIVER,
  weeklyMethotrexate,
} from './medicines.testing.ts';

for (const database of testDatabases()) {
  describe(`starting a medicine (${database.name})`, () => {
    let w: MedicinesWorld;
    let amelia: string;
    let oliver: string;
    const orders = () => w.count('select id from medication_order');

    before(async () => {
      w = await medicinesWorld(database);
      amelia = w.ids[AMELIA]!;
      oliver = w.ids[OLIVER]!;
    });
    after(() => w.close());

    test('the start page shows the calculation first: BSA and its date, the range, the doses, what is unconfirmed', async () => {
      const page = await w.consultant.get(
        `/patients/${amelia}/medicines/new?protocolId=methotrexate-oral-jia&startDate-day=30&startDate-month=11&startDate-year=2026`,
      );
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /1\.07 m² \(Mosteller, from 30\.5 kg and 136\.2 cm\)/);
      assert.match(page.body, /20 November 2026/);
      assert.match(page.body, /10–15 mg\/m² per week/);
      assert.match(page.body, /10\.7 to 16\.05 mg/);
      assert.match(page.body, /12\.5 mg, 15 mg \(whole multiples of 2\.5 mg/);
      assert.match(page.body, /25 mg per week/);
      assert.match(page.body, /Awaiting local confirmation/);
      assert.match(page.body, /Maximum 25 mg per week: DEFAULTS\.md/);
      assert.match(page.body, /give it on a different day from methotrexate/);
      assert.match(page.body, /I am overriding the protocol/);

      const forNurse = await w.nurse.get(
        `/patients/${amelia}/medicines/new?protocolId=methotrexate-oral-jia&startDate-day=30&startDate-month=11&startDate-year=2026`,
      );
      assert.doesNotMatch(forNurse.body, /I am overriding the protocol/);
    });

    test('a daily methotrexate order is refused with the NPSA message, and nothing is written', async () => {
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ frequency: 'daily' }),
      );
      assert.equal(res.statusCode, 400);
      assert.equal(
        res.json().error.message,
        'Methotrexate must be prescribed once weekly on a named day (NPSA).',
      );
      assert.deepEqual(
        res.json().error.fields.map((f: { field: string }) => f.field),
        ['frequency'],
      );
      assert.equal(await orders(), 0);
    });

    test('once weekly without a day of the week is refused', async () => {
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ dayOfWeek: undefined }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(
        res.json().error.message,
        /once weekly on a named day \(NPSA\): choose the day of the week/,
      );
      assert.equal(await orders(), 0);
    });

    test('a 10 mg methotrexate tablet is refused', async () => {
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ strengthMg: 10, doseMg: 20 }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(
        res.json().error.message,
        /^Only 2\.5 mg methotrexate tablets may be prescribed .*; not 10 mg\.$/,
      );
      assert.equal(await orders(), 0);
    });

    test('a weight older than the protocol allows is refused, naming when it was measured', async () => {
      // On 19 November the latest measurement was the one of 8 December 2025.
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ startDate: '2026-11-19' }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /measured on 8 December 2025, 346 days ago; .* last 90 days/);
      assert.equal(res.json().error.fields[0].field, 'weight');
      assert.equal(await orders(), 0);

      const api = await w.consultant.get(
        `/api/patients/${amelia}/dose-calculation?protocolId=methotrexate-oral-jia&on=2026-11-19`,
      );
      assert.equal(api.statusCode, 422);
      assert.match(api.json().error.message, /8 December 2025/);

      const page = await w.consultant.get(
        `/patients/${amelia}/medicines/new?protocolId=methotrexate-oral-jia&startDate-day=19&startDate-month=11&startDate-year=2026`,
      );
      assert.match(page.body, /The dose cannot be worked out/);
      assert.match(page.body, new RegExp(`href="/patients/${amelia}#growth">Record a weight and height`));
      assert.doesNotMatch(page.body, /Start methotrexate/);
    });

    test('the dose calculation API gives the numbers for the date', async () => {
      const res = await w.nurse.get(
        `/api/patients/${amelia}/dose-calculation?protocolId=methotrexate-oral-jia&on=2026-11-30`,
      );
      assert.equal(res.statusCode, 200);
      const { dose, protocol } = res.json();
      assert.equal(protocol.id, 'methotrexate-oral-jia');
      assert.equal(dose.bsaM2, 1.07);
      assert.equal(dose.measuredOn, '2026-11-20');
      assert.deepEqual(dose.prescribableMg, [12.5, 15]);
    });

    test('a refused web form is shown again, with the problem beside its field and what was typed', async () => {
      const res = await w.consultant.postForm(`/patients/${amelia}/medicines/new`, {
        protocolId: 'methotrexate-oral-jia',
        startDate: '2026-11-30',
        product: 'methotrexate|tablet|oral|2.5',
        doseMg: '15',
        frequency: 'once-weekly',
      });
      assert.equal(res.statusCode, 400);
      const html = res.body.replace(/\s+/g, ' ');
      assert.match(html, /<a href="#dayOfWeek"> Methotrexate must be prescribed once weekly on a named day/);
      assert.match(html, /id="doseMg"[^>]*value="15"/);
      assert.match(html, /name="startDate-day"[^>]*value="30"/);
      assert.equal(await orders(), 0);
    });

    test('folic acid on the methotrexate day is refused, naming the field, and nothing is written', async () => {
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ folicAcidDay: 'Monday' }),
      );
      assert.equal(res.statusCode, 400);
      assert.deepEqual(
        res.json().error.fields.map((f: { field: string }) => f.field),
        ['folicAcidDay'],
      );
      assert.equal(await orders(), 0);
    });

    test('the consultant starts methotrexate 15 mg once weekly on Monday, from the web form', async () => {
      const res = await w.consultant.postForm(`/patients/${amelia}/medicines/new`, {
        protocolId: 'methotrexate-oral-jia',
        startDate: '2026-11-30',
        product: 'methotrexate|tablet|oral|2.5',
        doseMg: '15',
        frequency: 'once-weekly',
        dayOfWeek: 'Monday',
        folicAcidDay: 'Tuesday',
      });
      assert.equal(res.statusCode, 303, res.body);
      const page = await w.consultant.get(res.headers.location as string);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /6 × 2\.5 mg tablets \(15 mg\) once weekly on Monday/);
      assert.match(page.body, /The specialist team/);
      assert.match(page.body, /Taken on Tuesday, not the Monday dose day/);

      const list = await w.consultant.api('GET', `/api/patients/${amelia}/medicines`);
      const [order] = list.json().current;
      assert.equal(order.description, '6 × 2.5 mg tablets (15 mg) once weekly on Monday');
      assert.equal(order.doseMg, 15);
      assert.equal(order.folicAcidDay, 'Tuesday');
      assert.equal(order.status, 'starts-later');
      assert.equal(order.prescriber.party, 'specialist-team');
      assert.equal(order.calculation.dose.measuredOn, '2026-11-20');
    });

    test('a second running order of the same medicine is refused: the dose is changed instead', async () => {
      const res = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ doseMg: 12.5, startDate: '2026-12-07' }),
      );
      assert.equal(res.statusCode, 409);
      assert.match(
        res.json().error.message,
        /already prescribed from 30 November 2026 .*change that order’s dose, or stop it/,
      );
      assert.equal(await orders(), 1);
    });

    test('above the maximum: the nurse is refused, the consultant needs a reason, and the override is audited', async () => {
      const above = weeklyMethotrexate({ doseMg: 27.5 });
      const byNurse = await w.nurse.api('POST', `/api/patients/${oliver}/medicines`, above);
      assert.equal(byNurse.statusCode, 400);
      assert.match(
        byNurse.json().error.message,
        /above this protocol’s maximum of 25 mg per week: a consultant must override/,
      );

      const nurseOverride = await w.nurse.api('POST', `/api/patients/${oliver}/medicines`, {
        ...above,
        override: true,
        overrideReason: 'I think this is right for him',
      });
      assert.equal(nurseOverride.statusCode, 403);
      assert.match(nurseOverride.json().error.message, /approve a dose outside the protocol/);

      const noReason = await w.consultant.api('POST', `/api/patients/${oliver}/medicines`, {
        ...above,
        override: true,
      });
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().error.fields[0].field, 'overrideReason');
      assert.equal(await orders(), 1);

      const reason = 'Refractory polyarthritis, agreed at the MDT';
      const withReason = await w.consultant.api('POST', `/api/patients/${oliver}/medicines`, {
        ...above,
        override: true,
        overrideReason: reason,
      });
      assert.equal(withReason.statusCode, 201, withReason.body);
      assert.equal(withReason.json().override.reason, reason);
      assert.equal(withReason.json().description, '11 × 2.5 mg tablets (27.5 mg) once weekly on Monday');

      const audit = await w.db.query<{ outcome: string; email: string; reason: string | null }>(
        `select outcome, user_email as email, details->>'reason' as reason from audit_event
         where action = 'override dose' and patient_id = $1 order by seq`,
        [oliver],
      );
      assert.deepEqual(
        audit.map((a) => [a.outcome, a.email]),
        [
          ['refused', 'nurse@demo.test'],
          ['allowed', 'consultant@demo.test'],
        ],
      );
      assert.equal(audit[1]!.reason, reason);
      const page = await w.consultant.get(`/patients/${oliver}/medicines/${withReason.json().id}`);
      assert.match(page.body, /This dose is outside the protocol/);
      assert.match(page.body, /Refractory polyarthritis, agreed at the MDT/);
    });

    test('an unknown protocol and a version not yet approved are refused', async () => {
      const unknown = await w.consultant.api(
        'POST',
        `/api/patients/${oliver}/medicines`,
        weeklyMethotrexate({ protocolId: 'methotrexate-by-owl' }),
      );
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json().error.message, /There is no approved protocol “methotrexate-by-owl”/);

      const [pending] = await w.db.query<{ id: string }>(
        `insert into protocol_version (protocol_id, version, title, traffic_light, content, content_hash, origin, status)
         select protocol_id, '1.2', title, traffic_light, jsonb_set(content, '{version}', '"1.2"'), 'x', 'uploaded',
           'awaiting-approval'
         from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.1' returning id`,
      );
      const unapproved = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate({ protocolVersionId: pending!.id, startDate: '2027-01-04' }),
      );
      assert.equal(unapproved.statusCode, 400);
      assert.match(unapproved.json().error.message, /Version 1\.2 of .* is awaiting approval/);
      await w.db.query("update protocol_version set status = 'rejected' where id = $1", [pending!.id]);
    });

    test('the GP cannot start or change medicines', async () => {
      const page = await w.gp.get(`/patients/${amelia}/medicines/new`);
      assert.equal(page.statusCode, 403);
      const res = await w.gp.api('POST', `/api/patients/${amelia}/medicines`, weeklyMethotrexate());
      assert.equal(res.statusCode, 403);
      const [order] = (await w.gp.api('GET', `/api/patients/${amelia}/medicines`)).json().current;
      const change = await w.gp.api('POST', `/api/patients/${amelia}/medicines/${order.id}/change-dose`, {
        doseMg: 12.5,
        startDate: '2026-12-07',
      });
      assert.equal(change.statusCode, 403);
      assert.match(change.json().error.message, /does not allow you to start or change medicines/);
    });

    test('the family sees the medicines, without the forms', async () => {
      const page = await w.parent.get(`/patients/${amelia}/medicines`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /6 × 2\.5 mg tablets \(15 mg\) once weekly on Monday/);
      assert.doesNotMatch(page.body, /Start a medicine/);
    });
  });
}
