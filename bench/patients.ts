/**
 * Patient search with 100,000 patients: how long a search takes on the embedded database (PGlite) and on a
 * PostgreSQL server, for a consultant who sees every patient and a GP who sees their practice's.
 *
 *   npm run bench:patients
 *
 * For each kind of search (start of a family name, exact NHS number, date of birth) it prints p50, p99 and mean
 * in milliseconds at three depths: the search as the web page runs it (access condition and audit entry), the
 * store's query alone (with the access condition), and the plain indexed SELECT underneath (the yardstick).
 * It prints figures only; nothing here passes or fails.
 *
 * The server run uses BENCH_DATABASE_URL or DATABASE_URL (a new database is created there and dropped after);
 * without either, a throwaway server when Debian's PostgreSQL is installed. BENCH_PATIENTS and BENCH_QUERIES
 * change the number of patients (100,000) and of timed searches per kind (1,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Asker } from '../src/access/patient-access.ts';
import { visiblePatientCondition } from '../src/access/visibility.ts';
import { type Database, openEmbedded } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { loadDemoData } from '../src/demo/demo-data.ts';
import { seededRandom } from '../src/demo/random.rules.ts';
import { todayInUk } from '../src/kernel/dates.ts';
import { searchPatients } from '../src/patients/patient-lists.store.ts';
import { findPatients } from '../src/patients/patient-lists.ts';
import { parseSearchCriteria, SEARCH_LIMIT, type SearchCriteria } from '../src/patients/search.rules.ts';
import { findActiveUser } from '../src/people/people.store.ts';
import { serverDatabase } from './server-database.ts';
import { indent, ms, type Timings, table, timeCalls, wholeNumber } from './timing.ts';

const PATIENTS = wholeNumber('BENCH_PATIENTS', 100_000);
const QUERIES = wholeNumber('BENCH_QUERIES', 1000);
const WARM_UP = 50;

type SearchKind = 'family name start' | 'NHS number' | 'date of birth';

interface Search {
  kind: SearchKind;
  typed: Record<string, string>;
  criteria: SearchCriteria;
}

/** The plain SELECT each kind of search builds on, without the access condition, ordering or audit. */
const yardsticks: Record<SearchKind, { sql: string; param: (search: Search) => string }> = {
  'family name start': {
    sql: 'select id from patient where lower(family_name) like $1 limit 50',
    param: (s) => `${s.typed.name!.toLowerCase()}%`,
  },
  'NHS number': { sql: 'select id from patient where nhs_number = $1', param: (s) => s.typed.nhsNumber! },
  'date of birth': {
    sql: 'select id from patient where date_of_birth = $1::date limit 50',
    param: (s) => s.typed.dateOfBirth!,
  },
};

async function main(): Promise<void> {
  console.log(
    `Patient search: ${PATIENTS.toLocaleString('en-GB')} synthetic patients (plus the 5 named), ` +
      `${QUERIES.toLocaleString('en-GB')} timed searches of each kind after ${WARM_UP} untimed ones; times in ms.\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'jointly-bench-'));
  try {
    const embedded = await openEmbedded(join(dir, 'db'));
    await benchmark('Embedded database (PGlite, in a temporary folder)', embedded);
    await embedded.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const server = await serverDatabase();
  if (!server) {
    console.log(
      'PostgreSQL server: skipped. Set BENCH_DATABASE_URL=postgres://user@host:port/db (a new database is created ' +
        'there and dropped afterwards), or install Debian’s postgresql package for a throwaway server.',
    );
    return;
  }
  try {
    await benchmark(`PostgreSQL server (${server.source})`, server.db);
  } finally {
    await server.dispose();
  }
}

async function benchmark(title: string, db: Database): Promise<void> {
  await migrate(db);
  const [{ server_version: version } = { server_version: '?' }] = await db.query<{ server_version: string }>(
    'show server_version',
  );
  console.log(`${title}, PostgreSQL ${version}`);
  const started = performance.now();
  const loaded = await loadDemoData(db, { patients: PATIENTS });
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(loaded.patients / seconds).toLocaleString('en-GB');
  console.log(
    `  load: ${loaded.patients.toLocaleString('en-GB')} patients in ${seconds.toFixed(1)} s (${rate} patients/s)`,
  );
  await db.query('analyze');

  const searches = await realisticSearches(db);
  const rows: string[][] = [];
  const add = (depth: string, viewer: string, kind: SearchKind, t: Timings) =>
    rows.push([depth, viewer, kind, ms(t.p50), ms(t.p99), ms(t.mean), t.meanRows.toFixed(1)]);

  for (const [viewerName, email] of [
    ['consultant, SC001', 'consultant@demo.test'],
    ['GP, GP001', 'gp@demo.test'],
  ] as const) {
    const asker = await askerFor(db, email);
    const visible = visiblePatientCondition(asker.viewer, asker, 1);
    for (const [kind, { timed, warmUp }] of searches) {
      const page = await timeCalls(
        timed,
        warmUp,
        async (s) => (await findPatients(db, asker, s.criteria)).patients.length,
      );
      add('page search (with audit)', viewerName, kind, page);
      const store = await timeCalls(
        timed,
        warmUp,
        async (s) => (await searchPatients(db, visible, s.criteria, SEARCH_LIMIT + 1)).length,
      );
      add('store query', viewerName, kind, store);
    }
  }
  for (const [kind, { timed, warmUp }] of searches) {
    const yardstick = yardsticks[kind];
    const plain = await timeCalls(
      timed,
      warmUp,
      async (s) => (await db.query(yardstick.sql, [yardstick.param(s)])).length,
    );
    add('plain indexed SELECT', 'anyone', kind, plain);
  }
  console.log(`${indent(table(['depth', 'viewer', 'search', 'p50', 'p99', 'mean', 'rows'], rows, 3))}\n`);
}

/** Searches people really type: the start of a family name on record, and NHS numbers and dates of birth on record. */
async function realisticSearches(
  db: Database,
): Promise<Map<SearchKind, { timed: Search[]; warmUp: Search[] }>> {
  const random = seededRandom(42);
  const patients = await db.query<{ family_name: string; nhs_number: string; date_of_birth: string }>(
    'select family_name, nhs_number, date_of_birth from patient',
  );
  const typedBy: Record<SearchKind, () => Record<string, string>> = {
    'family name start': () => ({ name: random.pick(patients).family_name.slice(0, random.int(2, 4)) }),
    'NHS number': () => ({ nhsNumber: random.pick(patients).nhs_number }),
    'date of birth': () => ({ dateOfBirth: random.pick(patients).date_of_birth }),
  };
  const searches = new Map<SearchKind, { timed: Search[]; warmUp: Search[] }>();
  for (const kind of Object.keys(typedBy) as SearchKind[]) {
    const make = (count: number) =>
      Array.from({ length: count }, () => {
        const typed = typedBy[kind]();
        return { kind, typed, criteria: parseSearchCriteria(typed, { allowTestRange: true }) };
      });
    searches.set(kind, { warmUp: make(WARM_UP), timed: make(QUERIES) });
  }
  return searches;
}

async function askerFor(db: Database, email: string): Promise<Asker> {
  const [user] = await db.query<{ id: string }>('select id from app_user where email = $1', [email]);
  const viewer = user && (await findActiveUser(db, user.id));
  if (!viewer) throw new Error(`The demo account ${email} is missing`);
  const now = new Date();
  return { viewer, now, today: todayInUk(now) };
}

await main();
