import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

for (const database of testDatabases()) {
  describe(`parents and carers linked to a child (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let nurse: SignedInClient;
    let parent: SignedInClient;
    let isla: string;
    let parentId: string;

    const links = () =>
      db.query('select user_id, relationship, has_proxy_access from patient_carer where patient_id = $1', [
        isla,
      ]);

    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      t = await testApp(db);
      nurse = await t.signIn('nurse@demo.test');
      parent = await t.signIn('parent@demo.test');
      const [row] = await db.query<{ id: string }>("select id from patient where nhs_number = '9990000034'");
      isla = row!.id;
      const [user] = await db.query<{ id: string }>(
        "select id from app_user where email = 'parent@demo.test'",
      );
      parentId = user!.id;
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('an e-mail without a parent or carer account is refused, and so is a missing answer', async () => {
      const staff = await nurse.postForm(`/patients/${isla}/carers`, {
        email: 'consultant@demo.test',
        relationship: 'mother',
        hasProxyAccess: 'yes',
      });
      assert.equal(staff.statusCode, 400);
      assert.match(staff.body, /There is no parent or carer account with this e-mail address/);
      assert.match(staff.body, /href="#email"/);

      const unanswered = await nurse.postForm(`/patients/${isla}/carers`, {
        email: 'parent@demo.test',
        relationship: 'aunt',
      });
      assert.equal(unanswered.statusCode, 400);
      assert.match(unanswered.body, /href="#relationship"/);
      assert.match(unanswered.body, /href="#hasProxyAccess"/);
      assert.deepEqual(await links(), []);
    });

    test('the GP may not link anyone', async () => {
      const gp = await t.signIn('gp@demo.test');
      const res = await gp.api('POST', `/api/patients/${isla}/carers`, {
        email: 'parent@demo.test',
        relationship: 'mother',
        hasProxyAccess: true,
      });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(await links(), []);
    });

    test('once linked with proxy access, the parent can open the child’s record; a second link is refused', async () => {
      assert.equal((await parent.api('GET', `/api/patients/${isla}/care-team`)).statusCode, 403);
      const linked = await nurse.postForm(`/patients/${isla}/carers`, {
        email: ' Parent@Demo.test ',
        relationship: 'guardian',
        hasProxyAccess: 'yes',
      });
      assert.equal(linked.statusCode, 303);
      assert.deepEqual(await links(), [
        { user_id: parentId, relationship: 'guardian', has_proxy_access: true },
      ]);

      const seen = await parent.api('GET', `/api/patients/${isla}/care-team`);
      assert.equal(seen.statusCode, 200);
      assert.equal(seen.json().carers[0].relationship, 'guardian');

      const again = await nurse.api('POST', `/api/patients/${isla}/carers`, {
        email: 'parent@demo.test',
        relationship: 'guardian',
        hasProxyAccess: false,
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.fields[0].field, 'email');
    });

    test('unlinking needs a reason, is audited, and ends the parent’s access', async () => {
      const page = await nurse.get(`/patients/${isla}/carers/${parentId}/remove`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Why are they being unlinked\?/);

      const noReason = await nurse.postForm(`/patients/${isla}/carers/${parentId}/remove`, { reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /href="#reason"/);
      assert.equal((await links()).length, 1);

      const removed = await nurse.postForm(`/patients/${isla}/carers/${parentId}/remove`, {
        reason: 'Linked to the wrong child',
      });
      assert.equal(removed.statusCode, 303);
      assert.deepEqual(await links(), []);
      assert.equal((await parent.api('GET', `/api/patients/${isla}/care-team`)).statusCode, 403);

      const [audit] = await db.query<{ details: Record<string, unknown> }>(
        "select details from audit_event where action = 'unlink parent or carer' and patient_id = $1",
        [isla],
      );
      assert.deepEqual(audit!.details, {
        carerUserId: parentId,
        relationship: 'guardian',
        reason: 'Linked to the wrong child',
      });

      const gone = await nurse.api('POST', `/api/patients/${isla}/carers/${parentId}/remove`, {
        reason: 'Again',
      });
      assert.equal(gone.statusCode, 404);
    });
  });
}
