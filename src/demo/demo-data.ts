import type { Database, Queryable, Transaction } from '../db/database.ts';
import { type PlainDate, todayInUk } from '../kernel/dates.ts';
import { sweepAndAudit } from '../monitoring/sweep.ts';
import { diagnosisCodes } from '../patients/diagnoses.ts';
import { hashPassword } from '../people/sign-in.ts';
import { type CodedCondition, codedConditions } from './conditions.rules.ts';
import {
  countPatients,
  type DemoDirectory,
  type DemoRecorders,
  demoAccountsExist,
  demoDirectory,
  emailsInUse,
  insertDemoPatients,
  insertDemoUsers,
  insertOrganisations,
  nhsNumbersInUse,
  organisationCodesInUse,
  PATIENTS_PER_BATCH,
  waitForOtherDemoLoads,
} from './demo.store.ts';
import { demoOrganisations, demoUsers, signInLines } from './fixed-world.ts';
import { loadMonitoringDemo } from './monitoring-demo.ts';
import { namedPatients } from './named-patients.ts';
import { deriveSeed, type Random, seededRandom } from './random.rules.ts';
import { syntheticPatients } from './synthetic.rules.ts';

/** What one call of `loadDemoData` added. */
export interface DemoSummary {
  organisations: number;
  users: number;
  patients: number;
}

export const DEMO_PASSWORD = 'demo-password-1';

/** Lines printed at start-up: one per demo sign-in, e.g. "consultant@demo.test   Consultant, SC001 Northfield Children's Rheumatology Centre" */
export const demoSignIns: readonly string[] = signInLines(demoUsers, demoOrganisations);

/** The same seed gives the same synthetic patients (on the same day), so demos and benchmarks can be repeated. */
export const DEFAULT_DEMO_SEED = 20_261_126;

// Whether the fixed demo world is in a database is told by this account.
const MARKER_ACCOUNT = 'consultant@demo.test';

/**
 * Loads the demo: on a database without it, the fixed organisations, people and five named patients, plus
 * `patients` synthetic ones; on a database that has it already, `patients` more synthetic ones (for the
 * benchmark), or an error if none were asked for.
 *
 * Everything happens in ONE transaction, even for 100,000 patients: a load that fails part-way leaves no
 * half-made demo behind, and the "already loaded" check stays true to what is there. Rows go in batches of
 * `PATIENTS_PER_BATCH` patients, one statement per table per batch.
 *
 * With `monitoring` (start-up and `jointly demo` in demo mode), the first load also adds blood monitoring for
 * three named children (see monitoring-demo.ts; it needs the shipped protocols approved), then runs the
 * monitoring sweep once, after the load has committed, so the overdue ladder has taken its steps. Tests leave
 * it out, so their worlds have no medicines, results or tasks they did not make.
 */
export async function loadDemoData(
  db: Database,
  options: { patients: number; seed?: number; today?: PlainDate; monitoring?: boolean },
): Promise<DemoSummary> {
  if (!Number.isInteger(options.patients) || options.patients < 0) {
    throw new RangeError('The number of synthetic patients must be a whole number, 0 or more');
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const conditions = codedConditions(diagnosisCodes);
  // A given day is the demo's "now" at noon; otherwise the real clock.
  const now = options.today ? new Date(`${options.today}T12:00:00Z`) : new Date();
  const today = options.today ?? todayInUk(now);
  let monitoringAdded = false;
  const summary = await db.transaction(async (tx) => {
    await waitForOtherDemoLoads(tx);
    const alreadyLoaded = await demoAccountsExist(tx, MARKER_ACCOUNT);
    if (alreadyLoaded && options.patients === 0) {
      throw new Error(
        'Demo data is already loaded. To add synthetic patients to it, ask for some: jointly demo --patients N',
      );
    }
    if (!alreadyLoaded) await loadFixedWorld(tx, passwordHash);
    const directory = await demoDirectory(tx);
    const recorders = demoRecorders(directory);
    const named = alreadyLoaded ? [] : namedPatients(conditions);
    await insertDemoPatients(tx, named, directory, recorders);
    if (options.monitoring && !alreadyLoaded) {
      await loadMonitoringDemo(tx, { named, directory, today, now });
      monitoringAdded = true;
    }

    const random = seededRandom(deriveSeed(options.seed ?? DEFAULT_DEMO_SEED, await countPatients(tx)));
    await addSyntheticPatients(tx, random, options.patients, { today, conditions, directory, recorders });
    return {
      organisations: alreadyLoaded ? 0 : demoOrganisations.length,
      users: alreadyLoaded ? 0 : demoUsers.length,
      patients: named.length + options.patients,
    };
  });
  if (monitoringAdded) await sweepAndAudit(db, now);
  return summary;
}

/** Whether the fixed demo world is in this database (so `jointly demo` without `--patients` has nothing to do). */
export function demoDataLoaded(db: Queryable): Promise<boolean> {
  return demoAccountsExist(db, MARKER_ACCOUNT);
}

async function loadFixedWorld(tx: Transaction, passwordHash: string): Promise<void> {
  const codes = await organisationCodesInUse(
    tx,
    demoOrganisations.map((o) => o.code),
  );
  const emails = await emailsInUse(
    tx,
    demoUsers.map((u) => u.email),
  );
  if (codes.length > 0 || emails.length > 0) {
    throw new Error(
      `Cannot load the demo data: this database already has ${[...codes, ...emails].join(', ')}, which the demo would add`,
    );
  }
  await insertOrganisations(tx, demoOrganisations);
  await insertDemoUsers(tx, demoUsers, passwordHash);
}

function demoRecorders(directory: DemoDirectory): DemoRecorders {
  const consultant = directory.users.get('consultant@demo.test');
  const nurse = directory.users.get('nurse@demo.test');
  if (!consultant || !nurse) throw new Error('The demo consultant and nurse accounts are missing');
  return { careTeam: consultant, diagnosis: consultant, growth: nurse };
}

/** Generates and writes a batch at a time, so memory stays flat however many patients are asked for. */
async function addSyntheticPatients(
  tx: Transaction,
  random: Random,
  count: number,
  context: {
    today: PlainDate;
    conditions: readonly CodedCondition[];
    directory: DemoDirectory;
    recorders: DemoRecorders;
  },
): Promise<void> {
  if (count === 0) return;
  const taken = await nhsNumbersInUse(tx);
  for (let made = 0; made < count; made += PATIENTS_PER_BATCH) {
    const batch = syntheticPatients(random, Math.min(PATIENTS_PER_BATCH, count - made), {
      today: context.today,
      conditions: context.conditions,
      takenNhsNumbers: taken,
    });
    for (const patient of batch) taken.add(patient.nhsNumber);
    await insertDemoPatients(tx, batch, context.directory, context.recorders);
  }
}
