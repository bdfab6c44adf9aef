/** What a person does in Jointly. Staff roles belong to an organisation; family roles do not. */
export const staffRoles = [
  'consultant',
  'nurse_specialist',
  'pharmacist',
  'team_administrator',
  'gp',
  'practice_nurse',
  'practice_pharmacist',
  'local_paediatrician',
  'allied_health_professional',
  'service_administrator',
  'clinical_safety_officer',
] as const;
export const familyRoles = ['parent_carer', 'young_person'] as const;
export const roles = [...staffRoles, ...familyRoles] as const;

export type StaffRole = (typeof staffRoles)[number];
export type FamilyRole = (typeof familyRoles)[number];
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  consultant: 'Consultant',
  nurse_specialist: 'Nurse specialist',
  pharmacist: 'Pharmacist',
  team_administrator: 'Team administrator',
  gp: 'GP',
  practice_nurse: 'Practice nurse',
  practice_pharmacist: 'Practice pharmacist',
  local_paediatrician: 'Local paediatrician',
  allied_health_professional: 'Allied health professional',
  parent_carer: 'Parent or carer',
  young_person: 'Young person',
  service_administrator: 'Service administrator',
  clinical_safety_officer: 'Clinical safety officer',
};

export const organisationKinds = [
  'specialist_centre',
  'gp_practice',
  'local_hospital',
  'allied_service',
  'other_service',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const organisationKindLabels: Record<OrganisationKind, string> = {
  specialist_centre: 'Specialist centre',
  gp_practice: 'GP practice',
  local_hospital: 'Local hospital',
  allied_service: 'Allied health service',
  other_service: 'Other service',
};

/** The roles each kind of organisation may give its staff. */
export const rolesByOrganisationKind: Record<OrganisationKind, readonly StaffRole[]> = {
  specialist_centre: [
    'consultant',
    'nurse_specialist',
    'pharmacist',
    'team_administrator',
    'service_administrator',
    'clinical_safety_officer',
  ],
  gp_practice: ['gp', 'practice_nurse', 'practice_pharmacist'],
  local_hospital: ['local_paediatrician', 'nurse_specialist', 'pharmacist', 'allied_health_professional'],
  allied_service: ['allied_health_professional'],
  other_service: ['allied_health_professional', 'local_paediatrician'],
};

export function isFamilyRole(role: Role): role is FamilyRole {
  return (familyRoles as readonly string[]).includes(role);
}
