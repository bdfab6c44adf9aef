import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

const breakGlassMinutes = 15;

for (const database of testDatabases()) {
  describe(`break-glass access (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let gp2: SignedInClient;
    let amelia: string;
    let isla: string;

    const patientId = async (nhsNumber: string) =>
      (await db.query<{ id: string }>('select id from patient where nhs_number = $1', [nhsNumber]))[0]!.id;
    const grants = (patient: string) =>
      db.query('select * from break_glass where patient_id = $1', [patient]);

    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      // The clock starts at the real time: loadRelationships drops grants older than the database's now() less a day.
      t = await testApp(db, { breakGlassMinutes }, new Date());
      gp2 = await t.signIn('gp2@demo.test');
      amelia = await patientId('9990000018');
      isla = await patientId('9990000034');
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('a GP outside the care team is refused, and offered break-glass access', async () => {
      const api = await gp2.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(api.statusCode, 403);
      assert.match(api.json().error.message, /declare break-glass access/);
      const page = await gp2.get(`/patients/${amelia}/care-team`);
      assert.equal(page.statusCode, 403);
      assert.match(page.body, new RegExp(`href="/patients/${amelia}/break-glass"`));
    });

    test('the break-glass page explains the access and asks for a reason', async () => {
      const page = await gp2.get(`/patients/${amelia}/break-glass`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Declare break-glass access<\/h1>/);
      assert.match(page.body, new RegExp(`It lasts ${breakGlassMinutes} minutes`));
      assert.match(page.body, /nhsuk-warning-callout|nhsuk-card--warning/);
      assert.match(page.body, /name="reason"/);
      assert.doesNotMatch(page.body, /Amelia/);
    });

    test('someone already in the care team is told they do not need it', async () => {
      const gp = await t.signIn('gp@demo.test');
      const page = await gp.get(`/patients/${amelia}/break-glass`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /you do not need break-glass access/);
      assert.match(page.body, new RegExp(`href="/patients/${amelia}"`));
      const res = await gp.postForm(`/patients/${amelia}/break-glass`, {
        reason: 'Checking the medicines list',
      });
      assert.equal(res.statusCode, 409);
      assert.deepEqual(await grants(amelia), []);
    });

    test('a parent cannot declare break-glass access, and the attempt is recorded', async () => {
      const parent = await t.signIn('parent@demo.test');
      assert.equal((await parent.get(`/patients/${isla}/break-glass`)).statusCode, 403);
      const res = await parent.api('POST', `/api/patients/${isla}/break-glass`, {
        reason: 'I want to see this record',
      });
      assert.equal(res.statusCode, 403);
      assert.match(
        res.json().error.message,
        /Your role \(Parent or carer\) cannot declare break-glass access/,
      );
      assert.deepEqual(await grants(isla), []);
      const [audit] = await db.query<{ outcome: string; user_email: string }>(
        "select outcome, user_email from audit_event where action = 'declare break-glass' and patient_id = $1",
        [isla],
      );
      assert.deepEqual(audit, { outcome: 'refused', user_email: 'parent@demo.test' });
    });

    test('a reason under 10 characters is refused and nothing is granted', async () => {
      const form = await gp2.postForm(`/patients/${amelia}/break-glass`, { reason: 'fever' });
      assert.equal(form.statusCode, 400);
      assert.match(form.body, /at least 10 characters/);
      assert.match(form.body, /href="#reason"/);
      const api = await gp2.api('POST', `/api/patients/${amelia}/break-glass`, { reason: '   ' });
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().error.fields[0].field, 'reason');
      assert.deepEqual(await grants(amelia), []);
    });

    test('there is no break-glass access to a patient who does not exist', async () => {
      const res = await gp2.api('POST', '/api/patients/00000000-0000-4000-8000-000000000000/break-glass', {
        reason: 'Seen in clinic today',
      });
      assert.equal(res.statusCode, 404);
    });

    test('after declaring, the GP can read the record until the grant runs out', async () => {
      const reason = 'Attended out-of-hours with a fever, on methotrexate?';
      const declared = await gp2.postForm(`/patients/${amelia}/break-glass`, { reason });
      assert.equal(declared.statusCode, 303);
      assert.equal(declared.headers.location, `/patients/${amelia}`);

      const [grant] = await db.query<{ granted_at: Date; expires_at: Date; role: string }>(
        'select granted_at, expires_at, role from break_glass where patient_id = $1',
        [amelia],
      );
      assert.equal(grant!.role, 'gp');
      assert.equal(grant!.granted_at.toISOString(), t.clock.now.toISOString());
      assert.equal(grant!.expires_at.getTime() - grant!.granted_at.getTime(), breakGlassMinutes * 60_000);

      const read = await gp2.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(read.statusCode, 200);
      const page = await gp2.get(`/patients/${amelia}/care-team`);
      assert.match(page.body, /You are seeing this record through break-glass access/);

      const audit = await db.query<{ action: string; relationship: string; break_glass_reason: string }>(
        `select action, relationship, break_glass_reason from audit_event
         where patient_id = $1 and user_email = 'gp2@demo.test' and outcome = 'allowed' order by seq`,
        [amelia],
      );
      assert.deepEqual(audit[0], {
        action: 'declare break-glass',
        relationship: 'break-glass',
        break_glass_reason: reason,
      });
      assert.deepEqual(audit[1], {
        action: 'view care team',
        relationship: 'break-glass',
        break_glass_reason: reason,
      });

      t.clock.advanceMinutes(breakGlassMinutes + 1);
      const expired = await gp2.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(expired.statusCode, 403);
    });

    test('the API declares a grant and says when it runs out; it lets the GP read, not change', async () => {
      const res = await gp2.api('POST', `/api/patients/${isla}/break-glass`, {
        reason: 'Urgent review in A&E tonight',
      });
      assert.equal(res.statusCode, 201);
      const body = res.json();
      assert.equal(body.patientId, isla);
      assert.equal(Date.parse(body.expiresAt) - Date.parse(body.grantedAt), breakGlassMinutes * 60_000);
      assert.equal((await gp2.api('GET', `/api/patients/${isla}/care-team`)).statusCode, 200);
      const change = await gp2.api('POST', `/api/patients/${isla}/care-team`, {
        organisationCode: 'GP002',
        role: 'gp_practice',
      });
      assert.equal(change.statusCode, 403);
    });
  });
}
