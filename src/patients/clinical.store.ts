import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { GrowthMeasurement } from './growth.rules.ts';

/** Every measurement of the child, oldest first. */
export async function listGrowth(db: Queryable, patientId: string): Promise<GrowthMeasurement[]> {
  const rows = await db.query<{ measuredOn: PlainDate; weightKg: string; heightCm: string }>(
    `select measured_on as "measuredOn", weight_kg::text as "weightKg", height_cm::text as "heightCm"
     from growth_measurement where patient_id = $1 order by measured_on`,
    [patientId],
  );
  return rows.map((r) => ({
    measuredOn: r.measuredOn,
    weightKg: Number(r.weightKg),
    heightCm: Number(r.heightCm),
  }));
}

/** Records a measurement; false when the child already has one on that date. */
export async function insertGrowth(
  tx: Queryable,
  patientId: string,
  measurement: GrowthMeasurement,
  recordedBy: string,
): Promise<boolean> {
  const rows = await tx.query(
    `insert into growth_measurement (patient_id, measured_on, weight_kg, height_cm, recorded_by)
     values ($1, $2, $3, $4, $5) on conflict (patient_id, measured_on) do nothing returning id`,
    [patientId, measurement.measuredOn, measurement.weightKg, measurement.heightCm, recordedBy],
  );
  return rows.length === 1;
}

export async function listDiagnoses(
  db: Queryable,
  patientId: string,
): Promise<{ snomedCode: string; diagnosedOn: PlainDate | null }[]> {
  return db.query(
    `select snomed_code as "snomedCode", diagnosed_on as "diagnosedOn"
     from diagnosis where patient_id = $1 order by diagnosed_on nulls last, recorded_at`,
    [patientId],
  );
}

/** Records a diagnosis; false when the patient already has it. */
export async function insertDiagnosis(
  tx: Queryable,
  patientId: string,
  diagnosis: { snomedCode: string; diagnosedOn: PlainDate | null },
  recordedBy: string,
): Promise<boolean> {
  const rows = await tx.query(
    `insert into diagnosis (patient_id, snomed_code, diagnosed_on, recorded_by)
     values ($1, $2, $3, $4) on conflict (patient_id, snomed_code) do nothing returning id`,
    [patientId, diagnosis.snomedCode, diagnosis.diagnosedOn, recordedBy],
  );
  return rows.length === 1;
}
