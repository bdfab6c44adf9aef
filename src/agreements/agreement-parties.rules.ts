import type { Membership, PatientAction, Relationship } from '../access/access.rules.ts';
import type { Role } from '../kernel/roles.ts';
import type { AgreementEventKind, AgreementParty } from './agreement.rules.ts';

/** How the access gate let the viewer in: the relationship, and the role and organisation it went through. */
export interface GrantedAccess {
  relationship: Relationship;
  role: Role;
  organisationId: string | null;
}

export type PartyDecision = { ok: true; party: AgreementParty } | { ok: false; reason: string };

const specialistRoles: readonly Role[] = ['consultant', 'nurse_specialist'];

/**
 * The part the viewer plays in one agreement, from the access that let them in: the specialist team
 * (a consultant or nurse specialist of a specialist centre in the care team), the GP practice the
 * agreement is with (its GP), or the family (a linked parent or carer, or the young person).
 */
export function partyOf(
  access: GrantedAccess,
  memberships: readonly Membership[],
  agreement: { gpPracticeId: string; gpPracticeName: string },
): PartyDecision {
  if (access.relationship === 'carer' || access.relationship === 'self') return { ok: true, party: 'family' };
  if (access.relationship !== 'care-team') {
    return { ok: false, reason: 'Break-glass access lets you read this agreement, not take part in it.' };
  }
  const membership = memberships.find(
    (m) => m.organisationId === access.organisationId && m.role === access.role,
  );
  if (specialistRoles.includes(access.role) && membership?.organisationKind === 'specialist_centre') {
    return { ok: true, party: 'specialist-team' };
  }
  if (access.role === 'gp') {
    return access.organisationId === agreement.gpPracticeId
      ? { ok: true, party: 'gp-practice' }
      : {
          ok: false,
          reason: `Only ${agreement.gpPracticeName}, the GP practice this agreement is with, may answer it.`,
        };
  }
  return {
    ok: false,
    reason:
      'Only the specialist team’s consultants and nurse specialists, the GP of the practice asked, and the family take part in a shared care agreement.',
  };
}

/** Whether the access that let the viewer in is the specialist team's (who start and send agreements). */
export function isSpecialistTeam(access: GrantedAccess, memberships: readonly Membership[]): boolean {
  const result = partyOf(access, memberships, { gpPracticeId: '', gpPracticeName: '' });
  return result.ok && result.party === 'specialist-team';
}

/**
 * The permission the access gate checks for a step. Consent and stopping an agreement are taken by more
 * than one party, so the viewer's own roles say which permission applies to them.
 */
export function actionForStep(kind: AgreementEventKind, roles: readonly Role[]): PatientAction {
  switch (kind) {
    case 'accept':
    case 'decline':
      return 'answer-shared-care';
    case 'record-consent':
      return roles.some((r) => r === 'parent_carer' || r === 'young_person')
        ? 'give-consent'
        : 'manage-medicines';
    case 'suspend':
    case 'end':
      return roles.includes('gp') && !roles.some((r) => specialistRoles.includes(r))
        ? 'answer-shared-care'
        : 'manage-medicines';
    case 'request':
    case 'withdraw':
    case 'resume':
    case 'activate':
    case 'mark-no-response':
      return 'manage-medicines';
  }
}

export const partyLabels: Record<AgreementParty, string> = {
  'specialist-team': 'Specialist team',
  'gp-practice': 'GP practice',
  family: 'Family',
  system: 'Jointly (automatic)',
};
