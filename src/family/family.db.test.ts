import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

for (const database of testDatabases()) {
  describe(`the family home (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    const ids: Record<string, string> = {};

    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 20 });
      t = await testApp(db);
      for (const row of await db.query<{ id: string; nhs_number: string }>(
        'select id, nhs_number from patient',
      )) {
        ids[row.nhs_number] = row.id;
      }
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('Amelia’s mother sees Amelia, her date of birth and her care team, and no other child', async () => {
      const parent = await t.signIn('parent@demo.test');
      const page = await parent.get('/family');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Your family<\/h1>/);
      assert.match(page.body, /Amelia Hart/);
      assert.match(page.body, /14 March 2016/);
      assert.match(page.body, new RegExp(`href="/patients/${ids['9990000018']}">See Amelia’s record`));
      assert.match(page.body, /Lead consultant: [^<]+, Northfield/);
      assert.doesNotMatch(page.body, /Okafor|Bennett|Khan|Williams/);

      const api = await parent.api('GET', '/api/family');
      assert.equal(api.statusCode, 200);
      const { children } = api.json();
      assert.deepEqual(
        children.map((c: { patientId: string; relationship: string; dateOfBirth: string }) => [
          c.patientId,
          c.relationship,
          c.dateOfBirth,
        ]),
        [[ids['9990000018'], 'mother', '2016-03-14']],
      );
      assert.deepEqual(
        children[0].careTeam
          .map((m: { organisationCode: string; role: string }) => `${m.organisationCode} ${m.role}`)
          .sort(),
        ['AS001 physiotherapist', 'GP001 gp_practice', 'SC001 lead_consultant', 'SC001 named_nurse'],
      );
    });

    test('a parent without proxy access does not see the child', async () => {
      await db.query('update patient_carer set has_proxy_access = false where patient_id = $1', [
        ids['9990000018'],
      ]);
      try {
        const parent = await t.signIn('parent@demo.test');
        assert.deepEqual((await parent.api('GET', '/api/family')).json().children, []);
        assert.match((await parent.get('/family')).body, /No child is linked to your account yet/);
      } finally {
        await db.query('update patient_carer set has_proxy_access = true where patient_id = $1', [
          ids['9990000018'],
        ]);
      }
    });

    test('Grace sees her own record', async () => {
      const teen = await t.signIn('teen@demo.test');
      const page = await teen.get('/family');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Your record<\/h1>/);
      assert.match(page.body, /Grace Okafor/);
      assert.match(page.body, new RegExp(`href="/patients/${ids['9990000050']}">See your record`));
      const { children } = (await teen.api('GET', '/api/family')).json();
      assert.deepEqual(
        children.map((c: { patientId: string; relationship: string }) => [c.patientId, c.relationship]),
        [[ids['9990000050'], 'self']],
      );
    });

    test('the view is audited with the children’s ids and nothing that names them', async () => {
      const [entry] = await db.query<{
        details: { count: number; patientIds: string[] };
        user_email: string;
      }>(
        "select details, user_email from audit_event where action = 'view family home' and user_email = 'teen@demo.test' order by seq desc limit 1",
      );
      assert.deepEqual(entry!.details, { count: 1, patientIds: [ids['9990000050']] });
      assert.doesNotMatch(JSON.stringify(entry), /Grace|Okafor|9990000050|2009-11-05/);
    });

    test('staff are turned away from the family home', async () => {
      const gp = await t.signIn('gp@demo.test');
      assert.equal((await gp.get('/family')).statusCode, 403);
      assert.equal((await gp.api('GET', '/api/family')).statusCode, 403);
    });
  });
}
