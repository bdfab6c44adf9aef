/**
 * FHIR Observation search by patient, with 100,000 patients and 10 million observations: requests per second
 * and latency under autocannon on loopback, beside the plain indexed SELECT of the same rows (the yardstick).
 *
 *   npm run bench:fhir
 *
 * Runs on a PostgreSQL server: BENCH_DATABASE_URL or DATABASE_URL (a new database is made there and dropped
 * after), or else a throwaway server when Debian's PostgreSQL is installed. With BENCH_FHIR_EMBEDDED=1 it runs
 * on the embedded database (PGlite) instead, where 10 million rows take too long and too much memory to load:
 * there the defaults are 10,000 patients and 1,000,000 observations, and the report says so.
 *
 * The data is generated set-based in SQL (generate_series); the indexes on lab_result other than its key are
 * dropped for the load and built again after, as one would for a bulk load. Each timed FHIR request does what
 * a client's does: the bearer token is checked, the access rule decides (the client is the specialist centre,
 * in every child's care team), the read is audited, the page of 50 is read with the total, and the Bundle is
 * built and serialised. Prints figures only; nothing here passes or fails.
 *
 * BENCH_FHIR_PATIENTS, BENCH_FHIR_PER_PATIENT (observations per patient), BENCH_SECONDS (per autocannon run,
 * 15) and BENCH_CONNECTIONS (20) change the sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { type Database, openEmbedded } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { commandLine, createApiClient, issueToken } from '../src/interop/fhir/api-clients.ts';
import { observationPage } from '../src/interop/fhir/fhir.store.ts';
import { buildApp } from '../src/server/app.ts';
import { serverDatabase } from './server-database.ts';
import { indent, ms, table, timeCalls, wholeNumber } from './timing.ts';

const EMBEDDED = process.env.BENCH_FHIR_EMBEDDED === '1';
const PATIENTS = wholeNumber('BENCH_FHIR_PATIENTS', EMBEDDED ? 10_000 : 100_000);
const PER_PATIENT = wholeNumber('BENCH_FHIR_PER_PATIENT', 100);
const SECONDS = wholeNumber('BENCH_SECONDS', 15);
const CONNECTIONS = wholeNumber('BENCH_CONNECTIONS', 20);
const QUERIES = 2000;
const PAGE = 50;

async function main(): Promise<void> {
  const observations = PATIENTS * PER_PATIENT;
  console.log(
    `FHIR Observation search by patient: ${n(PATIENTS)} patients, ${n(observations)} observations ` +
      `(${PER_PATIENT} each), pages of ${PAGE}; autocannon ${CONNECTIONS} connections for ${SECONDS} s on 127.0.0.1.`,
  );
  if (EMBEDDED) {
    const dir = mkdtempSync(join(tmpdir(), 'jointly-bench-fhir-'));
    console.log(
      'Embedded database (PGlite, in a temporary folder). NOTE: smaller than the 100,000 × 100 of the brief ' +
        'unless BENCH_FHIR_PATIENTS/BENCH_FHIR_PER_PATIENT say otherwise.\n',
    );
    try {
      const db = await openEmbedded(join(dir, 'db'));
      await benchmark(db);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const server = await serverDatabase();
  if (!server) {
    console.log(
      'No PostgreSQL server: set BENCH_DATABASE_URL, install Debian’s postgresql package, or run with ' +
        'BENCH_FHIR_EMBEDDED=1 for the embedded database (smaller).',
    );
    return;
  }
  console.log(`PostgreSQL server (${server.source}).\n`);
  try {
    await benchmark(server.db);
  } finally {
    await server.dispose();
  }
}

async function benchmark(db: Database): Promise<void> {
  await migrate(db);
  const [{ server_version: version } = { server_version: '?' }] = await db.query<{ server_version: string }>(
    'show server_version',
  );
  console.log(`PostgreSQL ${version}`);
  await generate(db);

  const patientIds = (
    await db.query<{ id: string }>('select id from patient order by md5(id::text) limit 1000')
  ).map((r) => r.id);
  const plainSql = `select * from lab_result where patient_id = $1 order by specimen_date desc, id desc limit ${PAGE + 1}`;
  const explain = await db.query<{ 'QUERY PLAN': string }>(`explain ${plainSql}`, [patientIds[0]]);
  console.log(`  plan of the page query: ${explain.map((r) => r['QUERY PLAN'].trim()).join(' / ')}`);

  const rows: string[][] = [];
  const cycle = <T>(items: readonly T[]) => {
    let i = 0;
    return () => items[i++ % items.length]!;
  };

  // The yardstick and the store's query, one at a time.
  const timedIds = Array.from({ length: QUERIES }, cycle(patientIds));
  const plain = await timeCalls(
    timedIds,
    patientIds.slice(0, 50),
    async (id) => (await db.query(plainSql, [id])).length,
  );
  rows.push([
    'plain indexed SELECT, one at a time',
    '',
    ms(plain.p50),
    ms(plain.p99),
    plain.meanRows.toFixed(0),
  ]);
  const store = await timeCalls(
    timedIds,
    patientIds.slice(0, 50),
    async (id) =>
      (await observationPage(db, { patientId: id }, { after: undefined, ascending: false, limit: PAGE + 1 }))
        .length,
  );
  rows.push([
    'store query (FHIR columns), one at a time',
    '',
    ms(store.p50),
    ms(store.p99),
    store.meanRows.toFixed(0),
  ]);
  const withoutIndex = await timeWithoutDateIndex(db, patientIds);
  rows.push([
    'store query without lab_result_patient_date',
    '',
    ms(withoutIndex.p50),
    ms(withoutIndex.p99),
    withoutIndex.meanRows.toFixed(0),
  ]);
  const concurrent = await plainRate(db, plainSql, cycle(patientIds));
  rows.push([`plain indexed SELECT, ${CONNECTIONS} at once`, n(Math.round(concurrent)), '', '', '']);

  // The API itself, over HTTP on loopback.
  const config = loadConfig({ JOINTLY_LOG_LEVEL: 'silent', JOINTLY_DEMO: 'false' });
  const app = await buildApp({ db, config, clock: () => new Date() });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { client, secret } = await createApiClient(
      db,
      { name: 'Benchmark', organisationCode: 'BSC01' },
      commandLine,
      new Date(),
    );
    const { access_token: token } = await issueToken(
      db,
      { clientId: client.id, clientSecret: secret },
      new Date(),
    );
    const { port } = app.server.address() as AddressInfo;
    for (const [label, extra] of [
      ['FHIR Observation?patient=… (with total)', ''],
      ['FHIR Observation?patient=…&_total=none', '&_total=none'],
      ['FHIR Observation?patient=…&date=ge…', '&date=ge2024-01-01&_total=none'],
    ] as const) {
      const next = cycle(patientIds);
      const result = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              path: `/fhir/R4/Observation?patient=${next()}&_count=${PAGE}${extra}`,
            }),
          },
        ],
      });
      const failed = result.non2xx + result.errors + result.timeouts;
      rows.push([
        label + (failed ? ` (${n(failed)} failed)` : ''),
        n(Math.round(result.requests.average)),
        ms(result.latency.p50),
        ms(result.latency.p99),
        extra.includes('date') ? '' : String(Math.min(PAGE, PER_PATIENT)),
      ]);
    }
  } finally {
    await app.close();
  }
  const [{ n: audited } = { n: 0 }] = await db.query<{ n: number }>(
    "select count(*)::int as n from audit_event where action = 'FHIR search Observation'",
  );
  console.log(`\n${indent(table(['what', 'requests/s', 'p50 ms', 'p99 ms', 'rows'], rows, 1))}`);
  console.log(
    `\n  ${n(audited)} FHIR searches were audited (one audit entry each, appended under one lock).\n`,
  );
}

/** Patients, their care team (one specialist centre, so the client may see everyone) and their results. */
async function generate(db: Database): Promise<void> {
  const started = performance.now();
  await db.query(
    "insert into organisation (code, name, kind) values ('BSC01', 'Benchmark Children’s Rheumatology', 'specialist_centre')",
  );
  await db.query(
    `insert into patient (nhs_number, given_name, family_name, date_of_birth, sex)
     select lpad((8000000000 + i)::text, 10, '0'), 'Child', 'Bench' || i, date '2010-01-01' + (i % 5000), 'female'
     from generate_series(1, $1::int) i`,
    [PATIENTS],
  );
  await db.query(
    `insert into care_team_member (patient_id, organisation_id, role, start_date)
     select p.id, o.id, 'specialist_team', date '2020-01-01' from patient p, organisation o where o.code = 'BSC01'`,
  );
  const lap = seconds(started);

  // Build the secondary indexes once after the load rather than row by row during it.
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    "select indexname, indexdef from pg_indexes where tablename = 'lab_result' and indexname <> 'lab_result_pkey'",
  );
  for (const i of indexes) await db.query(`drop index ${i.indexname}`);
  const loadStarted = performance.now();
  const batch = 10_000;
  for (let from = 1; from <= PATIENTS; from += batch) {
    await db.query(
      `insert into lab_result (patient_id, analyte, value, unit, reported_value, reported_unit, specimen_date,
         outcome, source)
       select p.id, (array['haemoglobin','neutrophils','platelets','alt','creatinine'])[1 + g % 5],
         v.value, v.unit, v.value, v.unit, date '2026-11-20' - g * 7, 'normal', 'form'
       from (select id from patient where nhs_number between lpad((8000000000 + $1::int)::text, 10, '0')
               and lpad((8000000000 + $2::int)::text, 10, '0')) p
       cross join generate_series(0, $3::int - 1) g
       cross join lateral (select (array[125, 3.1, 250, 22, 45])[1 + g % 5] + (g % 7) as value,
         (array['g/L', '×10⁹/L', '×10⁹/L', 'U/L', 'µmol/L'])[1 + g % 5] as unit) v`,
      [from, Math.min(from + batch - 1, PATIENTS), PER_PATIENT],
    );
    process.stdout.write(
      `\r  loading observations: ${n(Math.min(from + batch - 1, PATIENTS) * PER_PATIENT)}`,
    );
  }
  const load = seconds(loadStarted);
  const indexStarted = performance.now();
  for (const i of indexes) await db.query(i.indexdef);
  await db.query('analyze');
  console.log(
    `\r  generated ${n(PATIENTS)} patients in ${lap} s; ${n(PATIENTS * PER_PATIENT)} observations in ${load} s; ` +
      `${indexes.length} indexes built again and analysed in ${seconds(indexStarted)} s`,
  );
}

/** The store's query with the (patient_id, specimen_date, id) index dropped (in a transaction rolled back). */
async function timeWithoutDateIndex(db: Database, patientIds: readonly string[]) {
  let timings: Awaited<ReturnType<typeof timeCalls>> | undefined;
  await db
    .transaction(async (tx) => {
      await tx.query('drop index lab_result_patient_date');
      const ids = patientIds.slice(0, 500);
      timings = await timeCalls(
        ids,
        ids.slice(0, 20),
        async (id) =>
          (
            await observationPage(
              tx,
              { patientId: id },
              { after: undefined, ascending: false, limit: PAGE + 1 },
            )
          ).length,
      );
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return timings!;
}

/** The plain SELECT from CONNECTIONS callers at once for a few seconds: rows pages per second. */
async function plainRate(db: Database, sql: string, next: () => string): Promise<number> {
  const until = performance.now() + 5000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        await db.query(sql, [next()]);
        done += 1;
      }
    }),
  );
  return done / 5;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function n(value: number): string {
  return value.toLocaleString('en-GB');
}

await main();
