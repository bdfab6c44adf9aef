import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type PlainDate, plainDate } from '../kernel/dates.ts';
import {
  type CareTeamMember,
  endDateProblem,
  leavesNoSpecialistTeam,
  overlaps,
  periodOf,
  roleFitsOrganisation,
  startDateProblem,
} from './care-team.rules.ts';

const today = plainDate('2026-11-26');

function member(id: string, kind: string, startDate: string, endDate: string | null = null): CareTeamMember {
  return {
    id,
    organisationId: `org-${id}`,
    organisationCode: id.toUpperCase(),
    organisationName: id,
    organisationKind: kind,
    role: kind === 'specialist_centre' ? 'lead_consultant' : 'gp_practice',
    namedPerson: null,
    startDate: startDate as PlainDate,
    endDate: endDate as PlainDate | null,
  };
}

const leadConsultant = member('sc-lead', 'specialist_centre', '2024-01-10');
const namedNurse = member('sc-nurse', 'specialist_centre', '2024-01-10');
const practice = member('gp', 'gp_practice', '2024-01-10');

describe('a member’s period in the care team', () => {
  test('is current from the start date to the end date, both included', () => {
    assert.equal(periodOf(member('a', 'gp_practice', '2026-11-26'), today), 'current');
    assert.equal(periodOf(member('a', 'gp_practice', '2024-01-10', '2026-11-26'), today), 'current');
    assert.equal(periodOf(member('a', 'gp_practice', '2024-01-10', '2026-11-25'), today), 'past');
    assert.equal(periodOf(member('a', 'gp_practice', '2026-11-27'), today), 'upcoming');
  });
});

describe('dates of a part in care', () => {
  test('a start date more than a year away either side is refused', () => {
    assert.equal(startDateProblem(plainDate('2025-11-26'), today), undefined);
    assert.match(startDateProblem(plainDate('2025-11-25'), today) ?? '', /no more than a year ago/);
    assert.match(startDateProblem(plainDate('2027-11-27'), today) ?? '', /no more than a year from today/);
  });

  test('an end date before the start is refused, and so is ending a part twice', () => {
    assert.equal(endDateProblem(practice, plainDate('2024-01-10'), today), undefined);
    assert.match(endDateProblem(practice, plainDate('2024-01-09'), today) ?? '', /on or after the date/);
    const ended = member('gp', 'gp_practice', '2024-01-10', '2025-06-30');
    assert.match(endDateProblem(ended, today, today) ?? '', /already has an end date/);
  });
});

describe('which organisations may hold which roles', () => {
  test('the specialist roles belong to a specialist centre', () => {
    assert.equal(roleFitsOrganisation('named_nurse', 'specialist_centre'), undefined);
    assert.match(roleFitsOrganisation('lead_consultant', 'local_hospital') ?? '', /Only a specialist centre/);
  });

  test('"GP practice" belongs to a GP practice; the other roles to anyone', () => {
    assert.match(roleFitsOrganisation('gp_practice', 'local_hospital') ?? '', /GP practice/);
    assert.equal(roleFitsOrganisation('physiotherapist', 'allied_service'), undefined);
    assert.equal(roleFitsOrganisation('local_hospital', 'local_hospital'), undefined);
  });
});

test('a membership that has not ended overlaps one starting later', () => {
  assert.equal(overlaps(practice, today), true);
  assert.equal(overlaps({ endDate: plainDate('2026-11-25') }, today), false);
  assert.equal(overlaps({ endDate: today }, today), true);
});

describe('the specialist team always leads care', () => {
  test('ending one of two specialist-centre members is allowed', () => {
    assert.equal(leavesNoSpecialistTeam([leadConsultant, namedNurse, practice], 'sc-lead', today), false);
  });

  test('ending the last specialist-centre member is refused', () => {
    assert.equal(leavesNoSpecialistTeam([leadConsultant, practice], 'sc-lead', today), true);
  });

  test('another specialist member who has left does not count', () => {
    const left = member('sc-old', 'specialist_centre', '2020-01-01', '2023-01-01');
    assert.equal(leavesNoSpecialistTeam([leadConsultant, left, practice], 'sc-lead', today), true);
  });

  test('ending a GP practice never touches the rule', () => {
    assert.equal(leavesNoSpecialistTeam([leadConsultant, practice], 'gp', today), false);
  });
});
