import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import {
  AMELIA,
  type MedicinesWorld,
  medicinesWorld,
  shareCare,
  weeklyMethotrexate,
} from './medicines.testing.ts';

for (const database of testDatabases()) {
  describe(`who prescribes, prescriptions and dose changes (${database.name})`, () => {
    let w: MedicinesWorld;
    let amelia: string;
    let orderId: string;
    const orderPath = () => `/api/patients/${amelia}/medicines/${orderId}`;
    const issue = (quantity: number | string = 24) => ({ issuedOn: '2026-11-26', quantity });

    before(async () => {
      w = await medicinesWorld(database);
      amelia = w.ids[AMELIA]!;
      const res = await w.consultant.api('POST', `/api/patients/${amelia}/medicines`, weeklyMethotrexate());
      if (res.statusCode !== 201) throw new Error(res.body);
      orderId = res.json().id;
    });
    after(() => w.close());

    test('before shared care the specialist team prescribes, and the GP may not record a prescription', async () => {
      const order = (await w.gp.api('GET', orderPath())).json();
      assert.equal(order.prescriber.description, 'the specialist team');

      const byGp = await w.gp.api('POST', `${orderPath()}/prescriptions`, issue());
      assert.equal(byGp.statusCode, 403);
      assert.match(byGp.json().error.message, /issued by the specialist team until shared care .* is active/);

      const byNurse = await w.nurse.api('POST', `${orderPath()}/prescriptions`, issue());
      assert.equal(byNurse.statusCode, 201, byNurse.body);
      assert.equal(byNurse.json().organisation.code, 'SC001');
      assert.equal(byNurse.json().quantityUnit, 'tablets');
    });

    test('an agreement not yet active leaves prescribing with the specialist team', async () => {
      const agreementId = await shareCare(w.db, orderId, 'consented');
      const order = (await w.consultant.api('GET', orderPath())).json();
      assert.equal(order.agreementId, agreementId);
      assert.equal(order.prescriber.party, 'specialist-team');
      await w.db.query("update agreement set state = 'ended' where id = $1", [agreementId]);
      await w.db.query('update medication_order set agreement_id = null where id = $1', [orderId]);
    });

    test('once the agreement is active the GP of GP001 prescribes, and the specialist team no longer can', async () => {
      await shareCare(w.db, orderId, 'active');
      const byGp = await w.gp.api('POST', `${orderPath()}/prescriptions`, issue());
      assert.equal(byGp.statusCode, 201, byGp.body);
      assert.equal(byGp.json().organisation.code, 'GP001');
      assert.equal(byGp.json().prescriber, 'Dr Tom Adeyemi');

      const byConsultant = await w.consultant.api('POST', `${orderPath()}/prescriptions`, issue());
      assert.equal(byConsultant.statusCode, 403);
      assert.match(
        byConsultant.json().error.message,
        /issued by Riverside Surgery \(GP001\) under shared care, not by the specialist team/,
      );
      const refused = await w.count(
        `select 1 from audit_event where action = 'record prescription' and outcome = 'refused'
           and user_email = 'consultant@demo.test'`,
      );
      assert.equal(refused, 1);

      const page = await w.gp.get(`/patients/${amelia}/medicines/${orderId}`);
      assert.match(page.body, /Riverside Surgery \(GP001\) under shared care/);
      assert.match(page.body, /Record a prescription/);
      assert.match(page.body, /Dr Tom Adeyemi/);
      assert.equal((await w.gp.api('GET', orderPath())).json().prescriptions.length, 2);
    });

    test('a prescription of part of a tablet, or for a date to come, is refused and nothing is written', async () => {
      const before = await w.count('select id from prescription_issued');
      const half = await w.gp.api('POST', `${orderPath()}/prescriptions`, issue(24.5));
      assert.equal(half.statusCode, 400);
      assert.equal(half.json().error.message, 'Quantity must be a whole number of tablets.');
      const future = await w.gp.api('POST', `${orderPath()}/prescriptions`, {
        ...issue(),
        issuedOn: '2026-12-01',
      });
      assert.equal(future.statusCode, 400);
      assert.equal(await w.count('select id from prescription_issued'), before);
    });

    test('the GP records a prescription from the order page', async () => {
      const res = await w.gp.postForm(`/patients/${amelia}/medicines/${orderId}/prescriptions`, {
        'issuedOn-day': '26',
        'issuedOn-month': '11',
        'issuedOn-year': '2026',
        quantity: '12',
        quantityUnit: 'tablets',
      });
      assert.equal(res.statusCode, 303, res.body);
      const refused = await w.gp.postForm(`/patients/${amelia}/medicines/${orderId}/prescriptions`, {
        quantity: '12',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Enter the date the prescription was issued/);
      assert.match(refused.body, /href="#issuedOn"/);
    });

    test('the change-dose page works the dose out for the day after the current dose started', async () => {
      const page = await w.consultant.get(`/patients/${amelia}/medicines/${orderId}/change-dose`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Dose calculation for 1 December 2026/);
      const refused = await w.consultant.postForm(`/patients/${amelia}/medicines/${orderId}/change-dose`, {
        startDate: '2026-12-07',
        strengthMg: '2.5',
        doseMg: '27.5',
        frequency: 'once-weekly',
        dayOfWeek: 'Monday',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /above this protocol’s maximum of 25 mg per week/);
      assert.equal(await w.count('select id from medication_order'), 1);
    });

    test('a dose change makes a new order from its date, and tells the GP practice with a task', async () => {
      const res = await w.consultant.api('POST', `${orderPath()}/change-dose`, {
        doseMg: 12.5,
        startDate: '2026-12-07',
      });
      assert.equal(res.statusCode, 201, res.body);
      const changed = res.json();
      assert.equal(changed.description, '5 × 2.5 mg tablets (12.5 mg) once weekly on Monday');
      assert.equal(changed.replacesOrderId, orderId);
      assert.equal(changed.prescriber.party, 'gp-practice');

      const old = (await w.consultant.api('GET', orderPath())).json();
      assert.equal(old.stopDate, '2026-12-06');
      assert.equal(old.replacedByOrderId, changed.id);

      const tasks = await w.db.query<{ code: string; title: string; due_on: string }>(
        `select o.code, t.title, t.due_on from task t join organisation o on o.id = t.organisation_id
         where t.kind = 'dose-changed' and t.subject_id = $1 and t.status = 'open'`,
        [changed.id],
      );
      assert.deepEqual(tasks, [
        {
          code: 'GP001',
          title:
            'Methotrexate dose changed to 5 × 2.5 mg tablets (12.5 mg) once weekly on Monday from 7 December 2026',
          due_on: '2026-12-07',
        },
      ]);

      const again = await w.consultant.api('POST', `${orderPath()}/change-dose`, {
        doseMg: 10,
        startDate: '2026-12-14',
      });
      assert.equal(again.statusCode, 400);
      assert.match(again.json().error.message, /already been changed/);
    });

    test('a stale weight is refused on a dose change too', async () => {
      const path = `/api/patients/${amelia}/medicines`;
      const [, current] = (await w.consultant.api('GET', path)).json().current;
      const late = await w.consultant.api('POST', `${path}/${current.id}/change-dose`, {
        doseMg: 15,
        startDate: '2027-06-07',
      });
      assert.equal(late.statusCode, 400);
      assert.match(late.json().error.message, /measured on 20 November 2026, 199 days ago/);
    });

    test('stopping keeps the reason in the audit trail and tells the practice', async () => {
      const path = `/api/patients/${amelia}/medicines`;
      const [, current] = (await w.consultant.api('GET', path)).json().current;
      const res = await w.consultant.api('POST', `${path}/${current.id}/stop`, {
        stopDate: '2027-03-01',
        reason: 'In remission for a year',
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().stopDate, '2027-03-01');
      const [audit] = await w.db.query<{ reason: string }>(
        `select details->>'reason' as reason from audit_event where action = 'stop medicine' and outcome = 'allowed'`,
      );
      assert.equal(audit!.reason, 'In remission for a year');
      assert.equal(
        await w.count("select 1 from task where kind = 'medicine-stopped' and subject_id = $1", [current.id]),
        1,
      );
    });
  });
}
