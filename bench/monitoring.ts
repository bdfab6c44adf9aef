/**
 * Blood monitoring at scale: the monitoring sweep over every course, and judging and storing blood results, on the
 * embedded database (PGlite) and on a PostgreSQL server.
 *
 *   npm run bench:monitoring
 *
 * 1. The status sweep (`sweepMonitoring`: statuses, the overdue ladder, escalation of red results) over N courses
 *    of methotrexate whose next tests fall due over the 60 days either side of today, for children of 500 GP
 *    practices and 20 specialist centres, six in ten with a parent's account. Timed: the first sweep after loading
 *    (every step already reached is taken at once: the worst case, with tasks and e-mails by the hundred thousand),
 *    a second sweep the same day (nothing new to do: what the hourly run costs) and the next day's sweep (the
 *    daily share of new steps). Courses per second and the sweep's own counts, beside the plain statements it
 *    builds on: a count of the courses due within a week, and one UPDATE of their status (rolled back).
 * 2. Results: `judgeResult` in-process over generated FBC, LFT and U&E results against the methotrexate
 *    thresholds, each with earlier values (baselines, falls), results per second; then `storeResults` end to end
 *    (units, ranges, thresholds, alerts, tasks, the schedule moved on), one FBC+LFT+U&E set per child and
 *    transaction, beside the plain batched INSERT of the same rows into lab_result.
 * It prints figures only; nothing here passes or fails.
 *
 * BENCH_COURSES (100,000 on PGlite, 1,000,000 on the server), BENCH_JUDGEMENTS (1,000,000) and BENCH_RESULT_SETS
 * (1,000 children, 17 results each) change the sizes. The server run uses BENCH_DATABASE_URL or DATABASE_URL (a
 * new database is created there and dropped after); without either, a throwaway server when Debian's PostgreSQL
 * is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openEmbedded, type Queryable } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { type Random, seededRandom } from '../src/demo/random.rules.ts';
import { addDays, type PlainDate, todayInUk } from '../src/kernel/dates.ts';
import { ladderFrom } from '../src/monitoring/schedule.rules.ts';
import { type SweepReport, sweepMonitoring } from '../src/monitoring/sweep.ts';
import type { Analyte } from '../src/protocols/protocol.schema.ts';
import { syncShippedProtocols } from '../src/protocols/protocols.store.ts';
import { shippedProtocol } from '../src/protocols/shipped.ts';
import { panelAnalytes } from '../src/results/panels.ts';
import { storeResults } from '../src/results/record-results.ts';
import {
  type EarlierResult,
  judgeResult,
  type ResultOutcome,
  type ResultToJudge,
  type ThresholdSet,
} from '../src/results/thresholds.rules.ts';
import { canonicalUnit, impossibleValue } from '../src/results/units.rules.ts';
import { serverDatabase } from './server-database.ts';
import { indent, ms, optionalWholeNumber, table, timeCalls } from './timing.ts';

const COURSES = optionalWholeNumber('BENCH_COURSES');
const JUDGEMENTS = optionalWholeNumber('BENCH_JUDGEMENTS') ?? 1_000_000;
const RESULT_SETS = optionalWholeNumber('BENCH_RESULT_SETS') ?? 1000;
const PRACTICES = 500;
const CENTRES = 20;
/** Earlier sets on record for each child whose results are stored, four weeks apart. */
const EARLIER_SETS = 3;

const PROTOCOL_ID = 'methotrexate-oral-jia';
const protocol = shippedProtocol(PROTOCOL_ID);
if (!protocol) throw new Error(`The shipped protocol ${PROTOCOL_ID} is missing`);
const thresholdSets: ThresholdSet[] = [
  {
    protocolId: protocol.id,
    protocolVersion: protocol.version,
    medicine: 'methotrexate',
    thresholds: protocol.thresholds,
  },
];
const monitoredAnalytes: Analyte[] = [...panelAnalytes.FBC, ...panelAnalytes.LFT, ...panelAnalytes['U&E']];

async function main(): Promise<void> {
  const today = todayInUk(new Date());
  console.log(`Blood monitoring, today ${today}; times in ms unless said otherwise.\n`);
  judgingInProcess(today);

  const dir = mkdtempSync(join(tmpdir(), 'jointly-bench-'));
  try {
    const embedded = await openEmbedded(join(dir, 'db'));
    await benchmark('Embedded database (PGlite, in a temporary folder)', embedded, COURSES ?? 100_000, today);
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
    await benchmark(`PostgreSQL server (${server.source})`, server.db, COURSES ?? 1_000_000, today);
  } finally {
    await server.dispose();
  }
}

async function benchmark(title: string, db: Database, courses: number, today: PlainDate): Promise<void> {
  await migrate(db);
  const [{ server_version: version } = { server_version: '?' }] = await db.query<{ server_version: string }>(
    'show server_version',
  );
  console.log(`${title}, PostgreSQL ${version}`);
  await syncShippedProtocols(db);
  let started = performance.now();
  await loadCourses(db, courses, today);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  load: ${count(courses)} children with a course of methotrexate (patients, care teams, agreements, orders, ` +
      `parents, courses, red results waiting) in ${seconds.toFixed(1)} s`,
  );
  started = performance.now();
  await db.query('analyze');
  console.log(`  analyze: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  await statusSweeps(db, courses, today);
  await storingResults(db, Math.min(RESULT_SETS, courses), today);
}

// ——— 1. The status sweep ———

async function statusSweeps(db: Database, courses: number, today: PlainDate): Promise<void> {
  // Noon (UTC) keeps "today" the same in the UK all year, and puts the red results' respond-by times on one side.
  const noon = new Date(`${today}T12:00:00Z`);
  const nextDay = new Date(noon.getTime() + 24 * 60 * 60 * 1000);
  const rows: string[][] = [];
  for (const [name, now] of [
    ['first (after loading)', noon],
    ['second, same day', noon],
    ['next day', nextDay],
  ] as const) {
    const before = await outcomes(db);
    const start = performance.now();
    const report = await sweepMonitoring(db, now);
    const elapsed = performance.now() - start;
    const after = await outcomes(db);
    rows.push(
      sweepRow(name, elapsed, courses, report, after.tasks - before.tasks, after.emails - before.emails),
    );
  }
  console.log(`  Status sweep over ${count(courses)} courses (one transaction each)`);
  console.log(
    indent(
      table(
        [
          'sweep',
          'seconds',
          'courses/s',
          'statuses',
          'family reminders',
          'practice tasks',
          'team alerts',
          'withhold advice',
          'red escalated',
          'tasks opened',
          'e-mails queued',
        ],
        rows,
        1,
      ),
      4,
    ),
  );

  const dueWithinWeek = addDays(today, 7);
  const counted = await timeCalls([1, 2, 3, 4, 5], [0], async () => {
    const [row] = await db.query<{ n: number }>(
      'select count(*)::int as n from monitoring_course where next_due_on <= $1::date',
      [dueWithinWeek],
    );
    return row?.n ?? 0;
  });
  const updated = await timeCalls([1, 2, 3], [0], () =>
    rolledBack(db, (tx) =>
      tx.query(
        `update monitoring_course set status = 'due', status_on = $2 where next_due_on <= $1::date returning id`,
        [dueWithinWeek, today],
      ),
    ),
  );
  console.log('\n    The plain statements underneath, on the same courses (median of 5 and of 3 runs)');
  console.log(
    indent(
      table(
        ['statement', 'ms', 'rows', 'courses/s'],
        [
          [
            'select count(*) … where next_due_on <= today + 7',
            ms(counted.p50),
            count(counted.meanRows),
            perSecond(courses, counted.p50),
          ],
          [
            'update … set status where next_due_on <= today + 7 (rolled back)',
            ms(updated.p50),
            count(updated.meanRows),
            perSecond(courses, updated.p50),
          ],
        ],
        1,
      ),
      4,
    ),
  );
  console.log('');
}

function sweepRow(
  name: string,
  elapsedMs: number,
  courses: number,
  r: SweepReport,
  tasks: number,
  emails: number,
): string[] {
  return [
    name,
    (elapsedMs / 1000).toFixed(2),
    perSecond(courses, elapsedMs),
    count(r.statusesChanged),
    count(r.familyReminders),
    count(r.practiceTasks),
    count(r.teamAlerts),
    count(r.withholdAdvice),
    count(r.redResultsEscalated),
    count(tasks),
    count(emails),
  ];
}

async function outcomes(db: Database): Promise<{ tasks: number; emails: number }> {
  const [row] = await db.query<{ tasks: number; emails: number }>(
    'select (select count(*) from task)::int as tasks, (select count(*) from email_outbox)::int as emails',
  );
  return row ?? { tasks: 0, emails: 0 };
}

class RollBack extends Error {}

/** Runs `work` in a transaction that is then rolled back; returns the number of rows it gave. */
async function rolledBack(db: Database, work: (tx: Queryable) => Promise<unknown[]>): Promise<number> {
  let rows = 0;
  try {
    await db.transaction(async (tx) => {
      rows = (await work(tx)).length;
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return rows;
}

/**
 * One child per course, all made by set-based statements: 20 specialist centres and 500 GP practices (one in five
 * without a shared inbox, so its GPs are e-mailed), consultants and GPs; per child a patient, the care team, for
 * seven in ten an active shared care agreement (tests at the GP surgery, else at the hospital), the methotrexate
 * order, a parent's account for six in ten, a young person's own for one in twenty; a course whose next tests are
 * due between 60 days ago and 60 days ahead, with no ladder step taken yet; and for one child in 200 a red
 * neutrophil count waiting for a decision, a third of them due to escalate the next day.
 */
async function loadCourses(db: Database, courses: number, today: PlainDate): Promise<void> {
  const [version] = await db.query<{ id: string }>(
    "select id from protocol_version where protocol_id = $1 and version = $2 and origin = 'shipped'",
    [PROTOCOL_ID, protocol!.version],
  );
  if (!version) throw new Error(`The shipped protocol ${PROTOCOL_ID} was not stored`);
  const ladder = ladderFrom(protocol!.monitoring);
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into organisation (code, name, kind, email)
       select 'BSC' || lpad(g::text, 3, '0'), 'Children’s rheumatology centre ' || g, 'specialist_centre',
         'team' || g || '@centre.bench.invalid'
       from generate_series(1, $1::int) g
       union all
       select 'BGP' || lpad(g::text, 4, '0'), 'Practice ' || g, 'gp_practice',
         case when g % 5 <> 0 then 'practice' || g || '@practice.bench.invalid' end
       from generate_series(1, $2::int) g`,
      [CENTRES, PRACTICES],
    );
    await tx.query(
      `create temp table bench_org on commit drop as
       select id, kind, code, substr(code, 4)::int - 1 as n from organisation where code ~ '^B(SC|GP)[0-9]+$'`,
    );
    await tx.query(
      `insert into app_user (email, display_name, password_hash)
       select lower(o.code) || '.' || s || '@staff.bench.invalid', 'Staff member ' || s || ' of ' || o.code,
         'no sign-in (benchmark)'
       from bench_org o cross join generate_series(1, 3) s
       where o.kind = 'specialist_centre' or s <= 2`,
    );
    await tx.query(
      `insert into membership (user_id, organisation_id, role)
       select u.id, o.id, case when o.kind = 'specialist_centre' then 'consultant' else 'gp' end
       from bench_org o join app_user u on split_part(u.email, '.', 1) = lower(o.code)
       where u.email like '%@staff.bench.invalid'`,
    );
    await tx.query(
      `create temp table bench_child on commit drop as
       select g, gen_random_uuid() as id, gp.id as practice_id, sc.id as centre_id,
         g % 10 < 7 as shared,
         case when g % 10 < 7 then gen_random_uuid() end as agreement_id,
         case when g % 10 < 6 then gen_random_uuid() end as parent_id,
         case when g % 20 = 19 then gen_random_uuid() end as own_account_id,
         $2::date - 730 - (g * 53) % 5400 as date_of_birth,
         $2::date - 200 - g % 400 as started_on,
         $2::date - 60 + (g * 37) % 121 as next_due_on
       from generate_series(1, $1::int) g
       join bench_org gp on gp.kind = 'gp_practice' and gp.n = g % $3::int
       join bench_org sc on sc.kind = 'specialist_centre' and sc.n = g % $4::int`,
      [courses, today, PRACTICES, CENTRES],
    );
    await tx.query(
      `insert into app_user (id, email, display_name, password_hash)
       select parent_id, 'parent' || g || '@family.bench.invalid', 'Parent ' || g, 'no sign-in (benchmark)'
       from bench_child where parent_id is not null
       union all
       select own_account_id, 'young' || g || '@family.bench.invalid', 'Young person ' || g,
         'no sign-in (benchmark)'
       from bench_child where own_account_id is not null`,
    );
    await tx.query(
      `insert into membership (user_id, organisation_id, role)
       select parent_id, null::uuid, 'parent_carer' from bench_child where parent_id is not null
       union all
       select own_account_id, null, 'young_person' from bench_child where own_account_id is not null`,
    );
    await tx.query(
      `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, sex, registered_practice_id,
         user_id)
       select id, '9' || lpad(g::text, 9, '0'),
         (array['Amelia', 'Noah', 'Isla', 'Oliver', 'Ava', 'Arlo', 'Freya', 'Leo', 'Ivy', 'Theo', 'Mia', 'Zain'])
           [1 + g % 12],
         (array['Hart', 'Okafor', 'Patel', 'Jones', 'Nowak', 'Evans', 'Khan', 'Murphy', 'Taylor', 'Chen',
           'Williams', 'Singh', 'Brown', 'Ali', 'Wilson', 'Davies'])[1 + (g / 12) % 16],
         date_of_birth, case when g % 2 = 0 then 'female' else 'male' end, practice_id, own_account_id
       from bench_child`,
    );
    await tx.query(
      `insert into care_team_member (patient_id, organisation_id, role, start_date)
       select id, centre_id, 'specialist_team', started_on - 30 from bench_child
       union all
       select id, practice_id, 'gp_practice', started_on - 30 from bench_child`,
    );
    await tx.query(
      `insert into patient_carer (patient_id, user_id, relationship)
       select id, parent_id, 'parent' from bench_child where parent_id is not null`,
    );
    const [creator] = await tx.query<{ id: string }>(
      "select id from app_user where email = 'bsc001.1@staff.bench.invalid'",
    );
    await tx.query(
      `insert into agreement (id, patient_id, protocol_version_id, specialist_organisation_id, gp_practice_id, state,
         requested_on, response_due_on, transfer_date, consented, created_by, blood_tests_at)
       select agreement_id, id, $1, centre_id, practice_id, 'active', started_on + 60, started_on + 74,
         started_on + 90, true, $2, 'gp-surgery'
       from bench_child where shared`,
      [version.id, creator!.id],
    );
    await tx.query(
      `insert into medication_order (patient_id, agreement_id, protocol_version_id, medicine, form, route,
         strength_mg, dose_mg, frequency, day_of_week, start_date, calculation, created_by)
       select id, agreement_id, $1, 'methotrexate', 'tablet', 'oral', 2.5, 10, 'once-weekly', 'Monday', started_on,
         '{}'::jsonb, $2
       from bench_child`,
      [version.id, creator!.id],
    );
    await tx.query(
      `insert into monitoring_course (patient_id, medicine, protocol_version_id, agreement_id,
         specialist_organisation_id, responsible_organisation_id, place, started_on, next_due_on, next_due_panels,
         last_tested_on, reminder_days_before, practice_task_days_after, team_alert_days_after,
         withhold_advice_days_after, status, status_on)
       select id, 'methotrexate', $1, agreement_id, centre_id,
         case when shared then practice_id else centre_id end, case when shared then 'gp-surgery' else 'hospital' end,
         started_on, next_due_on, '{FBC,LFT,U&E}', next_due_on - 84, $3, $4, $5, $6, 'up-to-date', $2::date - 1
       from bench_child`,
      [
        version.id,
        today,
        ladder.reminderDaysBefore,
        ladder.practiceTaskDaysAfter,
        ladder.teamAlertDaysAfter,
        ladder.withholdAdviceDaysAfter,
      ],
    );
    // Respond-by at 17:00 the day after the blood was taken: before the first sweep's noon for two thirds.
    await tx.query(
      `with red as (
         insert into lab_result (patient_id, analyte, value, unit, reported_value, reported_unit, specimen_date,
           outcome, source, entered_via)
         select id, 'neutrophils', 1.1, '×10⁹/L', 1.1, '10^9/L', $1::date - 1 - g % 3, 'red', 'api',
           'bench laboratory'
         from bench_child where g % 200 = 7
         returning id, patient_id, specimen_date
       )
       insert into result_alert (result_id, patient_id, outcome, specialist_organisation_id,
         responsible_organisation_id, respond_by)
       select red.id, red.patient_id, 'red', c.centre_id, case when c.shared then c.practice_id else c.centre_id end,
         ((red.specimen_date + 1) + time '17:00') at time zone 'UTC'
       from red join bench_child c on c.id = red.patient_id`,
      [today],
    );
  });
}

// ——— 2. Judging and storing results ———

interface AnalyteModel {
  mean: number;
  sd: number;
  low: number | null;
  high: number | null;
  decimals: number;
  /** How the laboratories in the data set write the unit (converted to the canonical one on the way in). */
  labUnit?: string;
}

/** Children's values, roughly: a child's own level varies little from test to test. */
const models: Partial<Record<Analyte, AnalyteModel>> = {
  haemoglobin: { mean: 125, sd: 10, low: 110, high: 150, decimals: 0 },
  white_cell_count: { mean: 7.5, sd: 1.8, low: 4.5, high: 13.5, decimals: 1, labUnit: '10^9/L' },
  neutrophils: { mean: 3.8, sd: 1.2, low: 1.5, high: 8, decimals: 1, labUnit: '10^9/L' },
  lymphocytes: { mean: 2.6, sd: 0.8, low: 1.5, high: 6.5, decimals: 1, labUnit: '10^9/L' },
  platelets: { mean: 300, sd: 60, low: 150, high: 450, decimals: 0, labUnit: '10^9/L' },
  eosinophils: { mean: 0.25, sd: 0.1, low: 0, high: 0.5, decimals: 2, labUnit: '10^9/L' },
  mcv: { mean: 84, sd: 4, low: 75, high: 95, decimals: 0 },
  alt: { mean: 20, sd: 7, low: 5, high: 40, decimals: 0 },
  ast: { mean: 27, sd: 7, low: 10, high: 45, decimals: 0 },
  alkaline_phosphatase: { mean: 220, sd: 60, low: 100, high: 400, decimals: 0 },
  albumin: { mean: 42, sd: 3, low: 35, high: 50, decimals: 0 },
  bilirubin: { mean: 7, sd: 3, low: 0, high: 21, decimals: 0, labUnit: 'umol/L' },
  creatinine: { mean: 45, sd: 12, low: 25, high: 70, decimals: 0, labUnit: 'umol/L' },
  egfr: { mean: 115, sd: 15, low: 90, high: null, decimals: 0 },
  urea: { mean: 4.5, sd: 1, low: 2.5, high: 7, decimals: 1 },
  potassium: { mean: 4.3, sd: 0.3, low: 3.5, high: 5, decimals: 1 },
  sodium: { mean: 139, sd: 2, low: 135, high: 145, decimals: 0 },
};

function modelOf(analyte: Analyte): AnalyteModel {
  const model = models[analyte];
  if (!model) throw new Error(`No model for ${analyte}`);
  return model;
}

interface GeneratedResult {
  analyte: Analyte;
  value: number;
  range: { low: number | null; high: number | null } | null;
  earlier: EarlierResult[];
}

/**
 * One child's FBC, LFT and U&E on `specimenDate`, with `earlierSets` sets four weeks apart before it. Mostly
 * steady; one child in 30 has results far from their usual level; one in ten counts falling at every test; one in
 * five a set without the laboratory's ranges (the paediatric table's are used).
 */
function childResults(random: Random, specimenDate: PlainDate, earlierSets: number): GeneratedResult[] {
  const unwell = random.chance(1 / 30);
  const falling = random.chance(0.1);
  const withRange = !random.chance(0.2);
  return monitoredAnalytes.map((analyte) => {
    const m = modelOf(analyte);
    const round = (v: number) => Number(Math.max(10 ** -m.decimals, v).toFixed(m.decimals));
    const level = Math.max(m.mean / 4, random.normal(m.mean, m.sd));
    const usual = round(level * random.normal(1, 0.05));
    const away = round(level + random.normal(0, 4 * m.sd));
    // Far from usual, but never a value the unit checks would refuse as impossible.
    const value = unwell && random.chance(0.3) && !impossibleValue(analyte, away) ? away : usual;
    const earlier = Array.from({ length: earlierSets }, (_, i) => ({
      value: round(falling ? value * (1 + 0.08 * (i + 1)) : level * random.normal(1, 0.05)),
      specimenDate: addDays(specimenDate, -28 * (i + 1)),
    }));
    return { analyte, value, range: withRange ? { low: m.low, high: m.high } : null, earlier };
  });
}

function judgingInProcess(today: PlainDate): void {
  const random = seededRandom(7);
  const pool: { result: ResultToJudge; earlier: EarlierResult[] }[] = [];
  // A pool of distinct children (about 100,000 results), judged over and over to make up the number.
  while (pool.length < Math.min(JUDGEMENTS, 100_000)) {
    const specimenDate = addDays(today, -random.int(0, 30));
    for (const r of childResults(random, specimenDate, random.int(0, 6))) {
      pool.push({
        result: { analyte: r.analyte, value: r.value, specimenDate, range: r.range },
        earlier: r.earlier,
      });
    }
  }
  for (const c of pool.slice(0, 10_000)) judgeResult(c.result, c.earlier, thresholdSets);
  const tally: Record<ResultOutcome, number> = { normal: 0, 'outside-range': 0, amber: 0, red: 0 };
  const start = performance.now();
  for (let i = 0; i < JUDGEMENTS; i++) {
    const c = pool[i % pool.length]!;
    tally[judgeResult(c.result, c.earlier, thresholdSets).outcome]++;
  }
  const elapsed = performance.now() - start;
  const share = (n: number) => `${((100 * n) / JUDGEMENTS).toFixed(1)}%`;
  console.log(
    `judgeResult in-process: ${count(JUDGEMENTS)} FBC, LFT and U&E results (${count(pool.length)} distinct, 0–6 ` +
      'earlier values each) against the methotrexate thresholds',
  );
  console.log(
    indent(
      table(
        ['seconds', 'results/s', 'µs each', 'normal', 'outside range', 'amber', 'red'],
        [
          [
            (elapsed / 1000).toFixed(2),
            perSecond(JUDGEMENTS, elapsed),
            ((1000 * elapsed) / JUDGEMENTS).toFixed(2),
            share(tally.normal),
            share(tally['outside-range']),
            share(tally.amber),
            share(tally.red),
          ],
        ],
        0,
      ),
      2,
    ),
  );
  console.log('');
}

interface ChildToStore {
  patientId: string;
  centreId: string;
  specimenDate: PlainDate;
  results: GeneratedResult[];
}

async function storingResults(db: Database, children: number, today: PlainDate): Promise<void> {
  const random = seededRandom(11);
  const chosen = await db.query<{ id: string; centre_id: string }>(
    `select p.id, m.organisation_id as centre_id from patient p
     join care_team_member m on m.patient_id = p.id and m.role = 'specialist_team'
     order by p.nhs_number limit $1`,
    [children],
  );
  const sets: ChildToStore[] = chosen.map((c, i) => {
    const specimenDate = addDays(today, -(i % 7));
    return {
      patientId: c.id,
      centreId: c.centre_id,
      specimenDate,
      results: childResults(random, specimenDate, EARLIER_SETS),
    };
  });
  await insertPlain(
    db,
    sets.flatMap((s) =>
      s.results.flatMap((r) =>
        r.earlier.map((e) => ({
          patientId: s.patientId,
          ...r,
          value: e.value,
          specimenDate: e.specimenDate,
        })),
      ),
    ),
  );
  await db.query('analyze lab_result');

  const now = new Date();
  const stored = await timeCalls(sets.slice(20), sets.slice(0, 20), (s) =>
    db.transaction(async (tx) => {
      const recorded = await storeResults(tx, {
        patientId: s.patientId,
        results: s.results.map((r) => ({
          analyte: r.analyte,
          value: r.value,
          unit: modelOf(r.analyte).labUnit ?? canonicalUnit(r.analyte),
          rangeLow: r.range?.low ?? null,
          rangeHigh: r.range?.high ?? null,
          specimenDate: s.specimenDate,
        })),
        source: 'api',
        sender: { userId: null, organisationId: s.centreId, via: 'bench laboratory' },
        now,
        today,
      });
      return recorded.results.length;
    }),
  );
  const outcomesStored = await db.query<{ outcome: string; n: number }>(
    `select outcome, count(*)::int as n from lab_result where entered_via = 'bench laboratory' and recorded_at >= $1
     group by outcome order by outcome`,
    [now],
  );
  const plain = await timeCalls(sets.slice(20), sets.slice(0, 20), (s) =>
    db.transaction(async (tx) =>
      insertPlain(
        tx,
        s.results.map((r) => ({ patientId: s.patientId, ...r, specimenDate: s.specimenDate })),
      ),
    ),
  );
  const timed = sets.length - 20;
  const perSet = monitoredAnalytes.length;
  console.log(
    `  Storing results: ${count(timed)} children, one FBC+LFT+U&E set (${perSet} results) each in its own ` +
      `transaction, ${EARLIER_SETS} earlier sets on record, after 20 untimed; times per set`,
  );
  console.log(
    indent(
      table(
        ['path', 'p50', 'p99', 'mean', 'results/s'],
        [
          [
            'storeResults (judged, alerts, tasks, schedule)',
            ms(stored.p50),
            ms(stored.p99),
            ms(stored.mean),
            perSecond(stored.meanRows, stored.mean),
          ],
          [
            'plain batched INSERT into lab_result',
            ms(plain.p50),
            ms(plain.p99),
            ms(plain.mean),
            perSecond(plain.meanRows, plain.mean),
          ],
        ],
        1,
      ),
      4,
    ),
  );
  console.log(`    outcomes stored: ${outcomesStored.map((a) => `${a.outcome} ${count(a.n)}`).join(', ')}\n`);
}

/** The results as rows of lab_result in one statement, as they came (no judging): the yardstick. */
async function insertPlain(
  q: Queryable,
  rows: readonly (GeneratedResult & { patientId: string; specimenDate: PlainDate })[],
): Promise<number> {
  const inserted = await q.query(
    `insert into lab_result (patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high,
       range_source, specimen_date, outcome, source, entered_via)
     select patient_id, analyte, value, unit, value, unit, range_low, range_high,
       case when range_low is not null or range_high is not null then 'laboratory' end, specimen_date, 'normal',
       'api', 'bench history'
     from unnest($1::uuid[], $2::text[], $3::numeric[], $4::text[], $5::numeric[], $6::numeric[], $7::date[])
       as t(patient_id, analyte, value, unit, range_low, range_high, specimen_date)
     returning id`,
    [
      rows.map((r) => r.patientId),
      rows.map((r) => r.analyte),
      rows.map((r) => r.value),
      rows.map((r) => canonicalUnit(r.analyte)),
      rows.map((r) => r.range?.low ?? null),
      rows.map((r) => r.range?.high ?? null),
      rows.map((r) => r.specimenDate),
    ],
  );
  return inserted.length;
}

// ——— figures ———

function count(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

function perSecond(items: number, elapsedMs: number): string {
  return count((items * 1000) / Math.max(elapsedMs, 0.001));
}

await main();
