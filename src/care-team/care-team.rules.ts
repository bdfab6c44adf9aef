import { isCurrent } from '../access/access.rules.ts';
import { addDays, type PlainDate } from '../kernel/dates.ts';

/** The part an organisation (or a named person in it) plays in a child's care. */
export const careTeamRoles = [
  'lead_consultant',
  'named_nurse',
  'specialist_team',
  'gp_practice',
  'local_paediatrician',
  'local_hospital',
  'physiotherapist',
  'occupational_therapist',
  'ophthalmologist',
  'psychologist',
  'pharmacist',
  'other',
] as const;
export type CareTeamRole = (typeof careTeamRoles)[number];

export const careTeamRoleLabels: Record<CareTeamRole, string> = {
  lead_consultant: 'Lead consultant',
  named_nurse: 'Named nurse',
  specialist_team: 'Specialist team',
  gp_practice: 'GP practice',
  local_paediatrician: 'Local paediatrician',
  local_hospital: 'Local hospital',
  physiotherapist: 'Physiotherapist',
  occupational_therapist: 'Occupational therapist',
  ophthalmologist: 'Ophthalmologist',
  psychologist: 'Psychologist',
  pharmacist: 'Pharmacist',
  other: 'Other',
};

/** How a parent or carer is related to the child. */
export const carerRelationships = ['mother', 'father', 'parent', 'guardian', 'carer', 'other'] as const;
export type CarerRelationship = (typeof carerRelationships)[number];

export const carerRelationshipLabels: Record<CarerRelationship, string> = {
  mother: 'Mother',
  father: 'Father',
  parent: 'Parent',
  guardian: 'Guardian',
  carer: 'Carer',
  other: 'Other',
};

/** Roles that only a specialist centre holds. */
const specialistRoles: readonly CareTeamRole[] = ['lead_consultant', 'named_nurse', 'specialist_team'];

export interface CareTeamMember {
  id: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationKind: string;
  role: CareTeamRole;
  namedPerson: { userId: string; name: string } | null;
  startDate: PlainDate;
  endDate: PlainDate | null;
}

export type CareTeamPeriod = 'current' | 'upcoming' | 'past';

export function periodOf(
  member: Pick<CareTeamMember, 'startDate' | 'endDate'>,
  today: PlainDate,
): CareTeamPeriod {
  if (isCurrent(member, today)) return 'current';
  return member.startDate > today ? 'upcoming' : 'past';
}

/** A member's part may start up to a year either side of today: further is almost always a typing slip. */
export function startDateProblem(startDate: PlainDate, today: PlainDate): string | undefined {
  if (startDate < addDays(today, -365)) return 'Start date must be no more than a year ago';
  if (startDate > addDays(today, 365)) return 'Start date must be no more than a year from today';
  return undefined;
}

export function endDateProblem(
  member: Pick<CareTeamMember, 'startDate' | 'endDate'>,
  endDate: PlainDate,
  today: PlainDate,
): string | undefined {
  if (member.endDate !== null) return 'This part in the child’s care already has an end date';
  if (endDate < member.startDate) return 'End date must be on or after the date their part in care started';
  if (endDate > addDays(today, 365)) return 'End date must be no more than a year from today';
  return undefined;
}

/** The specialist team's roles belong to a specialist centre, and "GP practice" to a GP practice. */
export function roleFitsOrganisation(role: CareTeamRole, organisationKind: string): string | undefined {
  if (specialistRoles.includes(role) && organisationKind !== 'specialist_centre') {
    return `Only a specialist centre can be the ${careTeamRoleLabels[role].toLowerCase()}`;
  }
  if (role === 'gp_practice' && organisationKind !== 'gp_practice')
    return 'Choose a GP practice for this role';
  return undefined;
}

/** Do two parts in care, the second open-ended from `startDate`, overlap? */
export function overlaps(existing: Pick<CareTeamMember, 'endDate'>, startDate: PlainDate): boolean {
  return existing.endDate === null || existing.endDate >= startDate;
}

/**
 * Would ending `memberId` on `endDate` leave the child with no specialist centre in their care team
 * the day after? The specialist team always leads care, so that is refused.
 */
export function leavesNoSpecialistTeam(
  members: readonly CareTeamMember[],
  memberId: string,
  endDate: PlainDate,
): boolean {
  const ending = members.find((m) => m.id === memberId);
  if (ending?.organisationKind !== 'specialist_centre') return false;
  const dayAfter = addDays(endDate, 1);
  return !members.some(
    (m) => m.id !== memberId && m.organisationKind === 'specialist_centre' && isCurrent(m, dayAfter),
  );
}
