import type { Asker } from '../access/patient-access.ts';
import { visiblePatientCondition } from '../access/visibility.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import type { Role } from '../kernel/roles.ts';
import type { AgreementState } from './agreement.rules.ts';
import {
  practiceStates,
  practiceWorklist,
  specialistWorklist,
  type WorklistGroup,
} from './worklist.rules.ts';
import { agreementsForWorklist, type WorklistRow } from './worklist.store.ts';

const specialistTeamRoles: readonly Role[] = [
  'consultant',
  'nurse_specialist',
  'pharmacist',
  'team_administrator',
];
const practiceRoles: readonly Role[] = ['gp', 'practice_nurse', 'practice_pharmacist'];

export type Side = 'specialist' | 'practice';

/** The organisations whose worklist the viewer sees: their specialist centres, or their GP practices. */
export function worklistOrganisations(asker: Asker, side: Side) {
  const [roles, kind] =
    side === 'specialist' ? [specialistTeamRoles, 'specialist_centre'] : [practiceRoles, 'gp_practice'];
  return asker.viewer.memberships.filter(
    (m) => m.organisationId !== null && m.organisationKind === kind && roles.includes(m.role),
  );
}

export function hasWorklist(asker: Asker, side: Side): boolean {
  return worklistOrganisations(asker, side).length > 0;
}

/**
 * One organisation side's agreements, for the children the viewer may see, grouped by where each stands.
 * One query, however many agreements, and one audit entry naming the children by id only.
 */
export async function loadWorklist(
  db: Database,
  asker: Asker,
  side: Side,
  states?: readonly AgreementState[],
): Promise<{ rows: WorklistRow[]; groups: WorklistGroup<WorklistRow>[]; organisations: string[] }> {
  const memberships = worklistOrganisations(asker, side);
  const first = memberships[0];
  if (!first) {
    throw new JointlyError(
      'FORBIDDEN',
      side === 'specialist'
        ? 'Only the specialist team has a list of the shared care agreements it has asked for.'
        : 'Only the staff of a GP practice have a list of its shared care requests.',
    );
  }
  const visible = visiblePatientCondition(asker.viewer, asker, 1);
  const chosenStates = states ?? (side === 'practice' ? practiceStates : undefined);
  const organisationIds = [...new Set(memberships.map((m) => m.organisationId!))];
  const rows = await agreementsForWorklist(db, visible, organisationIds, side, chosenStates);
  await recordAudit(db, {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    role: first.role,
    organisationId: first.organisationId,
    patientId: null,
    action: side === 'specialist' ? 'list shared care agreements' : 'list shared care requests',
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { count: rows.length, patientIds: [...new Set(rows.map((r) => r.patientId))] },
    occurredAt: asker.now,
  });
  const groups =
    side === 'specialist' ? specialistWorklist(rows, asker.today) : practiceWorklist(rows, asker.today);
  return {
    rows,
    groups,
    organisations: [...new Set(memberships.map((m) => m.organisationName ?? m.organisationCode ?? ''))],
  };
}
