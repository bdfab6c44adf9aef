import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { AMELIA, type DemoWorld, OLIVER, openDemoWorld } from './demo-world.testing.ts';

for (const database of testDatabases()) {
  describe(`patients: finding and listing (${database.name})`, () => {
    let world: DemoWorld;
    let db: Database;
    let t: TestApp;
    let gp: SignedInClient;
    let gp2: SignedInClient;
    let parent: SignedInClient;
    let ids: Record<string, string>;

    before(async () => {
      world = await openDemoWorld(database);
      ({ db, t, gp, gp2, parent, ids } = world);
    });
    after(() => world.close());

    test('search combines name and date of birth, and a blank search asks for something to search for', async () => {
      const both = await gp.api('GET', '/api/patients/search?name=Hart&dateOfBirth=2016-03-14');
      assert.equal(both.json().patients.length, 1);
      const wrongDate = await gp.api('GET', '/api/patients/search?name=Hart&dateOfBirth=2016-03-15');
      assert.equal(wrongDate.json().patients.length, 0);
      const blank = await gp.get('/patients/search?name=&nhsNumber=');
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter a name, NHS number or date of birth/);
    });

    test('a long list comes 50 to a page, in family-name order across the pages', async () => {
      await db.query(
        `with made as (
             insert into patient (nhs_number, given_name, family_name, date_of_birth, sex)
             select lpad(n::text, 10, '8'), 'Child', 'Zz-' || lpad(n::text, 3, '0'), '2015-01-01', 'unknown'
             from generate_series(1, 60) n returning id)
           insert into care_team_member (patient_id, organisation_id, role, start_date)
           select made.id, o.id, 'specialist_team', '2026-01-01' from made, organisation o where o.code = 'SC001'`,
      );
      const consultant = await t.signIn('consultant@demo.test');
      const first = (await consultant.api('GET', '/api/patients')).json();
      const second = (await consultant.api('GET', '/api/patients?page=2')).json();
      assert.equal(first.patients.length, 50);
      assert.equal(first.hasNextPage, true);
      assert.equal(second.hasNextPage, false);
      const names = [...first.patients, ...second.patients].map((p: { familyName: string }) => p.familyName);
      assert.deepEqual(names.slice(-3), ['Zz-058', 'Zz-059', 'Zz-060']);
      assert.equal(new Set(names).size, names.length);
      const page = await consultant.get('/patients?page=2');
      assert.match(page.body, /href="\/patients\?page=1"/);
      assert.doesNotMatch(page.body, /href="\/patients\?page=3"/);
    });

    test('a clinician searching for an NHS number they have no relationship with is told the patient exists, not who', async () => {
      const api = (await gp2.api('GET', `/api/patients/search?nhsNumber=${AMELIA}`)).json();
      assert.deepEqual(api.patients, []);
      assert.deepEqual(api.existsWithoutRelationship, { patientId: ids[AMELIA] });

      const page = await gp2.get(`/patients/search?nhsNumber=${AMELIA}`);
      assert.match(page.body, new RegExp(`href="/patients/${ids[AMELIA]}/break-glass"`));
      assert.doesNotMatch(page.body, /Amelia|Hart|14 March 2016/);

      const [audit] = await db.query<{ patient_id: string; details: unknown }>(
        "select patient_id, details from audit_event where action = 'search patients' order by seq desc limit 1",
      );
      assert.equal(audit?.patient_id, ids[AMELIA]);
      assert.doesNotMatch(JSON.stringify(audit?.details), new RegExp(AMELIA));
    });

    test('a parent searching for another child’s NHS number learns nothing', async () => {
      const found = (await parent.api('GET', `/api/patients/search?nhsNumber=${OLIVER}`)).json();
      assert.deepEqual(found, { patients: [], more: false });
    });
  });
}
