import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Database, openServer } from '../src/db/database.ts';

const throwawayScript = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'scripts',
  'throwaway-postgres.sh',
);

/** A fresh, empty database on a PostgreSQL server, and how to get rid of it (and of the server, if ours). */
export interface ServerDatabase {
  db: Database;
  /** Where it came from, for the report ("BENCH_DATABASE_URL", "a throwaway server"). */
  source: string;
  dispose(): Promise<void>;
}

/**
 * A new database on the server named by BENCH_DATABASE_URL (or DATABASE_URL); failing that, on a throwaway
 * server started with scripts/throwaway-postgres.sh when Debian's PostgreSQL is installed; otherwise undefined.
 */
export async function serverDatabase(): Promise<ServerDatabase | undefined> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given) {
    const source = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'DATABASE_URL';
    return freshDatabase(given, source, async () => {});
  }
  if (!debianPostgresInstalled()) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'jointly-bench-pg-'));
  const stopServer = async () => {
    execFileSync('bash', [throwawayScript, 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = execFileSync('bash', [throwawayScript, 'start', dir, String(await freePort())], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    return await freshDatabase(url, 'throwaway, scripts/throwaway-postgres.sh', stopServer);
  } catch (error) {
    await stopServer();
    throw error;
  }
}

function debianPostgresInstalled(): boolean {
  if (!existsSync('/usr/lib/postgresql')) return false;
  return readdirSync('/usr/lib/postgresql').some((version) =>
    existsSync(`/usr/lib/postgresql/${version}/bin/initdb`),
  );
}

async function freshDatabase(
  adminUrl: string,
  source: string,
  afterDrop: () => Promise<void>,
): Promise<ServerDatabase> {
  const name = `jointly_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openServer(url.toString());
  return {
    db,
    source,
    async dispose() {
      await db.close();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
      await afterDrop();
    },
  };
}

async function withAdmin(url: string, work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
