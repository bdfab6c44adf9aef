import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { visiblePatientCondition } from '../access/visibility.ts';
import { plainDate } from '../kernel/dates.ts';
import { AMELIA, type MedicinesWorld, medicinesWorld, OLIVER } from '../medicines/medicines.testing.ts';
import { findActiveUser } from '../people/people.store.ts';
import { testDatabases } from '../testing/databases.ts';
import { labResults, methotrexateCourse, TEST_TODAY } from './monitoring-views.testing.ts';
import { sweepMonitoring } from './sweep.ts';
import { waitingAlerts } from './worklists.store.ts';

const ISLA = '9990000034';
const D = (date: string) => plainDate(date);
const GRACE = '9990000050';

/** The part of a page from one heading to the next of the same level. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no section ${id}`);
  const rest = html.slice(start);
  const next = rest.slice(1).search(/<h2 /);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

/** Each row of the section's table. */
const rowsOf = (html: string) => html.split('<tr class="nhsuk-table__row">').slice(2);

for (const database of testDatabases()) {
  describe(`monitoring worklists (${database.name})`, () => {
    let w: MedicinesWorld;
    const id = (nhsNumber: string) => w.ids[nhsNumber]!;
    const resultsLink = (nhsNumber: string) => `href="/patients/${id(nhsNumber)}/results"`;

    before(async () => {
      w = await medicinesWorld(database);
      // Amelia and Oliver started methotrexate ten days ago under shared care with their own practices: their
      // first tests are due on 30 November. Isla's (GP001) and Grace's (the hospital's) are months overdue.
      await methotrexateCourse(w.db, id(AMELIA), D('2026-11-16'), 'GP001');
      await methotrexateCourse(w.db, id(OLIVER), D('2026-11-16'), 'GP002');
      await methotrexateCourse(w.db, id(ISLA), D('2026-08-18'), 'GP001');
      await methotrexateCourse(w.db, id(GRACE), D('2026-08-18'), null);
      // Oliver's red result came first and nobody decided in time; Amelia's came yesterday.
      await labResults(w.db, id(OLIVER), '2026-11-20', [
        { analyte: 'platelets', value: 100, unit: '10^9/L', rangeLow: 150, rangeHigh: 450 },
      ]);
      await labResults(w.db, id(AMELIA), '2026-11-25', [
        { analyte: 'neutrophils', value: 1.2, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
        { analyte: 'alt', value: 70, unit: 'U/L', rangeLow: 0, rangeHigh: 30 },
      ]);
      await w.db.query(
        `update result_alert set created_at = case when patient_id = $1 then '2026-11-20T14:00:00Z'::timestamptz
           else '2026-11-25T14:00:00Z'::timestamptz end`,
        [id(OLIVER)],
      );
      await sweepMonitoring(w.db, w.t.clock.now);
    });
    after(() => w.close());

    test('the specialist team sees red results first, oldest first, with counts, time waiting and escalation', async () => {
      const page = await w.consultant.get('/monitoring');
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /<h1>Monitoring<\/h1>/);
      const red = section(page.body, 'red');
      assert.match(red, /Red results awaiting a decision \(2\)/);
      const rows = rowsOf(red);
      assert.equal(rows.length, 2);
      assert.ok(rows[0]!.includes(resultsLink(OLIVER)), 'Oliver’s red result waited longest');
      assert.match(rows[0]!, /Platelets<\/td>\s*<td class="nhsuk-table__cell">100 ×10⁹\/L<\/td>/);
      assert.match(rows[0]!, /20 November 2026/);
      assert.match(rows[0]!, /5 days.*Escalated/s);
      assert.ok(rows[1]!.includes(resultsLink(AMELIA)));
      assert.match(rows[1]!, /Neutrophils<\/td>\s*<td class="nhsuk-table__cell">1\.2 ×10⁹\/L/);
      assert.match(rows[1]!, /20 hours/);
      assert.doesNotMatch(rows[1]!, /Escalated/);
      assert.match(rows[1]!, /NHS number 999 000 0018/);

      const amber = section(page.body, 'amber');
      assert.match(amber, /Amber results awaiting a decision \(1\)/);
      assert.match(amber, /ALT<\/td>\s*<td class="nhsuk-table__cell">70 U\/L/);

      const overdue = section(page.body, 'overdue');
      assert.match(overdue, /Overdue blood tests \(2\)/);
      assert.ok(overdue.includes(resultsLink(ISLA)) && overdue.includes(resultsLink(GRACE)));
      assert.match(overdue, /1 September 2026/);
      assert.match(overdue, /Riverside Surgery \(GP001\)/, 'Isla’s tests are arranged by her practice');
      assert.match(overdue, /Northfield[^<]*\(SC001\)/, 'Grace’s by the specialist team');
      assert.doesNotMatch(overdue, new RegExp(resultsLink(AMELIA)), 'Amelia’s tests are not yet due');

      const open = await w.count(
        `select 1 from task t join organisation o on o.id = t.organisation_id
         where o.code = 'SC001' and t.status = 'open'`,
      );
      assert.ok(open > 0);
      assert.match(page.body, new RegExp(`<a href="/tasks">${open} open tasks for your team</a>`));
      assert.match(page.body, /href="\/monitoring"[^>]*>(<strong[^>]*>)?Monitoring</, 'in the menu');
    });

    test('the API gives the same lists, and each view is audited naming the children by id only', async () => {
      const res = await w.nurse.api('GET', '/api/monitoring/worklist');
      assert.equal(res.statusCode, 200, res.body);
      const list = res.json();
      assert.equal(list.red.total, 2);
      assert.deepEqual(
        list.red.rows.map((r: { patientId: string; escalatedAt: string | null }) => [
          r.patientId,
          !!r.escalatedAt,
        ]),
        [
          [id(OLIVER), true],
          [id(AMELIA), false],
        ],
      );
      assert.equal(list.amber.total, 1);
      assert.equal(list.overdue.total, 2);
      assert.equal(list.overdue.rows[0].status, 'seriously-overdue');

      const [entry] = await w.db.query<{ details: { patientIds: string[] }; outcome: string }>(
        `select details, outcome from audit_event where action = 'view monitoring worklist'
         and user_email = 'nurse@demo.test' order by seq desc limit 1`,
      );
      assert.equal(entry?.outcome, 'allowed');
      assert.deepEqual(
        [...entry!.details.patientIds].sort(),
        [id(AMELIA), id(OLIVER), id(ISLA), id(GRACE)].sort(),
      );
      assert.doesNotMatch(JSON.stringify(entry!.details), /Amelia|Hart|9990000018/);
    });

    test('a list cut short still counts every row', async () => {
      const [user] = await w.db.query<{ id: string }>(
        "select id from app_user where email = 'consultant@demo.test'",
      );
      const consultant = await findActiveUser(w.db, user!.id);
      const [team] = await w.db.query<{ id: string }>("select id from organisation where code = 'SC001'");
      const visible = visiblePatientCondition(consultant!, { today: TEST_TODAY, now: w.t.clock.now }, 1);
      const { red } = await waitingAlerts(w.db, visible, 'specialist', [team!.id], 1);
      assert.equal(red.rows.length, 1);
      assert.equal(red.total, 2);
      assert.equal(red.rows[0]!.patientId, id(OLIVER));
    });

    test('the GP sees the tests their practice arranges this week, its overdue tests and results needing action', async () => {
      const page = await w.gp.get('/practice');
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /<h1>Practice worklist<\/h1>/);
      const due = section(page.body, 'due');
      assert.match(due, /Blood tests due this week \(1\)/);
      assert.ok(due.includes(resultsLink(AMELIA)));
      assert.match(due, /30 November 2026/);
      assert.match(due, /GP surgery/);
      assert.doesNotMatch(due, new RegExp(resultsLink(OLIVER)), 'Oliver’s tests are for his own practice');

      const overdue = section(page.body, 'overdue');
      assert.match(overdue, /Overdue blood tests \(1\)/);
      assert.ok(overdue.includes(resultsLink(ISLA)));
      assert.doesNotMatch(overdue, new RegExp(resultsLink(GRACE)), 'the hospital arranges Grace’s tests');

      const results = section(page.body, 'results');
      assert.match(results, /Results needing action \(2\)/);
      assert.match(results, /Red \(1\)/);
      assert.match(results, /Amber \(1\)/);
      assert.ok(results.includes(resultsLink(AMELIA)));
      assert.doesNotMatch(page.body, new RegExp(id(OLIVER)), 'nothing of Oliver’s');

      assert.match(
        page.body,
        /<a href="\/shared-care#active">2 shared care agreements under which your practice prescribes<\/a>/,
      );
      assert.match(page.body, /href="\/practice"[^>]*>(<strong[^>]*>)?Practice worklist</, 'in the menu');

      const api = (await w.gp.api('GET', '/api/practice/worklist')).json();
      assert.deepEqual(
        api.dueThisWeek.rows.map((r: { patientId: string }) => r.patientId),
        [id(AMELIA)],
      );
      assert.equal(api.prescribing, 2);
    });

    test('a GP of another practice sees only their own children', async () => {
      const gp2 = await w.t.signIn('gp2@demo.test');
      const page = await gp2.get('/practice');
      assert.equal(page.statusCode, 200, page.body);
      assert.ok(section(page.body, 'due').includes(resultsLink(OLIVER)));
      assert.match(section(page.body, 'results'), /Red \(1\)/);
      assert.ok(section(page.body, 'results').includes(resultsLink(OLIVER)));
      assert.match(section(page.body, 'overdue'), /Overdue blood tests \(0\)/);
      for (const other of [AMELIA, ISLA, GRACE]) assert.ok(!page.body.includes(id(other)));
    });

    test('each worklist is for its own side only', async () => {
      assert.equal((await w.gp.get('/monitoring')).statusCode, 403);
      assert.equal((await w.consultant.get('/practice')).statusCode, 403);
      assert.equal((await w.parent.api('GET', '/api/monitoring/worklist')).statusCode, 403);
      assert.equal((await w.parent.api('GET', '/api/practice/worklist')).statusCode, 403);
    });
  });
}
