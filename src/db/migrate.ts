import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from './database.ts';

const migrationsDir = new URL('./migrations/', import.meta.url);

/** Any fixed number: every Jointly process migrating the same server waits on this one lock. */
const MIGRATION_LOCK = 4_105_917_003;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered SQL files in `migrations/`, in order: `001_foundation.sql`, `002_…`. */
export function migrationFiles(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(new URL(file, migrationsDir), 'utf8'),
    }));
}

/**
 * Brings the schema up to date in one transaction under an advisory lock, so that two processes
 * starting together against one server never run a migration twice. Returns the versions applied.
 * (Hand-written rather than a migration library because none runs the same files on both PGlite and pg.)
 */
export async function migrate(db: Database, migrations: Migration[] = migrationFiles()): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migration (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const applied = new Set(
      (await tx.query<{ version: number }>('select version from schema_migration')).map((r) => r.version),
    );
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migration (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}
