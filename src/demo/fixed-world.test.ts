import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkNhsNumber } from '../kernel/nhs-number.ts';
import { demoOrganisations, demoUsers, signInLines } from './fixed-world.ts';
import { namedPatients } from './named-patients.ts';

describe('demo sign-in lines', () => {
  test('name the role and organisation, or whose account a family account is', () => {
    const lines = signInLines(
      [
        { email: 'consultant@demo.test', displayName: 'Dr A', role: 'consultant', organisationCode: 'SC001' },
        {
          email: 'parent@demo.test',
          displayName: 'B',
          role: 'parent_carer',
          organisationCode: null,
          whoFor: 'mother of X',
        },
      ],
      [{ code: 'SC001', name: 'Northfield', kind: 'specialist_centre' }],
    );
    assert.match(lines[0]!, /^consultant@demo\.test\s{3,}Consultant, SC001 Northfield$/);
    assert.match(lines[1]!, /^parent@demo\.test\s{3,}Parent or carer, mother of X$/);
  });
});

describe('the fixed demo world', () => {
  test('has at least three organisations of each kind the shared care needs', () => {
    for (const kind of ['specialist_centre', 'gp_practice', 'local_hospital', 'allied_service'] as const) {
      assert.ok(demoOrganisations.filter((o) => o.kind === kind).length >= 3, kind);
    }
  });

  test('gives every staff account an organisation that exists, and family accounts none', () => {
    const codes = new Set(demoOrganisations.map((o) => o.code));
    for (const user of demoUsers) {
      const family = user.role === 'parent_carer' || user.role === 'young_person';
      assert.equal(user.organisationCode === null, family, user.email);
      if (user.organisationCode) assert.ok(codes.has(user.organisationCode), user.email);
    }
  });

  test('the five named patients have valid test NHS numbers and care teams of known organisations and people', () => {
    const codes = new Set(demoOrganisations.map((o) => o.code));
    const emails = new Set(demoUsers.map((u) => u.email));
    const named = namedPatients([]);
    assert.deepEqual(
      named.map((p) => p.nhsNumber),
      ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050'],
    );
    for (const patient of named) {
      assert.ok(checkNhsNumber(patient.nhsNumber, { allowTestRange: true }).ok);
      assert.ok(codes.has(patient.registeredPracticeCode));
      for (const member of patient.careTeam) {
        assert.ok(codes.has(member.organisationCode), member.organisationCode);
        if (member.userEmail) assert.ok(emails.has(member.userEmail), member.userEmail);
      }
    }
  });
});
