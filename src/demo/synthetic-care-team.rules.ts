import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';
import type { ConditionProfile } from './conditions.rules.ts';
import type { DemoCareTeamMember } from './demo-patient.ts';
import type { Random } from './random.rules.ts';

export interface CareTeamContext {
  registeredPracticeCode: string;
  /** The practices a child who moved may have come from. */
  otherPracticeCodes: readonly string[];
  condition: ConditionProfile;
  firstSeenDate: PlainDate;
  today: PlainDate;
}

const localHospitals = [
  ['LH001', 0.5],
  ['LH002', 0.3],
  ['LH003', 0.2],
] as const;

/**
 * Who shares a synthetic child's care: always the specialist centre and their own GP practice; some have a
 * local paediatrician, therapists, an eye clinic or psychology; a few moved practice, so an earlier practice's
 * part has ended.
 */
export function syntheticCareTeam(random: Random, child: CareTeamContext): DemoCareTeamMember[] {
  const { firstSeenDate: firstSeen, today } = child;
  const within = (date: PlainDate) => (date > today ? today : date);
  const from = (minDays: number, maxDays: number) => within(addDays(firstSeen, random.int(minDays, maxDays)));
  const team: DemoCareTeamMember[] = [
    random.chance(0.6)
      ? member('SC001', 'lead_consultant', firstSeen, null, 'consultant@demo.test')
      : member('SC001', 'specialist_team', firstSeen),
    ...generalPractice(random, child),
  ];
  if (random.chance(0.3)) {
    team.push(member(random.weighted(localHospitals), 'local_paediatrician', from(0, 120)));
  }
  if (random.chance(0.25)) team.push(timeLimited(random, 'AS001', 'physiotherapist', from(14, 180), today));
  if (random.chance(0.08))
    team.push(timeLimited(random, 'AS002', 'occupational_therapist', from(30, 240), today));
  if (needsEyeScreening(random, child.condition)) team.push(member('AS003', 'ophthalmologist', from(7, 42)));
  if (child.condition.group === 'Chronic pain' && random.chance(0.5)) {
    team.push(member('OS001', 'psychologist', from(30, 180)));
  }
  return team;
}

/** Their registered practice, from the first visit; or, for the few who moved, the old practice until the move. */
function generalPractice(random: Random, child: CareTeamContext): DemoCareTeamMember[] {
  const { firstSeenDate: firstSeen, today } = child;
  const daysInService = daysBetween(firstSeen, today);
  if (daysInService < 240 || !random.chance(0.04)) {
    return [member(child.registeredPracticeCode, 'gp_practice', firstSeen)];
  }
  const moved = addDays(firstSeen, random.int(180, daysInService - 30));
  return [
    member(random.pick(child.otherPracticeCodes), 'gp_practice', firstSeen, addDays(moved, -1)),
    member(child.registeredPracticeCode, 'gp_practice', moved),
  ];
}

/** A course of therapy: one in five has finished, after three months to a year. */
function timeLimited(
  random: Random,
  organisationCode: string,
  role: DemoCareTeamMember['role'],
  start: PlainDate,
  today: PlainDate,
): DemoCareTeamMember {
  const end = addDays(start, random.int(90, 365));
  return member(organisationCode, role, start, random.chance(0.2) && end < today ? end : null);
}

/** Uveitis is looked after by the eye clinic; younger children with some kinds of JIA are screened there. */
function needsEyeScreening(random: Random, condition: ConditionProfile): boolean {
  if (condition.group === 'Uveitis') return true;
  const screened = [
    'Oligoarthritis, persistent',
    'Oligoarthritis, extended',
    'Polyarthritis, RF negative',
    'Psoriatic arthritis',
  ];
  return (
    condition.ilarCategory !== undefined && screened.includes(condition.ilarCategory) && random.chance(0.6)
  );
}

function member(
  organisationCode: string,
  role: DemoCareTeamMember['role'],
  startDate: PlainDate,
  endDate: PlainDate | null = null,
  userEmail?: string,
): DemoCareTeamMember {
  return { organisationCode, role, startDate, endDate, ...(userEmail ? { userEmail } : {}) };
}
