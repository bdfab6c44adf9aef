import { type Asker, checkPatientAccess, type PatientAccess } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import { type CareTeamMember, periodOf } from '../care-team/care-team.rules.ts';
import { listCareTeam } from '../care-team/care-team.store.ts';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import { listDiagnoses, listGrowth } from './clinical.store.ts';
import { withBsa } from './clinical.ts';
import { describeDiagnosis, type RecordedDiagnosis } from './diagnosis.rules.ts';
import { type BsaOnDate, bsaOn, type GrowthMeasurement } from './growth.rules.ts';
import { type AllowedActions, allowedActions } from './patient-actions.rules.ts';
import { findPatient, type PatientRecord } from './patients.store.ts';

export interface PatientSummary {
  patient: PatientRecord;
  careTeam: { current: CareTeamMember[]; upcoming: CareTeamMember[]; previous: CareTeamMember[] };
  diagnoses: RecordedDiagnosis[];
  /** Oldest first, as the chart draws them. */
  measurements: GrowthMeasurement[];
  /** Newest first, each with its BSA, as the table lists them. */
  growth: ReturnType<typeof withBsa>;
  bsaToday: BsaOnDate | undefined;
  may: AllowedActions;
  access: PatientAccess;
}

/** Everything the summary page shows, after the access check (which audits the view). */
export async function loadPatientSummary(
  db: Database,
  asker: Asker,
  patientId: string,
): Promise<PatientSummary> {
  const access = await checkPatientAccess(db, asker, patientId, 'read', 'view summary');
  const [patient, relationships, members, diagnoses, measurements] = await Promise.all([
    findPatient(db, patientId),
    loadRelationships(db, patientId, asker.viewer.id, asker.now),
    listCareTeam(db, patientId),
    listDiagnoses(db, patientId),
    listGrowth(db, patientId),
  ]);
  if (!patient || !relationships)
    throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  const inPeriod = (period: string) => members.filter((m) => periodOf(m, asker.today) === period);
  return {
    patient,
    careTeam: { current: inPeriod('current'), upcoming: inPeriod('upcoming'), previous: inPeriod('past') },
    diagnoses: diagnoses.map((d) => describeDiagnosis(d.snomedCode, d.diagnosedOn)),
    measurements,
    growth: withBsa(measurements),
    bsaToday: bsaOn(measurements, asker.today),
    may: allowedActions(asker.viewer, relationships, asker),
    access,
  };
}

/** The summary as the JSON API gives it: no internal ids of people, and the relationship that let the caller in. */
export function summaryAsJson(summary: PatientSummary) {
  const { patient, access } = summary;
  const member = (m: CareTeamMember) => ({
    organisationCode: m.organisationCode,
    organisationName: m.organisationName,
    role: m.role,
    namedPerson: m.namedPerson?.name ?? null,
    startDate: m.startDate,
    endDate: m.endDate,
  });
  return {
    patient,
    careTeam: {
      current: summary.careTeam.current.map(member),
      upcoming: summary.careTeam.upcoming.map(member),
      previous: summary.careTeam.previous.map(member),
    },
    diagnoses: summary.diagnoses,
    growth: { measurements: summary.growth, bsaToday: summary.bsaToday ?? null },
    allowedActions: Object.entries(summary.may)
      .filter(([, allowed]) => allowed)
      .map(([action]) => action),
    access: {
      relationship: access.relationship,
      role: access.role,
      ...(access.expiresAt ? { expiresAt: access.expiresAt.toISOString() } : {}),
      ...(access.breakGlassReason ? { breakGlassReason: access.breakGlassReason } : {}),
    },
  };
}
