import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import { migrate, migrationFiles } from './migrate.ts';

for (const database of testDatabases()) {
  describe(`migrations (${database.name})`, () => {
    test('a migrated database is up to date: migrating again applies nothing', async () => {
      const db = await database.open();
      assert.deepEqual(await migrate(db), []);
      const rows = await db.query<{ version: number }>(
        'select version from schema_migration order by version',
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        migrationFiles().map((m) => m.version),
      );
      await db.close();
    });

    test('a migration that fails leaves the schema as it was', async () => {
      const db = await database.open();
      const broken = [
        ...migrationFiles(),
        { version: 998, name: 'half', sql: 'create table half_done (id int);' },
        {
          version: 999,
          name: 'broken',
          sql: 'create table nonsense (id int references no_such_table (id));',
        },
      ];
      await assert.rejects(migrate(db, broken));
      const [row] = await db.query<{ exists: boolean }>(
        "select to_regclass('half_done') is not null as exists",
      );
      assert.equal(row?.exists, false);
      await db.close();
    });
  });
}
