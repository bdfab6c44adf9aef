import { type OrganisationKind, type Role, roleLabels } from '../kernel/roles.ts';

/**
 * The fixed part of the demo: fictional organisations and the people who sign in to them. Other tests and
 * the guided tour rely on these exact codes and e-mail addresses, so change them only with them.
 */
export interface DemoOrganisation {
  code: string;
  name: string;
  kind: OrganisationKind;
}

export const demoOrganisations: readonly DemoOrganisation[] = [
  { code: 'SC001', name: "Northfield Children's Rheumatology Centre", kind: 'specialist_centre' },
  { code: 'SC002', name: 'Eastmere Paediatric Rheumatology Service', kind: 'specialist_centre' },
  { code: 'SC003', name: "Westbrook Children's Hospital Rheumatology Unit", kind: 'specialist_centre' },
  { code: 'GP001', name: 'Riverside Surgery', kind: 'gp_practice' },
  { code: 'GP002', name: 'Hillview Medical Practice', kind: 'gp_practice' },
  { code: 'GP003', name: 'Orchard Lane Surgery', kind: 'gp_practice' },
  { code: 'GP004', name: 'Canal Street Health Centre', kind: 'gp_practice' },
  { code: 'GP005', name: 'Meadowbank Family Practice', kind: 'gp_practice' },
  { code: 'LH001', name: 'Millbrook General Hospital', kind: 'local_hospital' },
  { code: 'LH002', name: 'Eastmere District Hospital', kind: 'local_hospital' },
  { code: 'LH003', name: 'Saltmarsh Community Hospital', kind: 'local_hospital' },
  { code: 'AS001', name: "Northfield Children's Physiotherapy", kind: 'allied_service' },
  { code: 'AS002', name: "Northfield Children's Occupational Therapy", kind: 'allied_service' },
  { code: 'AS003', name: 'Millbrook Paediatric Ophthalmology', kind: 'allied_service' },
  { code: 'OS001', name: "Northfield Children's Psychology Service", kind: 'other_service' },
];

export interface DemoUser {
  email: string;
  displayName: string;
  role: Role;
  /** null for parents, carers and young people, who belong to no organisation. */
  organisationCode: string | null;
  /** Shown at start-up instead of the organisation, for family accounts. */
  whoFor?: string;
}

export const demoUsers: readonly DemoUser[] = [
  {
    email: 'consultant@demo.test',
    displayName: 'Dr Priya Raman',
    role: 'consultant',
    organisationCode: 'SC001',
  },
  {
    email: 'nurse@demo.test',
    displayName: 'Sam Fletcher',
    role: 'nurse_specialist',
    organisationCode: 'SC001',
  },
  { email: 'gp@demo.test', displayName: 'Dr Tom Adeyemi', role: 'gp', organisationCode: 'GP001' },
  { email: 'gp2@demo.test', displayName: 'Dr Helen Marsh', role: 'gp', organisationCode: 'GP002' },
  {
    email: 'paediatrician@demo.test',
    displayName: 'Dr Aoife Brennan',
    role: 'local_paediatrician',
    organisationCode: 'LH001',
  },
  {
    email: 'physio@demo.test',
    displayName: 'Jamie Lin',
    role: 'allied_health_professional',
    organisationCode: 'AS001',
  },
  {
    email: 'parent@demo.test',
    displayName: 'Laura Hart',
    role: 'parent_carer',
    organisationCode: null,
    whoFor: 'mother of Amelia Hart',
  },
  {
    email: 'teen@demo.test',
    displayName: 'Grace Okafor',
    role: 'young_person',
    organisationCode: null,
    whoFor: 'Grace Okafor’s own account',
  },
  {
    email: 'admin@demo.test',
    displayName: 'Chris Doyle',
    role: 'service_administrator',
    organisationCode: 'SC001',
  },
  {
    email: 'cso@demo.test',
    displayName: 'Dr Miriam Osei',
    role: 'clinical_safety_officer',
    organisationCode: 'SC001',
  },
];

/** "consultant@demo.test      Consultant, SC001 Northfield Children's Rheumatology Centre" */
export function signInLines(
  users: readonly DemoUser[],
  organisations: readonly DemoOrganisation[],
): string[] {
  const width = Math.max(...users.map((u) => u.email.length)) + 3;
  return users.map((user) => {
    const organisation = organisations.find((o) => o.code === user.organisationCode);
    const where = organisation ? `${organisation.code} ${organisation.name}` : user.whoFor;
    return `${user.email.padEnd(width)}${roleLabels[user.role]}${where ? `, ${where}` : ''}`;
  });
}
