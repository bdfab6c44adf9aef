import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';
import { nhsCheckDigit } from '../kernel/nhs-number.ts';
import { type CodedCondition, onsetAge, pickCondition } from './conditions.rules.ts';
import type { DemoMeasurement, DemoPatient } from './demo-patient.ts';
import { drawCentile, measurementAt } from './growth-curve.rules.ts';
import { boysNames, familyNames, girlsNames } from './names.ts';
import type { Random } from './random.rules.ts';
import { syntheticCareTeam } from './synthetic-care-team.rules.ts';

const DAYS_PER_YEAR = 365.25;
/** Children leave the paediatric service at 18: nobody synthetic is older than 17 years 11 months. */
const OLDEST_YEARS = 17.95;

/** Where the synthetic children live: each practice has its own (fictional) postcode districts. */
export const practiceAreas: readonly {
  code: string;
  share: number;
  area: string;
  districts: [number, number];
}[] = [
  { code: 'GP001', share: 0.3, area: 'NF', districts: [1, 4] },
  { code: 'GP002', share: 0.3, area: 'NF', districts: [5, 9] },
  { code: 'GP003', share: 0.15, area: 'NF', districts: [10, 14] },
  { code: 'GP004', share: 0.13, area: 'MB', districts: [1, 6] },
  { code: 'GP005', share: 0.12, area: 'MB', districts: [7, 12] },
];

// Letters that never appear in the last two places of a British postcode are left out (C, I, K, M, O, V).
const inwardLetters = 'ABDEFGHJLNPQRSTUWXYZ';

export interface SyntheticOptions {
  /** The date the children's ages and histories are worked out back from. */
  today: PlainDate;
  /** The conditions to draw from, with their codes (see `codedConditions`). */
  conditions: readonly CodedCondition[];
  /** NHS numbers already in use: none of them is given out again. */
  takenNhsNumbers: ReadonlySet<string>;
}

/** `count` made-up children, each with a believable history, care team, diagnosis and growth record. */
export function syntheticPatients(random: Random, count: number, options: SyntheticOptions): DemoPatient[] {
  if (options.conditions.length === 0) throw new Error('No coded conditions to draw synthetic patients from');
  const nhsNumbers = newNhsNumbers(random, count, options.takenNhsNumbers);
  return nhsNumbers.map((nhsNumber) => syntheticPatient(random, nhsNumber, options));
}

function syntheticPatient(random: Random, nhsNumber: string, options: SyntheticOptions): DemoPatient {
  const { today } = options;
  const condition = pickCondition(random, options.conditions);
  const sex = random.chance(condition.profile.femaleShare) ? 'female' : 'male';
  const history = clinicalHistory(random, onsetAge(random, condition.profile), today);
  const practice = random.weighted(practiceAreas.map((p) => [p, p.share] as const));
  return {
    nhsNumber,
    givenName: random.pick(sex === 'female' ? girlsNames : boysNames),
    familyName: random.pick(familyNames),
    dateOfBirth: history.dateOfBirth,
    sex,
    postcode: postcodeIn(random, practice),
    registeredPracticeCode: practice.code,
    symptomOnsetDate: history.symptomOnsetDate,
    referralReceivedDate: history.referralReceivedDate,
    firstSeenDate: history.firstSeenDate,
    diagnosisDate: history.diagnosisDate,
    careTeam: syntheticCareTeam(random, {
      registeredPracticeCode: practice.code,
      otherPracticeCodes: practiceAreas.map((p) => p.code).filter((code) => code !== practice.code),
      condition: condition.profile,
      firstSeenDate: history.firstSeenDate,
      today,
    }),
    diagnoses: [{ code: random.pick(condition.codes), diagnosedOn: history.diagnosisDate }],
    growth: growthRecord(random, sex, history.dateOfBirth, history.firstSeenDate, today),
    carers: [],
  };
}

interface ClinicalHistory {
  dateOfBirth: PlainDate;
  symptomOnsetDate: PlainDate;
  referralReceivedDate: PlainDate;
  firstSeenDate: PlainDate;
  diagnosisDate: PlainDate;
}

/**
 * Works back from today: time in the service, the wait to be seen, the time before referral, then the age at
 * onset gives the date of birth. So onset ≤ referral ≤ first seen ≤ diagnosis ≤ today, and the child is 1 to 17.
 */
export function clinicalHistory(random: Random, ageAtOnset: number, today: PlainDate): ClinicalHistory {
  const onsetToReferral = Math.min(300, 14 + Math.floor(-Math.log(1 - random.next()) * 70));
  const referralToFirstSeen = Math.min(120, 7 + Math.floor(-Math.log(1 - random.next()) * 30));
  const ageFirstSeen = ageAtOnset + (onsetToReferral + referralToFirstSeen) / DAYS_PER_YEAR;
  const longestInService = Math.min(7 * DAYS_PER_YEAR, (OLDEST_YEARS - ageFirstSeen) * DAYS_PER_YEAR);
  const daysInService = 30 + Math.floor(random.next() * Math.max(0, longestInService - 30));
  const firstSeenDate = addDays(today, -daysInService);
  const referralReceivedDate = addDays(firstSeenDate, -referralToFirstSeen);
  const symptomOnsetDate = addDays(referralReceivedDate, -onsetToReferral);
  const dateOfBirth = addDays(symptomOnsetDate, -Math.round(ageAtOnset * DAYS_PER_YEAR));
  const toDiagnosis = random.chance(0.6) ? 0 : random.int(7, 90);
  const diagnosisDate = addDays(firstSeenDate, Math.min(toDiagnosis, daysInService));
  return { dateOfBirth, symptomOnsetDate, referralReceivedDate, firstSeenDate, diagnosisDate };
}

/** Two to six measurements spread from the first visit to today, on different days. */
function growthRecord(
  random: Random,
  sex: 'female' | 'male',
  dateOfBirth: PlainDate,
  firstSeen: PlainDate,
  today: PlainDate,
): DemoMeasurement[] {
  const span = daysBetween(firstSeen, today);
  const count = Math.min(random.int(2, 6), span + 1);
  const centile = drawCentile(random);
  const measurements: DemoMeasurement[] = [];
  for (let i = 0; i < count; i++) {
    const slot = Math.round((i * span) / Math.max(1, count - 1));
    const jitter = i === 0 || i === count - 1 ? 0 : random.int(-7, 7);
    const measuredOn = addDays(firstSeen, Math.min(span, Math.max(0, slot + jitter)));
    if (measurements.some((m) => m.measuredOn === measuredOn)) continue;
    const ageYears = daysBetween(dateOfBirth, measuredOn) / DAYS_PER_YEAR;
    measurements.push({ measuredOn, ...measurementAt(random, sex, ageYears, centile) });
  }
  return measurements;
}

/** A postcode of the right shape in one of the practice's districts, e.g. "NF3 7LP". */
export function postcodeIn(random: Random, practice: { area: string; districts: [number, number] }): string {
  const district = random.int(practice.districts[0], practice.districts[1]);
  return `${practice.area}${district} ${random.int(1, 9)}${random.pick([...inwardLetters])}${random.pick([...inwardLetters])}`;
}

/**
 * `count` different NHS numbers from the 999 test range that pass the modulus 11 check, none of them
 * in `taken`. Prefixes with no valid check digit, and numbers of one repeated digit, are skipped.
 */
export function newNhsNumbers(random: Random, count: number, taken: ReadonlySet<string>): string[] {
  const room = 900_000 - taken.size;
  if (count > room * 0.9) {
    throw new RangeError(
      `Cannot make ${count} more test NHS numbers: the 999 range has room for about ${room}`,
    );
  }
  const made = new Set<string>();
  while (made.size < count) {
    const firstNine = `999${String(random.int(0, 999_999)).padStart(6, '0')}`;
    const check = nhsCheckDigit(firstNine);
    if (check === undefined) continue;
    const nhsNumber = `${firstNine}${check}`;
    if (/^(\d)\1{9}$/.test(nhsNumber) || taken.has(nhsNumber) || made.has(nhsNumber)) continue;
    made.add(nhsNumber);
  }
  return [...made];
}
