import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JointlyError } from '../kernel/errors.ts';
import { testDatabases } from '../testing/databases.ts';
import { createUser } from './users.ts';

for (const database of testDatabases()) {
  describe(`adding accounts (${database.name})`, () => {
    test('two requests adding the same e-mail at once: one account, and the other is told the e-mail is taken', async () => {
      const db = await database.open();
      await db.query(
        "insert into organisation (code, name, kind) values ('GP001', 'Riverside Surgery', 'gp_practice')",
      );
      const add = () =>
        createUser(db, {
          email: 'same@example.nhs.uk',
          displayName: 'Dr Same',
          role: 'gp',
          organisationCode: 'GP001',
          password: 'kettle-orbit-lantern-42',
        });
      const results = await Promise.allSettled([add(), add(), add()]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        assert.ok(r.reason instanceof JointlyError);
        assert.equal(r.reason.code, 'CONFLICT');
        assert.deepEqual(r.reason.fields, [
          { field: 'email', message: 'There is already an account with this e-mail address' },
        ]);
      }
      const [row] = await db.query<{ n: number }>(
        "select count(*)::int as n from app_user where email = 'same@example.nhs.uk'",
      );
      assert.equal(row?.n, 1);
      await db.close();
    });
  });
}
