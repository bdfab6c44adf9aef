import type { PlainDate } from '../kernel/dates.ts';

/** The parts someone can play in a child's care, as the care team table records them. */
export type CareTeamRole =
  | 'lead_consultant'
  | 'named_nurse'
  | 'specialist_team'
  | 'gp_practice'
  | 'local_paediatrician'
  | 'local_hospital'
  | 'physiotherapist'
  | 'occupational_therapist'
  | 'ophthalmologist'
  | 'psychologist'
  | 'pharmacist'
  | 'other';

export interface DemoCareTeamMember {
  organisationCode: string;
  role: CareTeamRole;
  /** The named person holding the role, by their demo e-mail address. */
  userEmail?: string;
  startDate: PlainDate;
  endDate: PlainDate | null;
}

export interface DemoMeasurement {
  measuredOn: PlainDate;
  heightCm: number;
  weightKg: number;
}

/** One demo child with everything recorded about them, before it is written to the database. */
export interface DemoPatient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  sex: 'female' | 'male';
  postcode: string;
  registeredPracticeCode: string;
  symptomOnsetDate: PlainDate;
  referralReceivedDate: PlainDate;
  firstSeenDate: PlainDate;
  diagnosisDate: PlainDate;
  careTeam: DemoCareTeamMember[];
  diagnoses: { code: string; diagnosedOn: PlainDate }[];
  growth: DemoMeasurement[];
  /** The young person's own account, by its demo e-mail address. */
  ownAccountEmail?: string;
  carers: {
    email: string;
    relationship: 'mother' | 'father' | 'guardian' | 'carer';
    hasProxyAccess: boolean;
  }[];
}
