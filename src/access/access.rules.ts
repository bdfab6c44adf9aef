import type { PlainDate } from '../kernel/dates.ts';
import { type Role, roleLabels } from '../kernel/roles.ts';

/** What someone may want to do with one patient's record. */
export const patientActions = [
  'read',
  'edit-demographics',
  'record-growth',
  'record-diagnosis',
  'edit-care-team',
  'view-access-log',
  /** Start, change or stop a medicine; ask a GP practice to share care. */
  'manage-medicines',
  /** Approve a dose above the protocol's range or maximum. */
  'override-dose',
  /** Accept or decline a request to share care. */
  'answer-shared-care',
  /** Agree, as the family, to shared care. */
  'give-consent',
  /** Record a prescription issued. */
  'record-prescription',
  /** Record blood test results (typed, imported or sent through the API). */
  'record-results',
  /** Decide what to do about a red or amber result. */
  'acknowledge-result',
  /** Let the family see results in plain words, or stop them. */
  'release-results',
] as const;
export type PatientAction = (typeof patientActions)[number];

/** How a person is connected to a patient; the only ways to see a record. */
export type Relationship = 'care-team' | 'carer' | 'self' | 'break-glass';

export interface Membership {
  organisationId: string | null;
  organisationCode?: string;
  organisationKind?: string;
  role: Role;
}

export interface Viewer {
  id: string;
  memberships: readonly Membership[];
}

/** Everything about a patient that the access decision needs, read in one go. */
export interface PatientRelationships {
  patientId: string;
  careTeam: readonly { organisationId: string; startDate: PlainDate; endDate: PlainDate | null }[];
  carers: readonly { userId: string; hasProxyAccess: boolean }[];
  patientUserId: string | null;
  /** Break-glass grants this viewer holds for this patient, current or not. */
  breakGlass: readonly { expiresAt: Date; reason: string }[];
}

export type AccessDecision =
  | {
      allowed: true;
      relationship: Relationship;
      role: Role;
      organisationId: string | null;
      breakGlassReason?: string;
    }
  | { allowed: false; reason: string };

/**
 * Which actions each role may take once it has a relationship with the patient.
 * Service administrators and clinical safety officers look after the system, not patients:
 * they have no actions here, so no relationship lets them into a record.
 */
export const actionsByRole: Record<Role, readonly PatientAction[]> = {
  consultant: [
    'read',
    'edit-demographics',
    'record-growth',
    'record-diagnosis',
    'edit-care-team',
    'view-access-log',
    'manage-medicines',
    'override-dose',
    'record-prescription',
    'record-results',
    'acknowledge-result',
    'release-results',
  ],
  nurse_specialist: [
    'read',
    'edit-demographics',
    'record-growth',
    'record-diagnosis',
    'edit-care-team',
    'view-access-log',
    'manage-medicines',
    'record-prescription',
    'record-results',
    'acknowledge-result',
    'release-results',
  ],
  pharmacist: ['read', 'record-growth'],
  team_administrator: ['read', 'edit-demographics', 'edit-care-team', 'view-access-log'],
  gp: [
    'read',
    'edit-demographics',
    'record-growth',
    'answer-shared-care',
    'record-prescription',
    'record-results',
    'acknowledge-result',
  ],
  practice_nurse: ['read', 'edit-demographics', 'record-growth', 'record-results'],
  practice_pharmacist: ['read', 'record-prescription'],
  local_paediatrician: ['read', 'record-growth', 'record-diagnosis', 'record-results'],
  allied_health_professional: ['read', 'record-growth'],
  parent_carer: ['read', 'give-consent'],
  young_person: ['read', 'give-consent'],
  service_administrator: [],
  clinical_safety_officer: [],
};

/** Only clinicians may declare break-glass access, and it lets them read, nothing more. */
export const breakGlassRoles: readonly Role[] = [
  'consultant',
  'nurse_specialist',
  'pharmacist',
  'gp',
  'practice_nurse',
  'practice_pharmacist',
  'local_paediatrician',
  'allied_health_professional',
];
const breakGlassActions: readonly PatientAction[] = ['read'];

/** Actions only the specialist team may take, whatever the role's name elsewhere. */
const specialistTeamOnly: readonly PatientAction[] = [
  'edit-care-team',
  'view-access-log',
  'record-diagnosis',
  'manage-medicines',
  'override-dose',
  'release-results',
];
/** Actions only a GP practice may take. */
const gpPracticeOnly: readonly PatientAction[] = ['answer-shared-care'];

const actionWords: Record<PatientAction, string> = {
  read: 'see this record',
  'edit-demographics': 'change the patient’s details',
  'record-growth': 'record growth measurements',
  'record-diagnosis': 'record diagnoses',
  'edit-care-team': 'change the care team',
  'view-access-log': 'see who has looked at this record',
  'manage-medicines': 'start or change medicines or ask a GP practice to share care',
  'override-dose': 'approve a dose outside the protocol',
  'answer-shared-care': 'accept or decline shared care',
  'give-consent': 'give consent to shared care',
  'record-prescription': 'record a prescription',
  'record-results': 'record blood test results',
  'acknowledge-result': 'decide what to do about a blood test result',
  'release-results': 'let the family see blood test results',
};

export function isCurrent(
  member: { startDate: PlainDate; endDate: PlainDate | null },
  today: PlainDate,
): boolean {
  return member.startDate <= today && (member.endDate === null || member.endDate >= today);
}

/** The one place that decides whether a person may act on a patient's record, and through which relationship. */
export function decideAccess(
  viewer: Viewer,
  patient: PatientRelationships,
  action: PatientAction,
  at: { today: PlainDate; now: Date },
): AccessDecision {
  const currentTeam = new Set(
    patient.careTeam.filter((m) => isCurrent(m, at.today)).map((m) => m.organisationId),
  );
  const allowedRoles = viewer.memberships.filter((m) => actionsByRole[m.role].includes(action));

  for (const m of allowedRoles) {
    if (m.organisationId === null) continue;
    if (specialistTeamOnly.includes(action) && m.organisationKind !== 'specialist_centre') continue;
    if (gpPracticeOnly.includes(action) && m.organisationKind !== 'gp_practice') continue;
    if (currentTeam.has(m.organisationId)) return granted('care-team', m);
  }
  for (const m of allowedRoles) {
    if (m.role === 'parent_carer' && patient.carers.some((c) => c.userId === viewer.id && c.hasProxyAccess)) {
      return granted('carer', m);
    }
    if (m.role === 'young_person' && patient.patientUserId === viewer.id) return granted('self', m);
  }
  if (breakGlassActions.includes(action)) {
    const grant = patient.breakGlass.find((g) => g.expiresAt > at.now);
    const clinician = viewer.memberships.find((m) => breakGlassRoles.includes(m.role));
    if (grant && clinician) return { ...granted('break-glass', clinician), breakGlassReason: grant.reason };
  }
  return { allowed: false, reason: refusalReason(viewer, action, allowedRoles.length > 0) };
}

function granted(relationship: Relationship, m: Membership): Extract<AccessDecision, { allowed: true }> {
  return { allowed: true, relationship, role: m.role, organisationId: m.organisationId };
}

/** Says which relationship is missing, so the person knows what would let them in. */
function refusalReason(viewer: Viewer, action: PatientAction, roleAllowsAction: boolean): string {
  const roles = [...new Set(viewer.memberships.map((m) => roleLabels[m.role]))].join(', ') || 'none';
  if (!roleAllowsAction) {
    return `Your role (${roles}) does not allow you to ${actionWords[action]}.`;
  }
  const isFamily = viewer.memberships.every((m) => m.organisationId === null);
  if (isFamily) {
    return viewer.memberships.some((m) => m.role === 'parent_carer')
      ? 'You are not linked to this child as a parent or carer with access to their record.'
      : 'This is not your own record.';
  }
  const codes = viewer.memberships.map((m) => m.organisationCode).filter(Boolean);
  const yours = codes.length ? ` (${[...new Set(codes)].join(', ')})` : '';
  if (gpPracticeOnly.includes(action)) {
    return `Only the GP practice in this patient's current care team may ${actionWords[action]}; your organisation${yours} is not it.`;
  }
  if (specialistTeamOnly.includes(action)) {
    return `Only the specialist team in this patient's current care team may ${actionWords[action]}; your organisation${yours} is not it.`;
  }
  const canBreakGlass = viewer.memberships.some((m) => breakGlassRoles.includes(m.role)) && action === 'read';
  return `Your organisation${yours} is not in this patient's current care team${
    canBreakGlass
      ? ', and you have no current break-glass access. In an emergency you may declare break-glass access with a reason.'
      : '.'
  }`;
}

export function mayDeclareBreakGlass(viewer: Viewer): boolean {
  return viewer.memberships.some((m) => breakGlassRoles.includes(m.role));
}
