/**
 * Laboratory results over HL7 v2 (MLLP): how many ORU^R01 messages a second Jointly takes in, and how long a
 * laboratory waits for each ACK, on the embedded database (PGlite) and on a PostgreSQL server.
 *
 *   npm run bench:hl7
 *
 * N messages, each a full blood count and liver function tests (7 results) for an existing child, are sent over
 * M connections at once to the MLLP listener started in this process on the database. Each message is parsed,
 * matched, judged against the child's protocols and committed before its ACK (AA) is sent. Beside it, the rate of a
 * plain batched INSERT of the same rows into lab_result on the same database (the physical limit to compare with).
 * It prints figures only; nothing here passes or fails.
 *
 * The server run uses BENCH_DATABASE_URL or DATABASE_URL (a new database is created there and dropped after);
 * without either, a throwaway server when Debian's PostgreSQL is installed. BENCH_HL7_MESSAGES (2,000),
 * BENCH_HL7_CONNECTIONS (4) and BENCH_PATIENTS (1,000) change the sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openEmbedded } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { loadDemoData } from '../src/demo/demo-data.ts';
import { seededRandom } from '../src/demo/random.rules.ts';
import { ackCode, fbc, lft, MllpClient, oruMessage } from '../src/interop/hl7/hl7.testing.ts';
import { startHl7Listener } from '../src/interop/hl7/mllp-listener.ts';
import { addDays, todayInUk } from '../src/kernel/dates.ts';
import { syncShippedProtocols } from '../src/protocols/protocols.store.ts';
import { serverDatabase } from './server-database.ts';
import { ms, table, wholeNumber } from './timing.ts';

const MESSAGES = wholeNumber('BENCH_HL7_MESSAGES', 2000);
const CONNECTIONS = wholeNumber('BENCH_HL7_CONNECTIONS', 4);
const PATIENTS = wholeNumber('BENCH_PATIENTS', 1000);
const RESULTS_PER_MESSAGE = fbc().results.length + lft().results.length;
const WARM_UP = 20;

async function main(): Promise<void> {
  console.log(
    `HL7 v2 over MLLP: ${MESSAGES.toLocaleString('en-GB')} ORU^R01 messages (FBC + LFT, ${RESULTS_PER_MESSAGE} results each) ` +
      `over ${CONNECTIONS} connections, for ${PATIENTS.toLocaleString('en-GB')} synthetic children, after ${WARM_UP} untimed ones.\n`,
  );
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'jointly-bench-hl7-'));
  try {
    const embedded = await openEmbedded(join(dir, 'db'));
    rows.push(...(await benchmark('PGlite (embedded)', embedded)));
    await embedded.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = await serverDatabase();
  if (server) {
    try {
      rows.push(...(await benchmark(`PostgreSQL (${server.source})`, server.db)));
    } finally {
      await server.dispose();
    }
  } else {
    console.log(
      'PostgreSQL server: skipped. Set DATABASE_URL or BENCH_DATABASE_URL=postgres://user@host:port/db (a new database ' +
        'is created there and dropped afterwards), or install Debian’s postgresql package for a throwaway server.\n',
    );
  }
  console.log(table(['database', 'path', 'messages/s', 'results/s', 'ACK p50 ms', 'ACK p99 ms'], rows, 2));
}

async function benchmark(name: string, db: Database): Promise<string[][]> {
  await migrate(db);
  await syncShippedProtocols(db, undefined, { approve: true });
  const started = performance.now();
  await loadDemoData(db, { patients: PATIENTS });
  console.log(
    `${name}: ${PATIENTS.toLocaleString('en-GB')} children loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const children = await db.query<{ nhs: string; born: string }>(
    "select nhs_number as nhs, replace(date_of_birth::text, '-', '') as born from patient",
  );
  const random = seededRandom(7);
  const runId = Date.now().toString(36);
  const specimen = addDays(todayInUk(), -1).replace(/-/g, '');
  const messages = Array.from({ length: MESSAGES + WARM_UP }, (_, i) => {
    const child = random.pick(children);
    const orders = [fbc(random.pick(['3.1', '2.4', '1.2', '5.6'])), lft()].map((o) => ({
      ...o,
      observedAt: specimen,
    }));
    return oruMessage({ controlId: `B${runId}-${i}`, nhsNumber: child.nhs, dateOfBirth: child.born, orders });
  });

  const listener = await startHl7Listener(db, {
    host: '127.0.0.1',
    port: 0,
    maxBytes: 1024 * 1024,
    allowTestRange: true,
  });
  try {
    await sendAll(listener.port, messages.slice(0, WARM_UP), 1);
    const t0 = performance.now();
    const latencies = await sendAll(listener.port, messages.slice(WARM_UP), CONNECTIONS);
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const [stored] = await db.query<{ n: number }>(
      "select count(*)::int as n from lab_result where source = 'hl7'",
    );
    if (stored!.n !== (MESSAGES + WARM_UP) * RESULTS_PER_MESSAGE) {
      throw new Error(`expected ${(MESSAGES + WARM_UP) * RESULTS_PER_MESSAGE} results, found ${stored!.n}`);
    }
    const yardstick = await plainInsert(db);
    return [
      [
        name,
        `MLLP → parse → results path → commit → ACK`,
        rate(MESSAGES / seconds),
        rate((MESSAGES * RESULTS_PER_MESSAGE) / seconds),
        ms(percentile(latencies, 0.5)),
        ms(percentile(latencies, 0.99)),
      ],
      [
        name,
        'plain batched INSERT of the same rows',
        rate(yardstick / RESULTS_PER_MESSAGE),
        rate(yardstick),
        '',
        '',
      ],
    ];
  } finally {
    await listener.close();
  }
}

/** Sends the messages over `connections` connections at once, each in order; the ACK latency of each. */
async function sendAll(port: number, messages: readonly string[], connections: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const client = await MllpClient.connect(port);
      for (let i = c; i < messages.length; i += connections) {
        const start = performance.now();
        const ack = await client.send(messages[i]!);
        latencies.push(performance.now() - start);
        if (ackCode(ack) !== 'AA') throw new Error(`message ${i} was not accepted: ${ack}`);
      }
      await client.close();
    }),
  );
  return latencies;
}

/** Rows a second for the same rows written as one batched unnest INSERT per 1,000, in one transaction each. */
async function plainInsert(db: Database): Promise<number> {
  const rows = await db.query<Record<string, unknown>>(
    `select patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high, range_source,
       specimen_date::text as specimen_date, outcome
     from lab_result where source = 'hl7' limit $1`,
    [MESSAGES * RESULTS_PER_MESSAGE],
  );
  const column = (name: string) => rows.map((r) => r[name]);
  const start = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = (name: string) => column(name).slice(i, i + 1000);
    await db.transaction((tx) =>
      tx.query(
        `insert into lab_result (patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high,
           range_source, specimen_date, outcome, source)
         select *, 'csv' from unnest($1::uuid[], $2::text[], $3::numeric[], $4::text[], $5::numeric[], $6::text[],
           $7::numeric[], $8::numeric[], $9::text[], $10::date[], $11::text[])`,
        [
          batch('patient_id'),
          batch('analyte'),
          batch('value'),
          batch('unit'),
          batch('reported_value'),
          batch('reported_unit'),
          batch('range_low'),
          batch('range_high'),
          batch('range_source'),
          batch('specimen_date'),
          batch('outcome'),
        ],
      ),
    );
  }
  return rows.length / ((performance.now() - start) / 1000);
}

function percentile(sorted: readonly number[], fraction: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN
  );
}

function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-GB');
}

await main();
