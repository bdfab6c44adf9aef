import { type PlainDate, plainDate } from '../kernel/dates.ts';
import { type CodedCondition, conditionNamed } from './conditions.rules.ts';
import type { DemoCareTeamMember, DemoMeasurement, DemoPatient } from './demo-patient.ts';

/**
 * The five children the guided tour and the other tests know by name. Their NHS numbers, practices and
 * care teams are fixed: each shows one way a person comes to see (or not see) a record.
 */
export function namedPatients(conditions: readonly CodedCondition[]): DemoPatient[] {
  const diagnosis = (condition: string, diagnosedOn: string) => {
    const code = conditionNamed(conditions, condition)?.codes[0];
    return code ? [{ code, diagnosedOn: d(diagnosedOn) }] : [];
  };
  return [
    {
      // A young child with oligoarthritis: the whole shared-care team, a physiotherapist and her mother.
      nhsNumber: '9990000018',
      givenName: 'Amelia',
      familyName: 'Hart',
      dateOfBirth: d('2016-03-14'),
      sex: 'female',
      postcode: 'NF1 2AB',
      registeredPracticeCode: 'GP001',
      ...auditDates('2023-09-18', '2023-11-20', '2024-01-10', '2024-01-10'),
      careTeam: [
        member('SC001', 'lead_consultant', '2024-01-10', null, 'consultant@demo.test'),
        member('SC001', 'named_nurse', '2024-01-10', null, 'nurse@demo.test'),
        member('GP001', 'gp_practice', '2024-01-10'),
        member('AS001', 'physiotherapist', '2024-02-01', null, 'physio@demo.test'),
      ],
      diagnoses: diagnosis('Oligoarthritis, persistent', '2024-01-10'),
      growth: [
        measured('2024-01-10', 125.8, 24.9),
        measured('2024-07-15', 128.9, 26.4),
        measured('2025-01-20', 131.7, 27.8),
        measured('2025-12-08', 136.2, 30.5),
      ],
      carers: [{ email: 'parent@demo.test', relationship: 'mother', hasProxyAccess: true }],
    },
    {
      // Polyarthritis, with the local hospital's paediatrician sharing care.
      nhsNumber: '9990000026',
      givenName: 'Oliver',
      familyName: 'Bennett',
      dateOfBirth: d('2012-09-02'),
      sex: 'male',
      postcode: 'NF6 4RT',
      registeredPracticeCode: 'GP002',
      ...auditDates('2021-10-04', '2022-01-12', '2022-03-02', '2022-03-02'),
      careTeam: [
        member('SC001', 'lead_consultant', '2022-03-02', null, 'consultant@demo.test'),
        member('GP002', 'gp_practice', '2022-03-02'),
        member('LH001', 'local_paediatrician', '2022-06-01', null, 'paediatrician@demo.test'),
      ],
      diagnoses: diagnosis('Polyarthritis, RF negative', '2022-03-02'),
      growth: [
        measured('2022-03-02', 140.1, 33.0),
        measured('2023-09-14', 152.4, 41.6),
        measured('2025-03-20', 166.0, 52.3),
      ],
      carers: [],
    },
    {
      // A pre-school child with dermatomyositis.
      nhsNumber: '9990000034',
      givenName: 'Isla',
      familyName: 'Khan',
      dateOfBirth: d('2019-06-21'),
      sex: 'female',
      postcode: 'NF3 7LP',
      registeredPracticeCode: 'GP001',
      ...auditDates('2024-08-15', '2024-09-20', '2024-10-01', '2024-10-15'),
      careTeam: [
        member('SC001', 'lead_consultant', '2024-10-01', null, 'consultant@demo.test'),
        member('GP001', 'gp_practice', '2024-10-01'),
      ],
      diagnoses: diagnosis('Juvenile dermatomyositis', '2024-10-15'),
      growth: [
        measured('2024-10-01', 103.5, 16.1),
        measured('2025-04-07', 106.8, 17.0),
        measured('2025-10-13', 110.2, 18.3),
      ],
      carers: [],
    },
    {
      // He moved from Riverside Surgery to Hillview: Riverside's part in his care has ended.
      nhsNumber: '9990000042',
      givenName: 'Noah',
      familyName: 'Williams',
      dateOfBirth: d('2010-01-30'),
      sex: 'male',
      postcode: 'NF7 1DW',
      registeredPracticeCode: 'GP002',
      ...auditDates('2022-11-07', '2023-03-10', '2023-05-01', '2023-06-12'),
      careTeam: [
        member('SC001', 'lead_consultant', '2023-05-01', null, 'consultant@demo.test'),
        member('GP001', 'gp_practice', '2023-05-01', '2025-06-30'),
        member('GP002', 'gp_practice', '2025-07-01'),
      ],
      diagnoses: diagnosis('Enthesitis-related arthritis', '2023-06-12'),
      growth: [
        measured('2023-05-01', 160.2, 47.5),
        measured('2024-05-13', 167.9, 54.0),
        measured('2025-08-04', 173.1, 60.2),
      ],
      carers: [],
    },
    {
      // A teenager with lupus who signs in to her own record.
      nhsNumber: '9990000050',
      givenName: 'Grace',
      familyName: 'Okafor',
      dateOfBirth: d('2009-11-05'),
      sex: 'female',
      postcode: 'NF11 3HS',
      registeredPracticeCode: 'GP003',
      ...auditDates('2023-02-01', '2023-03-01', '2023-03-15', '2023-04-05'),
      careTeam: [
        member('SC001', 'lead_consultant', '2023-03-15', null, 'consultant@demo.test'),
        member('GP003', 'gp_practice', '2023-03-15'),
      ],
      diagnoses: diagnosis('Systemic lupus erythematosus', '2023-04-05'),
      growth: [
        measured('2023-03-15', 158.7, 50.2),
        measured('2024-03-18', 161.5, 53.4),
        measured('2025-09-22', 162.6, 55.1),
      ],
      ownAccountEmail: 'teen@demo.test',
      carers: [],
    },
  ];
}

function d(date: string): PlainDate {
  return plainDate(date);
}

function auditDates(symptomOnset: string, referralReceived: string, firstSeen: string, diagnosis: string) {
  return {
    symptomOnsetDate: d(symptomOnset),
    referralReceivedDate: d(referralReceived),
    firstSeenDate: d(firstSeen),
    diagnosisDate: d(diagnosis),
  };
}

function member(
  organisationCode: string,
  role: DemoCareTeamMember['role'],
  startDate: string,
  endDate: string | null = null,
  userEmail?: string,
): DemoCareTeamMember {
  return {
    organisationCode,
    role,
    startDate: d(startDate),
    endDate: endDate === null ? null : d(endDate),
    ...(userEmail ? { userEmail } : {}),
  };
}

function measured(measuredOn: string, heightCm: number, weightKg: number): DemoMeasurement {
  return { measuredOn: d(measuredOn), heightCm, weightKg };
}
