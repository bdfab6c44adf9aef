import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type AdminWorld, adminWorld, squash } from '../admin/admin.testing.ts';
import { createUser } from '../people/users.ts';
import { testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { linkTo } from './outbox.rules.ts';
import { claimBatch, markGivenUp, queueEmails } from './outbox.store.ts';

for (const database of testDatabases()) {
  describe(`the e-mail outbox page (${database.name})`, () => {
    let world: AdminWorld;
    before(async () => {
      world = await adminWorld(database);
      await queueEmails(world.db, [
        {
          toAddress: 'riverside.surgery@nhs.test',
          subject: 'Jointly: new task for GP001',
          body: `There is new work for Riverside Surgery in Jointly. Sign in to see it: ${linkTo('/tasks')}`,
          kind: 'new-task',
          aboutId: randomUUID(),
        },
        {
          toAddress: 'meadow.practice@nhs.test',
          subject: 'Jointly: new task for GP002',
          body: `There is new work for Meadow Practice in Jointly. Sign in to see it: ${linkTo('/tasks')}`,
          kind: 'new-task',
          aboutId: randomUUID(),
        },
      ]);
      const [refused] = await world.db.query<{ id: string }>(
        "select id from email_outbox where to_address = 'meadow.practice@nhs.test'",
      );
      await claimBatch(world.db, 10, new Date(Date.now() + 1000), 60);
      await markGivenUp(world.db, refused!.id, '550 5.1.1 No such mailbox', new Date());
    });
    after(() => world.close());

    test('in demo mode the administrator sees the totals, each e-mail with its status and body, and can filter', async () => {
      const res = await world.admin.get('/admin/outbox');
      assert.equal(res.statusCode, 200);
      const page = squash(res.body);
      assert.match(page, /<dt class="nhsuk-summary-list__key">Waiting<\/dt> <dd[^>]*>1<\/dd>/);
      assert.match(page, /<dt class="nhsuk-summary-list__key">Failed<\/dt> <dd[^>]*>1<\/dd>/);
      assert.match(page, /riverside\.surgery@nhs\.test/);
      assert.match(page, /Jointly: new task for GP001/);
      assert.match(page, /Sign in to see it: http:\/\/localhost:3000\/tasks/, 'the body as it will be sent');
      assert.match(page, /550 5\.1\.1 No such mailbox/);
      assert.match(page, /nhsuk-header__navigation-link" href="\/admin\/outbox"/, 'in the menu');

      const failed = squash((await world.admin.get('/admin/outbox?status=failed')).body);
      assert.match(failed, /meadow\.practice@nhs\.test/);
      assert.doesNotMatch(failed, /riverside\.surgery@nhs\.test/);

      assert.equal((await world.admin.get('/admin/outbox?status=lost')).statusCode, 400);
      assert.match(squash((await world.admin.get('/admin')).body), /href="\/admin\/outbox"/);
    });

    test('other roles may not see it', async () => {
      const nurse = await world.t.signIn('nurse@demo.test');
      assert.equal((await nurse.get('/admin/outbox')).statusCode, 403);
    });

    test('outside demo mode the page does not exist, even for a service administrator', async () => {
      await createUser(world.db, {
        email: 'service.desk@nhs.test',
        displayName: 'Service Desk',
        role: 'service_administrator',
        organisationCode: 'SC001',
        password: 'heron-lantern-quietly-47',
      });
      const production = await testApp(world.db, { demo: false });
      try {
        assert.equal((await production.anonymous().get('/admin/outbox')).statusCode, 404);
        const admin = await production.signIn('service.desk@nhs.test', 'heron-lantern-quietly-47');
        const res = await admin.get('/admin/outbox');
        assert.equal(res.statusCode, 404);
        assert.doesNotMatch(res.body, /riverside\.surgery@nhs\.test/);
        assert.doesNotMatch((await admin.get('/admin')).body, /\/admin\/outbox/, 'no link to it');
      } finally {
        await production.close();
      }
    });
  });
}
