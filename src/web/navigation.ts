import { actionsByRole } from '../access/access.rules.ts';
import type { Role } from '../kernel/roles.ts';
import type { SignedInUser } from '../people/people.store.ts';

interface NavItem {
  text: string;
  href: string;
  current?: boolean;
}

const registerRoles: readonly Role[] = ['consultant', 'nurse_specialist', 'team_administrator'];
const sharedCareTeamRoles: readonly Role[] = [
  'consultant',
  'nurse_specialist',
  'pharmacist',
  'team_administrator',
];
const practiceRoles: readonly Role[] = ['gp', 'practice_nurse', 'practice_pharmacist'];

/**
 * The main menu for what this person does: patients for clinicians, their child for families, admin for admins.
 * `demo` adds the pages that exist only in demo mode.
 */
export function navigationFor(viewer: SignedInUser, currentPath: string, demo = false): NavItem[] {
  const roles = new Set(viewer.memberships.map((m) => m.role));
  const items: NavItem[] = [];
  const clinical = viewer.memberships.some(
    (m) => m.organisationId !== null && actionsByRole[m.role].includes('read'),
  );
  if (clinical) {
    items.push({ text: 'Patients', href: '/patients' });
    items.push({ text: 'Find a patient', href: '/patients/search' });
    items.push({ text: 'Tasks', href: '/tasks' });
  }
  if (
    viewer.memberships.some(
      (m) => registerRoles.includes(m.role) && m.organisationKind === 'specialist_centre',
    )
  ) {
    items.push({ text: 'Register a patient', href: '/patients/new' });
  }
  if (viewer.memberships.some((m) => m.organisationId !== null)) {
    items.push({ text: 'Protocols', href: '/protocols' });
  }
  if (roles.has('clinical_safety_officer')) {
    items.push({ text: 'Protocol approvals', href: '/admin/protocols/approvals' });
  }
  if (
    viewer.memberships.some(
      (m) => sharedCareTeamRoles.includes(m.role) && m.organisationKind === 'specialist_centre',
    )
  ) {
    items.push({ text: 'Shared care', href: '/agreements' });
    items.push({ text: 'Monitoring', href: '/monitoring' });
  } else if (viewer.memberships.some((m) => m.organisationKind === 'gp_practice')) {
    items.push({ text: 'Shared care', href: '/shared-care' });
  }
  if (
    viewer.memberships.some((m) => practiceRoles.includes(m.role) && m.organisationKind === 'gp_practice')
  ) {
    items.push({ text: 'Practice worklist', href: '/practice' });
  }
  if (roles.has('parent_carer') || roles.has('young_person'))
    items.push({ text: 'My family', href: '/family' });
  if (roles.has('service_administrator')) {
    items.push({ text: 'Organisations', href: '/admin/organisations' });
    items.push({ text: 'Users', href: '/admin/users' });
    items.push({ text: 'Audit trail', href: '/admin/audit' });
    items.push({ text: 'Break-glass reviews', href: '/admin/break-glass' });
    if (demo) items.push({ text: 'E-mail outbox', href: '/admin/outbox' });
  }
  return items.map((item) => (item.href === currentPath ? { ...item, current: true } : item));
}
