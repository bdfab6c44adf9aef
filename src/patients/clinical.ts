import { type Asker, authorisePatientChange } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import { formatDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { insertDiagnosis, insertGrowth } from './clinical.store.ts';
import { describeDiagnosis, parseDiagnosisInput, type RecordedDiagnosis } from './diagnosis.rules.ts';
import { bodySurfaceArea, type GrowthMeasurement, parseGrowthInput } from './growth.rules.ts';
import { findPatient } from './patients.store.ts';

async function dateOfBirthOf(db: Database, patientId: string) {
  const patient = await findPatient(db, patientId);
  if (!patient) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  return patient.dateOfBirth;
}

/** Records a weight and height, refusing a second measurement on the same date. */
export async function recordGrowth(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
): Promise<GrowthMeasurement> {
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    'record-growth',
    'record growth measurement',
  );
  const dateOfBirth = await dateOfBirthOf(db, patientId);
  const measurement = parseGrowthInput(input, { today: asker.today, dateOfBirth });
  await db.transaction(async (tx) => {
    if (!(await insertGrowth(tx, patientId, measurement, asker.viewer.id))) {
      const message = `A measurement is already recorded for ${formatDate(measurement.measuredOn)}. Each date can have only one.`;
      throw new JointlyError('CONFLICT', message, [{ field: 'measuredOn', message }]);
    }
    await change.audit(tx);
  });
  return measurement;
}

/** Records a coded diagnosis, refusing one the patient already has. */
export async function recordDiagnosis(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
): Promise<RecordedDiagnosis> {
  const change = await authorisePatientChange(db, asker, patientId, 'record-diagnosis', 'record diagnosis');
  const dateOfBirth = await dateOfBirthOf(db, patientId);
  const { diagnosis, diagnosedOn } = parseDiagnosisInput(input, { today: asker.today, dateOfBirth });
  await db.transaction(async (tx) => {
    const recorded = { snomedCode: diagnosis.code, diagnosedOn: diagnosedOn ?? null };
    if (!(await insertDiagnosis(tx, patientId, recorded, asker.viewer.id))) {
      const message = `${diagnosis.term} is already recorded for this patient`;
      throw new JointlyError('CONFLICT', message, [{ field: 'snomedCode', message }]);
    }
    await change.audit(tx);
  });
  return describeDiagnosis(diagnosis.code, diagnosedOn ?? null);
}

/** Each measurement with the body surface area it gives, newest first (as the table shows them). */
export function withBsa(measurements: readonly GrowthMeasurement[]) {
  return [...measurements]
    .sort((a, b) => b.measuredOn.localeCompare(a.measuredOn))
    .map((m) => ({ ...m, bsaM2: bodySurfaceArea(m.heightCm, m.weightKg) }));
}
