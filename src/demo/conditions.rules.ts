import type { DiagnosisCode, DiagnosisGroup, IlarCategory } from '../patients/diagnoses.ts';
import type { Random } from './random.rules.ts';

/**
 * The conditions a paediatric rheumatology service sees, as the synthetic population is drawn from them:
 * how common each is (per 1000 children on the caseload), who gets it and at what age it starts.
 *
 * The shape follows the published epidemiology (ILAR JIA categories: oligoarthritis about half of all JIA and
 * starting in toddlers; enthesitis-related arthritis in adolescent boys; RF-positive polyarthritis and lupus in
 * adolescent girls; IgA vasculitis and Kawasaki disease in young children). The numbers are rough, made for
 * plausible demo data, not for any clinical use.
 */
export interface ConditionProfile {
  name: string;
  group: DiagnosisGroup;
  /** For JIA: the ILAR category, whose code is used when the list has one. */
  ilarCategory?: IlarCategory;
  /**
   * Otherwise the codes of this condition are those in its group whose term matches; without a pattern (or, for
   * JIA, when nothing matches) the group's codes that no other condition claims, such as the general JIA code.
   */
  termPattern?: RegExp;
  perThousand: number;
  femaleShare: number;
  /** Age at onset in years: one or more normal peaks, each with its share, cut to [youngest, oldest]. */
  onsetPeaks: readonly { mean: number; sd: number; share: number }[];
  youngest: number;
  oldest: number;
}

// Each line: condition, per 1000 on the caseload, share who are girls, age at onset (peaks, or mean and sd),
// youngest and oldest age at onset, and for some a pattern for the term of its code.
export const conditionProfiles: readonly ConditionProfile[] = [
  jia('Oligoarthritis, persistent', 250, 0.75, [{ mean: 3, sd: 1.8, share: 1 }], 1, 12, /oligoarthritis/i),
  jia('Oligoarthritis, extended', 80, 0.75, [{ mean: 3.5, sd: 2, share: 1 }], 1, 12, /oligoarthritis/i),
  jia(
    'Polyarthritis, RF negative',
    140,
    0.8,
    [
      { mean: 3.5, sd: 1.5, share: 0.35 },
      { mean: 10, sd: 3, share: 0.65 },
    ],
    1,
    16,
  ),
  jia('Polyarthritis, RF positive', 25, 0.85, [{ mean: 12.5, sd: 2, share: 1 }], 6, 16),
  jia('Systemic arthritis', 45, 0.5, [{ mean: 6, sd: 4, share: 1 }], 1, 15),
  jia(
    'Psoriatic arthritis',
    40,
    0.6,
    [
      { mean: 3, sd: 1.5, share: 0.4 },
      { mean: 10.5, sd: 2.5, share: 0.6 },
    ],
    1,
    16,
  ),
  jia('Enthesitis-related arthritis', 75, 0.25, [{ mean: 12, sd: 2.2, share: 1 }], 6, 16, /enthesitis/i),
  jia('Undifferentiated arthritis', 25, 0.65, [{ mean: 8, sd: 4, share: 1 }], 1, 16, /undifferentiated/i),
  other('Systemic lupus erythematosus', 'Systemic lupus erythematosus', 45, 0.85, 12.5, 2.2, 6, 16.5),
  other('Juvenile dermatomyositis', 'Juvenile dermatomyositis', 35, 0.65, 7, 3, 2, 15),
  other('IgA vasculitis', 'Vasculitis', 35, 0.45, 6, 2.5, 2, 14, /henoch|iga vasculitis|anaphylactoid/i),
  other('Kawasaki disease', 'Vasculitis', 15, 0.4, 2.5, 1.5, 1, 7, /kawasaki|mucocutaneous lymph node/i),
  other('Other vasculitis', 'Vasculitis', 10, 0.55, 12, 3, 4, 16.5),
  other('Scleroderma', 'Scleroderma', 30, 0.65, 8, 3, 2, 16),
  other('Uveitis', 'Uveitis', 25, 0.65, 7, 3, 2, 16),
  other('Chronic pain', 'Chronic pain', 100, 0.75, 13, 1.8, 8, 16.5),
  other('Other rheumatic conditions', 'Other', 15, 0.6, 8, 4, 1, 16.5),
];

function jia(
  ilarCategory: IlarCategory,
  perThousand: number,
  femaleShare: number,
  onsetPeaks: ConditionProfile['onsetPeaks'],
  youngest: number,
  oldest: number,
  termPattern?: RegExp,
): ConditionProfile {
  const group: DiagnosisGroup = 'Juvenile idiopathic arthritis';
  const profile = {
    name: ilarCategory,
    group,
    ilarCategory,
    perThousand,
    femaleShare,
    onsetPeaks,
    youngest,
    oldest,
  };
  return termPattern ? { ...profile, termPattern } : profile;
}

function other(
  name: string,
  group: DiagnosisGroup,
  perThousand: number,
  femaleShare: number,
  mean: number,
  sd: number,
  youngest: number,
  oldest: number,
  termPattern?: RegExp,
): ConditionProfile {
  const onsetPeaks = [{ mean, sd, share: 1 }];
  return {
    name,
    group,
    perThousand,
    femaleShare,
    onsetPeaks,
    youngest,
    oldest,
    ...(termPattern ? { termPattern } : {}),
  };
}

/** A condition with the diagnosis codes that stand for it in Jointly's coded list. */
export interface CodedCondition {
  profile: ConditionProfile;
  codes: readonly string[];
}

/**
 * Matches each condition to its codes in the diagnosis list. Conditions the list has no code for yet are
 * left out, so the synthetic population only ever carries codes the rest of Jointly knows.
 */
export function codedConditions(
  codes: readonly DiagnosisCode[],
  profiles: readonly ConditionProfile[] = conditionProfiles,
): CodedCondition[] {
  return profiles
    .map((profile) => ({ profile, codes: codesFor(profile, codes, profiles).map((c) => c.code) }))
    .filter((condition) => condition.codes.length > 0);
}

function codesFor(
  profile: ConditionProfile,
  codes: readonly DiagnosisCode[],
  profiles: readonly ConditionProfile[],
): DiagnosisCode[] {
  const inGroup = codes.filter((c) => c.group === profile.group);
  if (profile.ilarCategory) {
    const exact = inGroup.filter((c) => c.ilarCategory === profile.ilarCategory);
    if (exact.length > 0) return exact;
  }
  if (profile.termPattern) {
    const matching = inGroup.filter((c) => profile.termPattern!.test(c.term));
    if (matching.length > 0 || !profile.ilarCategory) return matching;
  }
  const claimedElsewhere = (c: DiagnosisCode) =>
    profiles.some((p) => p !== profile && p.group === profile.group && p.termPattern?.test(c.term));
  return inGroup.filter((c) => !c.ilarCategory && !claimedElsewhere(c));
}

/** The coded condition of the given name, for the named demo patients. */
export function conditionNamed(
  conditions: readonly CodedCondition[],
  name: string,
): CodedCondition | undefined {
  return conditions.find((c) => c.profile.name === name);
}

export function pickCondition(random: Random, conditions: readonly CodedCondition[]): CodedCondition {
  return random.weighted(conditions.map((c) => [c, c.profile.perThousand] as const));
}

/** An age at onset in years drawn from the condition's peaks, within its youngest and oldest. */
export function onsetAge(random: Random, profile: ConditionProfile): number {
  const peak = random.weighted(profile.onsetPeaks.map((p) => [p, p.share] as const));
  // Drawing again rather than clamping keeps children from piling up at the limits.
  for (let tries = 0; tries < 20; tries++) {
    const age = random.normal(peak.mean, peak.sd);
    if (age >= profile.youngest && age <= profile.oldest) return age;
  }
  return profile.youngest + random.next() * (profile.oldest - profile.youngest);
}
