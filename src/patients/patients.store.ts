import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { PatientDetails, Sex } from './patient.rules.ts';

/** One patient as the summary and the edit form show them. */
export interface PatientRecord {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  sex: Sex;
  postcode: string | null;
  registeredPractice: { code: string; name: string } | null;
  symptomOnsetDate: PlainDate | null;
  referralReceivedDate: PlainDate | null;
  firstSeenDate: PlainDate | null;
  diagnosisDate: PlainDate | null;
}

/** One line of a list or search result. */
export interface PatientListing {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  sex: Sex;
  registeredPractice: { code: string; name: string } | null;
}

/** The columns of a listing, read from `patient p left join organisation o` on the registered practice. */
export const listingColumns = `p.id, p.nhs_number as "nhsNumber", p.given_name as "givenName",
  p.family_name as "familyName", p.date_of_birth as "dateOfBirth", p.sex,
  case when o.id is null then null else jsonb_build_object('code', o.code, 'name', o.name) end as "registeredPractice"`;

/**
 * The order people look for a name in. `using ~<~` is the order of the `text_pattern_ops` index on
 * lower(family_name), so a page of a long list is read from the index instead of sorting every patient.
 */
export const listingOrder = 'lower(p.family_name) using ~<~, lower(p.given_name), p.id';

export async function findPatient(db: Queryable, patientId: string): Promise<PatientRecord | undefined> {
  const [row] = await db.query<PatientRecord>(
    `select ${listingColumns}, p.postcode,
       p.symptom_onset_date as "symptomOnsetDate", p.referral_received_date as "referralReceivedDate",
       p.first_seen_date as "firstSeenDate", p.diagnosis_date as "diagnosisDate"
     from patient p left join organisation o on o.id = p.registered_practice_id
     where p.id = $1`,
    [patientId],
  );
  return row;
}

/** The patient with this NHS number, if any, and whether the condition given (visibility) holds for them. */
export async function findByNhsNumber(
  db: Queryable,
  nhsNumber: string,
  visible: { sql: string; params: unknown[] },
): Promise<{ id: string; visible: boolean } | undefined> {
  const [row] = await db.query<{ id: string; visible: boolean }>(
    `select p.id, ${visible.sql} as visible from patient p where p.nhs_number = $${visible.params.length + 1}`,
    [...visible.params, nhsNumber],
  );
  return row;
}

/** Is this NHS number already someone's (other than `exceptPatientId`, when editing them)? */
export async function isNhsNumberRegistered(
  tx: Queryable,
  nhsNumber: string,
  exceptPatientId: string | null = null,
): Promise<boolean> {
  const rows = await tx.query('select 1 from patient where nhs_number = $1 and id is distinct from $2', [
    nhsNumber,
    exceptPatientId,
  ]);
  return rows.length > 0;
}

function detailColumns(details: PatientDetails, practiceId: string): unknown[] {
  return [
    details.nhsNumber,
    details.givenName,
    details.familyName,
    details.dateOfBirth,
    details.sex,
    details.postcode ?? null,
    practiceId,
    details.symptomOnsetDate ?? null,
    details.referralReceivedDate ?? null,
    details.firstSeenDate ?? null,
    details.diagnosisDate ?? null,
  ];
}

export async function insertPatient(
  tx: Queryable,
  details: PatientDetails,
  practiceId: string,
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into patient (nhs_number, given_name, family_name, date_of_birth, sex, postcode, registered_practice_id,
       symptom_onset_date, referral_received_date, first_seen_date, diagnosis_date)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
    detailColumns(details, practiceId),
  );
  return row!.id;
}

export async function updatePatient(
  tx: Queryable,
  patientId: string,
  details: PatientDetails,
  practiceId: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `update patient set nhs_number = $1, given_name = $2, family_name = $3, date_of_birth = $4, sex = $5,
       postcode = $6, registered_practice_id = $7, symptom_onset_date = $8, referral_received_date = $9,
       first_seen_date = $10, diagnosis_date = $11, updated_at = $13
     where id = $12`,
    [...detailColumns(details, practiceId), patientId, now],
  );
}

/** The patient's row, held until the transaction ends, so two edits of one patient run one after the other. */
export async function lockPatient(tx: Queryable, patientId: string): Promise<PatientRecord | undefined> {
  await tx.query('select 1 from patient where id = $1 for update', [patientId]);
  return findPatient(tx, patientId);
}
