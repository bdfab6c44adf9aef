import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AMELIA, type SharedCareWorld, sharedCareWorld } from '../agreements/agreements.testing.ts';
import { testDatabases } from '../testing/databases.ts';

for (const database of testDatabases()) {
  describe(`tasks (${database.name})`, () => {
    let w: SharedCareWorld;
    before(async () => {
      w = await sharedCareWorld(database);
    });
    after(() => w.close());

    test('a shared care request appears on the practice’s task list, linked to the agreement, and nowhere else', async () => {
      const orderId = await w.orderFor(AMELIA, 'methotrexate-oral-jia');
      const consultant = await w.as('consultant');
      const created = await consultant.api('POST', `/api/patients/${w.ids[AMELIA]}/agreements`, {
        medicationOrderId: orderId,
      });
      assert.equal(created.statusCode, 201, created.body);
      const agreementId = created.json().id as string;
      const sent = await consultant.api(
        'POST',
        `/api/patients/${w.ids[AMELIA]}/agreements/${agreementId}/steps`,
        {
          kind: 'request',
        },
      );
      assert.equal(sent.statusCode, 200, sent.body);

      const gp = await w.as('gp');
      const tasks = (await gp.api('GET', '/api/tasks')).json().tasks as {
        kind: string;
        href: string;
        familyName: string;
      }[];
      const request = tasks.find((t) => t.kind === 'answer-shared-care-request');
      assert.ok(request, 'the GP practice has a task to answer the request');
      assert.equal(request.familyName, 'Hart');
      assert.equal(request.href, `/patients/${w.ids[AMELIA]}/agreements/${agreementId}`);
      const page = await gp.get('/tasks');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`/patients/${w.ids[AMELIA]}/agreements/${agreementId}`));

      const otherPractice = await w.as('gp2');
      const theirs = (await otherPractice.api('GET', '/api/tasks')).json().tasks as unknown[];
      assert.deepEqual(theirs, []);
    });

    test('a parent has no organisation and so no task list', async () => {
      const parent = await w.as('parent');
      assert.equal((await parent.api('GET', '/api/tasks')).statusCode, 403);
    });
  });
}
