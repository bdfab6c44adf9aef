import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
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
    });
    after(async () => {
      await db.close();
    });

    const count = async (sql: string, params: unknown[] = []) =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0]!.n;

    test('a first load gives the fixed organisations and people, the five named patients and the synthetic ones', async () => {
      const summary = await loadDemoData(db, { patients: 200, today });
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

    test('loading again adds the synthetic patients asked for, with new NHS numbers', async () => {
      const summary = await loadDemoData(db, { patients: 10, today });
      assert.deepEqual(summary, { organisations: 0, users: 0, patients: 10 });
      assert.equal(await count('patient'), 215);
      assert.equal(await count('organisation'), 15);
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
