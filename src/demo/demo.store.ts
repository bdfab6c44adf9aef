import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { DemoPatient } from './demo-patient.ts';
import type { DemoOrganisation, DemoUser } from './fixed-world.ts';

/** Any fixed number: two demo loads into one database wait for each other rather than racing. */
const DEMO_LOAD_LOCK = 4_105_917_042;

/** Each statement carries about this many patients' rows: big enough to be fast, small enough for PGlite's memory. */
export const PATIENTS_PER_BATCH = 1000;

export async function waitForOtherDemoLoads(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [DEMO_LOAD_LOCK]);
}

export async function demoAccountsExist(tx: Queryable, markerEmail: string): Promise<boolean> {
  const rows = await tx.query('select 1 from app_user where email = $1 and is_demo', [markerEmail]);
  return rows.length > 0;
}

export async function organisationCodesInUse(tx: Queryable, codes: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ code: string }>(
    'select code from organisation where code = any($1::text[]) order by code',
    [codes],
  );
  return rows.map((r) => r.code);
}

export async function emailsInUse(tx: Queryable, emails: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ email: string }>(
    'select email from app_user where email = any($1::text[]) order by email',
    [emails],
  );
  return rows.map((r) => r.email);
}

export async function insertOrganisations(
  tx: Queryable,
  organisations: readonly DemoOrganisation[],
): Promise<void> {
  await tx.query(
    `insert into organisation (code, name, kind)
     select * from unnest($1::text[], $2::text[], $3::text[])`,
    [organisations.map((o) => o.code), organisations.map((o) => o.name), organisations.map((o) => o.kind)],
  );
}

/** Demo accounts all share one password hash: argon2 is slow on purpose, and they share the password anyway. */
export async function insertDemoUsers(
  tx: Queryable,
  users: readonly DemoUser[],
  passwordHash: string,
): Promise<void> {
  const emails = users.map((u) => u.email);
  await tx.query(
    `insert into app_user (email, display_name, password_hash, is_demo)
     select email, display_name, $3, true from unnest($1::text[], $2::text[]) as u (email, display_name)`,
    [emails, users.map((u) => u.displayName), passwordHash],
  );
  await tx.query(
    `insert into membership (user_id, organisation_id, role)
     select u.id, o.id, m.role
     from unnest($1::text[], $2::text[], $3::text[]) as m (email, organisation_code, role)
     join app_user u on u.email = m.email
     left join organisation o on o.code = m.organisation_code`,
    [emails, users.map((u) => u.organisationCode), users.map((u) => u.role)],
  );
}

/** The database ids behind the demo's organisation codes and e-mail addresses. */
export interface DemoDirectory {
  organisations: ReadonlyMap<string, string>;
  users: ReadonlyMap<string, string>;
}

export async function demoDirectory(tx: Queryable): Promise<DemoDirectory> {
  const organisations = await tx.query<{ code: string; id: string }>('select code, id from organisation');
  const users = await tx.query<{ email: string; id: string }>('select email, id from app_user where is_demo');
  return {
    organisations: new Map(organisations.map((o) => [o.code, o.id])),
    users: new Map(users.map((u) => [u.email, u.id])),
  };
}

export async function nhsNumbersInUse(tx: Queryable): Promise<Set<string>> {
  const rows = await tx.query<{ nhs_number: string }>('select nhs_number from patient');
  return new Set(rows.map((r) => r.nhs_number));
}

export async function countPatients(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ patients: number }>('select count(*)::int as patients from patient');
  return row?.patients ?? 0;
}

/** Who the demo says recorded each kind of fact. */
export interface DemoRecorders {
  careTeam: string;
  diagnosis: string;
  growth: string;
}

/**
 * Writes patients with their care teams, diagnoses, growth and carers: one statement per table per batch
 * (`insert … select from unnest(arrays)`), never one per patient, so 100,000 patients take seconds.
 */
export async function insertDemoPatients(
  tx: Queryable,
  patients: readonly DemoPatient[],
  directory: DemoDirectory,
  recorders: DemoRecorders,
): Promise<void> {
  for (let start = 0; start < patients.length; start += PATIENTS_PER_BATCH) {
    const batch = patients.slice(start, start + PATIENTS_PER_BATCH).map((p) => ({ id: randomUUID(), ...p }));
    await insertPatientRows(tx, batch, directory);
    await insertCareTeams(tx, batch, directory, recorders.careTeam);
    await insertDiagnoses(tx, batch, recorders.diagnosis);
    await insertGrowth(tx, batch, recorders.growth);
    await insertCarers(tx, batch, directory);
  }
}

type Identified = DemoPatient & { id: string };

function idOf(map: ReadonlyMap<string, string>, key: string, what: string): string {
  const id = map.get(key);
  if (!id) throw new Error(`The demo data refers to ${what} ${key}, which is not in the database`);
  return id;
}

async function insertPatientRows(tx: Queryable, batch: readonly Identified[], directory: DemoDirectory) {
  await tx.query(
    `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, sex, postcode, registered_practice_id,
       user_id, symptom_onset_date, referral_received_date, first_seen_date, diagnosis_date)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[],
       $8::uuid[], $9::uuid[], $10::date[], $11::date[], $12::date[], $13::date[])`,
    [
      batch.map((p) => p.id),
      batch.map((p) => p.nhsNumber),
      batch.map((p) => p.givenName),
      batch.map((p) => p.familyName),
      batch.map((p) => p.dateOfBirth),
      batch.map((p) => p.sex),
      batch.map((p) => p.postcode),
      batch.map((p) => idOf(directory.organisations, p.registeredPracticeCode, 'organisation')),
      batch.map((p) => (p.ownAccountEmail ? idOf(directory.users, p.ownAccountEmail, 'demo account') : null)),
      batch.map((p) => p.symptomOnsetDate),
      batch.map((p) => p.referralReceivedDate),
      batch.map((p) => p.firstSeenDate),
      batch.map((p) => p.diagnosisDate),
    ],
  );
}

async function insertCareTeams(
  tx: Queryable,
  batch: readonly Identified[],
  directory: DemoDirectory,
  addedBy: string,
) {
  const rows = batch.flatMap((p) => p.careTeam.map((m) => ({ patientId: p.id, ...m })));
  await tx.query(
    `insert into care_team_member (patient_id, organisation_id, user_id, role, start_date, end_date, added_by)
     select patient_id, organisation_id, user_id, role, start_date, end_date, $7
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::date[], $6::date[])
       as m (patient_id, organisation_id, user_id, role, start_date, end_date)`,
    [
      rows.map((r) => r.patientId),
      rows.map((r) => idOf(directory.organisations, r.organisationCode, 'organisation')),
      rows.map((r) => (r.userEmail ? idOf(directory.users, r.userEmail, 'demo account') : null)),
      rows.map((r) => r.role),
      rows.map((r) => r.startDate),
      rows.map((r) => r.endDate),
      addedBy,
    ],
  );
}

async function insertDiagnoses(tx: Queryable, batch: readonly Identified[], recordedBy: string) {
  const rows = batch.flatMap((p) => p.diagnoses.map((d) => ({ patientId: p.id, ...d })));
  if (rows.length === 0) return;
  await tx.query(
    `insert into diagnosis (patient_id, snomed_code, diagnosed_on, recorded_by)
     select patient_id, snomed_code, diagnosed_on, $4
     from unnest($1::uuid[], $2::text[], $3::date[]) as d (patient_id, snomed_code, diagnosed_on)`,
    [rows.map((r) => r.patientId), rows.map((r) => r.code), rows.map((r) => r.diagnosedOn), recordedBy],
  );
}

async function insertGrowth(tx: Queryable, batch: readonly Identified[], recordedBy: string) {
  const rows = batch.flatMap((p) => p.growth.map((g) => ({ patientId: p.id, ...g })));
  await tx.query(
    `insert into growth_measurement (patient_id, measured_on, weight_kg, height_cm, recorded_by)
     select patient_id, measured_on, weight_kg, height_cm, $5
     from unnest($1::uuid[], $2::date[], $3::numeric[], $4::numeric[]) as g (patient_id, measured_on, weight_kg, height_cm)`,
    [
      rows.map((r) => r.patientId),
      rows.map((r) => r.measuredOn),
      rows.map((r) => r.weightKg),
      rows.map((r) => r.heightCm),
      recordedBy,
    ],
  );
}

async function insertCarers(tx: Queryable, batch: readonly Identified[], directory: DemoDirectory) {
  const rows = batch.flatMap((p) => p.carers.map((c) => ({ patientId: p.id, ...c })));
  if (rows.length === 0) return;
  await tx.query(
    `insert into patient_carer (patient_id, user_id, relationship, has_proxy_access)
     select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[])`,
    [
      rows.map((r) => r.patientId),
      rows.map((r) => idOf(directory.users, r.email, 'demo account')),
      rows.map((r) => r.relationship),
      rows.map((r) => r.hasProxyAccess),
    ],
  );
}

/** The patients with these NHS numbers, by NHS number. */
export async function patientIdsByNhsNumber(
  tx: Queryable,
  nhsNumbers: readonly string[],
): Promise<Map<string, string>> {
  const rows = await tx.query<{ id: string; nhs_number: string }>(
    'select id, nhs_number from patient where nhs_number = any($1::text[])',
    [nhsNumbers],
  );
  return new Map(rows.map((r) => [r.nhs_number, r.id]));
}

/** Gives organisations their shared inboxes, in one statement. */
export async function setOrganisationEmails(
  tx: Queryable,
  emails: readonly { code: string; email: string }[],
): Promise<void> {
  await tx.query(
    `update organisation o set email = e.email
     from unnest($1::text[], $2::text[]) as e (code, email) where o.code = e.code`,
    [emails.map((e) => e.code), emails.map((e) => e.email)],
  );
}

/** More measurements for patients already in the database, in one statement; a day already measured is kept. */
export async function insertMeasurements(
  tx: Queryable,
  rows: readonly { patientId: string; measuredOn: string; heightCm: number; weightKg: number }[],
  recordedBy: string,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into growth_measurement (patient_id, measured_on, weight_kg, height_cm, recorded_by)
     select patient_id, measured_on, weight_kg, height_cm, $5
     from unnest($1::uuid[], $2::date[], $3::numeric[], $4::numeric[]) as g (patient_id, measured_on, weight_kg, height_cm)
     on conflict (patient_id, measured_on) do nothing`,
    [
      rows.map((r) => r.patientId),
      rows.map((r) => r.measuredOn),
      rows.map((r) => r.weightKg),
      rows.map((r) => r.heightCm),
      recordedBy,
    ],
  );
}
