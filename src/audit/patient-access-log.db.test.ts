import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

interface Entry {
  userEmail: string;
  organisationCode: string | null;
  action: string;
  outcome: string;
  relationship: string | null;
  breakGlassReason: string | null;
}

for (const database of testDatabases()) {
  describe(`who has looked at this record (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let nurse: SignedInClient;
    let amelia: string;
    const reason = 'Seen out of hours with a swollen knee';

    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      // The clock starts at the real time: loadRelationships drops grants older than the database's now() less a day.
      t = await testApp(db, {}, new Date());
      nurse = await t.signIn('nurse@demo.test');
      const [row] = await db.query<{ id: string }>("select id from patient where nhs_number = '9990000018'");
      amelia = row!.id;
      const gp2 = await t.signIn('gp2@demo.test');
      await gp2.api('GET', `/api/patients/${amelia}/care-team`);
      await gp2.api('POST', `/api/patients/${amelia}/break-glass`, { reason });
      await gp2.api('GET', `/api/patients/${amelia}/care-team`);
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('the nurse sees, newest first, gp2’s refusal, break-glass declaration and the read it allowed', async () => {
      const res = await nurse.api('GET', `/api/patients/${amelia}/access-log`);
      assert.equal(res.statusCode, 200);
      const entries: Entry[] = res.json().entries;
      assert.equal(entries[0]!.action, 'view access log');
      assert.equal(entries[0]!.userEmail, 'nurse@demo.test');
      assert.equal(entries[0]!.organisationCode, 'SC001');
      const gp2 = entries.filter((e) => e.userEmail === 'gp2@demo.test');
      assert.deepEqual(
        gp2.map((e) => [e.action, e.outcome, e.relationship, e.breakGlassReason, e.organisationCode]),
        [
          ['view care team', 'allowed', 'break-glass', reason, 'GP002'],
          ['declare break-glass', 'allowed', 'break-glass', reason, 'GP002'],
          ['view care team', 'refused', null, null, 'GP002'],
        ],
      );
    });

    test('the page highlights break-glass entries and refused attempts', async () => {
      const page = await nurse.get(`/patients/${amelia}/access-log`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Who has looked at this record<\/h1>/);
      assert.match(page.body, /gp2@demo\.test/);
      assert.match(page.body, /nhsuk-tag--red">\s*Break-glass/);
      assert.match(page.body, /nhsuk-tag--orange">\s*Refused/);
      assert.match(page.body, new RegExp(reason));
      assert.match(page.body, /<th scope="col" class="nhsuk-table__header">When<\/th>/);
    });

    test('the GP, in the care team but not the specialist team, may not see it', async () => {
      const gp = await t.signIn('gp@demo.test');
      const api = await gp.api('GET', `/api/patients/${amelia}/access-log`);
      assert.equal(api.statusCode, 403);
      assert.match(api.json().error.message, /does not allow you to see who has looked at this record/);
      assert.equal((await gp.get(`/patients/${amelia}/access-log`)).statusCode, 403);
    });

    test('the log comes 50 entries a page', async () => {
      const consultant = await t.signIn('consultant@demo.test');
      for (let i = 0; i < 50; i++) await consultant.api('GET', `/api/patients/${amelia}/care-team`);
      const [{ n }] = (await db.query<{ n: number }>(
        'select count(*)::int as n from audit_event where patient_id = $1',
        [amelia],
      )) as [{ n: number }];

      const first = (await nurse.api('GET', `/api/patients/${amelia}/access-log`)).json();
      assert.equal(first.entries.length, 50);
      assert.equal(first.hasNextPage, true);
      const second = (await nurse.api('GET', `/api/patients/${amelia}/access-log?page=2`)).json();
      assert.equal(second.page, 2);
      assert.equal(second.hasNextPage, false);
      assert.equal(second.entries.length, n + 2 - 50);
      // Each look at the log is itself logged: by the time page 2 is read it starts with page 1's last entry.
      assert.equal(second.entries[0].seq, first.entries[49].seq);

      const page = await nurse.get(`/patients/${amelia}/access-log`);
      assert.match(page.body, new RegExp(`href="/patients/${amelia}/access-log\\?page=2"`));
      assert.equal((await nurse.api('GET', `/api/patients/${amelia}/access-log?page=0`)).statusCode, 400);
    });
  });
}
