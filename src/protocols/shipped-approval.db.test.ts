import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import { syncShippedProtocols, usableProtocolVersions } from './protocols.store.ts';

for (const database of testDatabases()) {
  describe(`shipped protocols outside demo mode (${database.name})`, () => {
    test('wait for the clinical safety officer: none is usable until approved', async () => {
      const db = await database.open();
      assert.equal(await syncShippedProtocols(db, undefined, { approve: false }), 11);
      assert.deepEqual(await usableProtocolVersions(db), []);
      const [row] = await db.query<{ n: number }>(
        "select count(*)::int as n from protocol_version where status = 'awaiting-approval'",
      );
      assert.equal(row?.n, 11);
      await db.close();
    });
  });
}
