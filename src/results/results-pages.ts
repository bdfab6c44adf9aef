import { type Asker, checkPatientAccess, isUuid, type PatientAccess } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import { allowedActions } from '../patients/patient-actions.rules.ts';
import { findPatient, type PatientRecord } from '../patients/patients.store.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { decisionWords } from './acknowledge.ts';
import { type AlertView, alertsForPatient } from './alerts.store.ts';
import { analyteNames } from './panels.ts';
import { resultsReleased } from './release.store.ts';
import { findingsShown, outcomeLine, outcomeTags, resultView } from './result-forms.rules.ts';
import { resultsForPatient, type StoredResult } from './results.store.ts';
import { trendsForPatient } from './trends.ts';

const familyMessage =
  'Blood test results are shared with the family on the family’s own pages, once the specialist team releases them.';

/**
 * The results pages give the clinical detail (the protocol's rules and actions); a parent or young person sees
 * results in plain words on the family's pages, and only when the team has released them.
 */
async function refuseFamily(db: Database, asker: Asker, patientId: string, action: string): Promise<void> {
  if (asker.viewer.memberships.some((m) => m.organisationId !== null)) return;
  const first = asker.viewer.memberships[0];
  await recordAudit(db, {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    role: first?.role ?? null,
    organisationId: null,
    patientId: isUuid(patientId) ? patientId : null,
    action,
    outcome: 'refused',
    relationship: null,
    breakGlassReason: null,
    details: { reason: familyMessage },
    occurredAt: asker.now,
  });
  throw new JointlyError('FORBIDDEN', familyMessage);
}

async function patientOf(db: Database, patientId: string): Promise<PatientRecord> {
  const patient = await findPatient(db, patientId);
  if (!patient) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  return patient;
}

/** A child's results for anyone on their care team who may read the record (audited as one view). */
export async function readResults(
  db: Database,
  asker: Asker,
  patientId: string,
  options: { analyte?: StoredResult['analyte'] } = {},
): Promise<{ access: PatientAccess; results: StoredResult[]; alerts: AlertView[] }> {
  await refuseFamily(db, asker, patientId, 'view results');
  const access = await checkPatientAccess(db, asker, patientId, 'read', 'view results', {
    ...(options.analyte ? { analyte: options.analyte } : {}),
  });
  const [results, alerts] = await Promise.all([
    resultsForPatient(db, patientId, options),
    alertsForPatient(db, patientId),
  ]);
  return { access, results, alerts };
}

/** The child's results page: every result newest first, and the red and amber ones waiting for a decision. */
export async function loadResultsPage(db: Database, asker: Asker, patientId: string, recordedIds: string[]) {
  const { access, results, alerts } = await readResults(db, asker, patientId);
  const [patient, relationships] = await Promise.all([
    patientOf(db, patientId),
    loadRelationships(db, patientId, asker.viewer.id, asker.now),
  ]);
  const may = relationships
    ? allowedActions(asker.viewer, relationships, asker)
    : ({} as ReturnType<typeof allowedActions>);
  const byId = new Map(results.map((r) => [r.id, r]));
  const recorded = recordedIds.flatMap((id) => byId.get(id) ?? []);
  return {
    access,
    patient,
    may,
    results: results.map(resultView),
    waiting: alerts.filter((a) => a.acknowledgedAt === null).map(alertShown),
    decided: alerts.filter((a) => a.acknowledgedAt !== null).map(alertShown),
    trends: await trendsForPatient(db, patientId, results),
    resultsReleased: await resultsReleased(db, patientId),
    recorded: recorded.length
      ? {
          lines: recorded.map(outcomeLine),
          needsDecision: recorded.some((r) => r.outcome === 'red' || r.outcome === 'amber'),
        }
      : null,
  };
}

export function alertShown(a: AlertView) {
  return {
    ...a,
    name: analyteNames[a.analyte],
    valueText: `${formatNumber(a.value)} ${a.unit}`,
    tag: outcomeTags[a.outcome],
    findingsShown: findingsShown(a.findings).filter((f) => f.outcome === a.outcome),
    decisionText: a.decision ? decisionWords[a.decision] : null,
  };
}

/** The forms that record results, for those who may record them; opening one is audited as reading the record. */
export async function openResultsForm(db: Database, asker: Asker, patientId: string, auditAction: string) {
  await refuseFamily(db, asker, patientId, auditAction);
  const access = await checkPatientAccess(db, asker, patientId, 'record-results', auditAction);
  return { access, patient: await patientOf(db, patientId) };
}

/** The ids the banner after recording lists, from the query string: only ids, never results themselves. */
export function recordedFromQuery(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(',').filter(isUuid).slice(0, 50);
}
