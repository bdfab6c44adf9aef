import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { syncShippedProtocols } from '../protocols/protocols.store.ts';
import { testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { loadDemoData } from './demo-data.ts';
import { demoUsers } from './fixed-world.ts';

const today = '2026-11-26' as PlainDate;

for (const database of testDatabases()) {
  describe(`demo data (${database.name})`, () => {
    let db: Database;
    before(async () => {
      db = await database.open();
      // As at a demo start-up: the shipped protocols, approved, before the demo (monitoring needs them).
      await syncShippedProtocols(db);
    });
    after(async () => {
      await db.close();
    });

    const count = async (sql: string, params: unknown[] = []) =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0]!.n;

    test('a first load gives the fixed organisations and people, the five named patients and the synthetic ones', async () => {
      const summary = await loadDemoData(db, { patients: 200, today, monitoring: true });
      assert.deepEqual(summary, { organisations: 15, users: 10, patients: 205 });
      assert.equal(await count('patient'), 205);
      assert.equal(await count('app_user where is_demo'), 10);
      assert.equal(
        await count('patient p where not exists (select 1 from diagnosis d where d.patient_id = p.id)'),
        0,
      );
      assert.equal(
        await count(
          'patient p where (select count(*) from growth_measurement g where g.patient_id = p.id) < 2',
        ),
        0,
      );
    });

    test('every demo account can sign in with the demo password', async () => {
      const app = await testApp(db);
      try {
        for (const user of demoUsers) {
          const client = await app.signIn(user.email);
          assert.ok(client.csrfToken, user.email);
        }
      } finally {
        await app.close();
      }
    });

    test('the named patients have the care teams the other tests rely on', async () => {
      const team = await db.query<{
        code: string;
        role: string;
        start: string;
        end: string | null;
        email: string | null;
      }>(
        `select o.code, c.role, c.start_date as start, c.end_date as end, u.email
         from care_team_member c join patient p on p.id = c.patient_id join organisation o on o.id = c.organisation_id
         left join app_user u on u.id = c.user_id
         where p.nhs_number = '9990000042' order by c.start_date, o.code`,
      );
      assert.deepEqual(team, [
        { code: 'GP001', role: 'gp_practice', start: '2023-05-01', end: '2025-06-30', email: null },
        {
          code: 'SC001',
          role: 'lead_consultant',
          start: '2023-05-01',
          end: null,
          email: 'consultant@demo.test',
        },
        { code: 'GP002', role: 'gp_practice', start: '2025-07-01', end: null, email: null },
      ]);
      const [amelia] = await db.query<{ carer: string; relationship: string; proxy: boolean }>(
        `select u.email as carer, pc.relationship, pc.has_proxy_access as proxy
         from patient_carer pc join patient p on p.id = pc.patient_id join app_user u on u.id = pc.user_id
         where p.nhs_number = '9990000018'`,
      );
      assert.deepEqual(amelia, { carer: 'parent@demo.test', relationship: 'mother', proxy: true });
      const [grace] = await db.query<{ email: string }>(
        "select u.email from patient p join app_user u on u.id = p.user_id where p.nhs_number = '9990000050'",
      );
      assert.equal(grace?.email, 'teen@demo.test');
    });

    test('the named children have been measured in the last week, on their growth curves', async () => {
      const recent = await db.query<{ nhs: string; height: number; earlier: number }>(
        `select p.nhs_number as nhs, g.height_cm::float8 as height,
           (select max(e.height_cm)::float8 from growth_measurement e
            where e.patient_id = p.id and e.measured_on < g.measured_on) as earlier
         from patient p join growth_measurement g on g.patient_id = p.id
         where p.nhs_number like '999000%' and g.measured_on > $1::date - 7 order by p.nhs_number`,
        [today],
      );
      assert.deepEqual(
        recent.map((r) => r.nhs),
        ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050'],
      );
      for (const r of recent) {
        assert.ok(r.height >= r.earlier && r.height < r.earlier + 12, `${r.nhs}: ${r.earlier} → ${r.height}`);
      }
    });

    test('three named children take methotrexate, with blood monitoring courses and their next due dates', async () => {
      const courses = await db.query<{
        nhs: string;
        medicine: string;
        status: string;
        due: PlainDate;
        arranger: string;
        place: string;
      }>(
        `select p.nhs_number as nhs, c.medicine, c.status, c.next_due_on as due, o.code as arranger, c.place
         from monitoring_course c join patient p on p.id = c.patient_id
         join organisation o on o.id = c.responsible_organisation_id order by p.nhs_number`,
      );
      assert.deepEqual(
        courses.map(({ due: _, ...c }) => c),
        [
          {
            nhs: '9990000018',
            medicine: 'methotrexate',
            status: 'up-to-date',
            arranger: 'GP001',
            place: 'gp-surgery',
          },
          {
            nhs: '9990000026',
            medicine: 'methotrexate',
            status: 'up-to-date',
            arranger: 'SC001',
            place: 'hospital',
          },
          {
            nhs: '9990000034',
            medicine: 'methotrexate',
            status: 'overdue',
            arranger: 'SC001',
            place: 'hospital',
          },
        ],
      );
      assert.ok(courses[0]!.due > today && courses[1]!.due > today, 'Amelia and Oliver are due later');
      assert.ok(courses[2]!.due < today, 'Isla was due before today');
      // Amelia's dose went up: the new order replaced the first, which stopped the day before.
      const [amelia] = await db.query<{ doses: number[]; stopped: boolean; calculated: boolean }>(
        `select array_agg(o.dose_mg::float8 order by o.start_date) as doses,
           bool_and(o.replaces_order_id is null or exists (select 1 from medication_order b
             where b.id = o.replaces_order_id and b.stop_date = o.start_date - 1)) as stopped,
           bool_and(o.calculation -> 'dose' ? 'prescribableMg') as calculated
         from medication_order o join patient p on p.id = o.patient_id where p.nhs_number = '9990000018'`,
      );
      assert.deepEqual(amelia, { doses: [12.5, 15], stopped: true, calculated: true });
    });

    test('Amelia’s methotrexate is shared with Riverside Surgery under an active agreement, and her results are released', async () => {
      const agreements = await db.query<{ nhs: string; gp: string; state: string; linked: boolean }>(
        `select p.nhs_number as nhs, gp.code as gp, a.state,
           exists (select 1 from medication_order o where o.agreement_id = a.id and o.stop_date is null) as linked
         from agreement a join patient p on p.id = a.patient_id join organisation gp on gp.id = a.gp_practice_id`,
      );
      assert.deepEqual(agreements, [{ nhs: '9990000018', gp: 'GP001', state: 'active', linked: true }]);
      assert.equal(
        await count(
          `agreement_event e join agreement a on a.id = e.agreement_id
           where e.kind in ('create', 'request', 'accept', 'record-consent', 'activate')`,
        ),
        5,
      );
      assert.equal(await count("patient where results_released_to_family and nhs_number = '9990000018'"), 1);
    });

    test('Oliver’s red neutrophils wait for the specialist team, Amelia’s amber ALT for her practice too', async () => {
      const alerts = await db.query<{ nhs: string; outcome: string; analyte: string; value: number }>(
        `select p.nhs_number as nhs, a.outcome, r.analyte, r.value::float8 as value
         from result_alert a join lab_result r on r.id = a.result_id join patient p on p.id = a.patient_id
         where a.acknowledged_at is null order by p.nhs_number`,
      );
      assert.deepEqual(alerts, [
        { nhs: '9990000018', outcome: 'amber', analyte: 'alt', value: 86 },
        { nhs: '9990000026', outcome: 'red', analyte: 'neutrophils', value: 1.2 },
      ]);
      assert.equal((await count("lab_result where outcome = 'normal'")) > 200, true);
      const app = await testApp(db);
      try {
        const consultant = await app.signIn('consultant@demo.test');
        const monitoring = (await consultant.get('/monitoring')).body;
        assert.match(monitoring, /Red results awaiting a decision \(1\)/);
        assert.match(monitoring, /Amber results awaiting a decision \(1\)/);
        assert.match(monitoring, /Overdue blood tests \(1\)/);
        assert.match(monitoring, /Oliver Bennett/);
        assert.match(monitoring, /Isla Khan/);
        assert.match((await consultant.get('/tasks')).body, /Red result: Neutrophils 1.2/);
        const gp = await app.signIn('gp@demo.test');
        assert.match((await gp.get('/practice')).body, /Amber \(1\)[\s\S]*Amelia Hart/);
        const parent = await app.signIn('parent@demo.test');
        assert.match((await parent.get('/family')).body, /ALT: 86 U\/L/);
      } finally {
        await app.close();
      }
    });

    test('the overdue ladder has reached the specialist team for Isla, and e-mails wait for the shared inboxes', async () => {
      const tasks = await db.query<{ kind: string; code: string }>(
        `select t.kind, o.code from task t join patient p on p.id = t.patient_id
         join organisation o on o.id = t.organisation_id
         where p.nhs_number = '9990000034' and t.status = 'open' order by t.kind`,
      );
      assert.deepEqual(tasks, [
        { kind: 'blood-test-due', code: 'SC001' },
        { kind: 'monitoring-overdue', code: 'SC001' },
      ]);
      assert.equal(await count("organisation where email = lower(code) || '@demo.test'"), 15);
      const inboxes = await db.query<{ to_address: string }>(
        'select distinct to_address from email_outbox order by to_address',
      );
      assert.deepEqual(
        inboxes.map((r) => r.to_address),
        ['gp001@demo.test', 'sc001@demo.test'],
      );
    });

    test('loading again adds the synthetic patients asked for, with new NHS numbers', async () => {
      const before = await count('lab_result');
      const summary = await loadDemoData(db, { patients: 10, today, monitoring: true });
      assert.deepEqual(summary, { organisations: 0, users: 0, patients: 10 });
      assert.equal(await count('patient'), 215);
      assert.equal(await count('organisation'), 15);
      assert.equal(await count('lab_result'), before, 'no second blood monitoring demo');
      assert.equal(await count('medication_order'), 5);
    });

    test('loading again with no patients asked for says the demo is already there', async () => {
      await assert.rejects(loadDemoData(db, { patients: 0, today }), /already loaded/);
      assert.equal(await count('patient'), 215);
    });
  });

  describe(`demo data on a database that is not empty (${database.name})`, () => {
    let db: Database;
    before(async () => {
      db = await database.open();
    });
    after(async () => {
      await db.close();
    });

    test('refuses to load over an organisation with a demo code, and writes nothing', async () => {
      await db.query(
        "insert into organisation (code, name, kind) values ('GP003', 'A real practice', 'gp_practice')",
      );
      await assert.rejects(loadDemoData(db, { patients: 5, today }), /GP003/);
      const [{ n } = { n: -1 }] = await db.query<{ n: number }>(
        'select (select count(*) from organisation) + (select count(*) from app_user) + (select count(*) from patient) as n',
      );
      assert.equal(Number(n), 1);
    });
  });
}
