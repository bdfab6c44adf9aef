import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type Database, openEmbedded, openServer } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

/**
 * The databases every database test runs on: the embedded one always, and a PostgreSQL server too
 * when `TEST_DATABASE_URL` is set (CI sets it). Each `open()` gives a new, empty, migrated database.
 */
export interface TestDatabase {
  name: 'embedded' | 'server';
  open(): Promise<Database>;
}

let template: Promise<Blob> | undefined;

/** Migrating once and copying the files is ten times faster than migrating each new database. */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openEmbedded(undefined);
    await migrate(db);
    const client = (db as Database & { client: PGlite }).client;
    const blob = await client.dumpDataDir('none');
    await db.close();
    return blob;
  })();
  return template;
}

const embedded: TestDatabase = {
  name: 'embedded',
  async open() {
    return openEmbedded(undefined, { loadDataDir: await migratedTemplate() });
  },
};

function server(adminUrl: string): TestDatabase {
  return {
    name: 'server',
    async open() {
      const name = `jointly_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = openServer(url.toString(), { max: 4 });
      await migrate(db);
      const close = db.close.bind(db);
      return Object.assign(db, {
        async close() {
          await close();
          const dropper = new pg.Client({ connectionString: adminUrl });
          await dropper.connect();
          await dropper.query(`drop database if exists ${name} with (force)`);
          await dropper.end();
        },
      });
    },
  };
}

export function testDatabases(): TestDatabase[] {
  const url = process.env.TEST_DATABASE_URL;
  return url ? [embedded, server(url)] : [embedded];
}
