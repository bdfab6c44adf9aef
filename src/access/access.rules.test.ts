import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { type Role, roles } from '../kernel/roles.ts';
import {
  type AccessDecision,
  decideAccess,
  type PatientAction,
  type PatientRelationships,
  type Viewer,
} from './access.rules.ts';

const today = '2026-11-26' as PlainDate;
const now = new Date('2026-11-26T10:00:00Z');
const at = { today, now };

const specialistCentre = { id: 'org-sc', kind: 'specialist_centre', code: 'SC001' };
const gpPractice = { id: 'org-gp', kind: 'gp_practice', code: 'GP001' };
const otherPractice = { id: 'org-gp2', kind: 'gp_practice', code: 'GP002' };

/** The organisation each staff role works in for these tests. */
function homeOf(role: Role) {
  if (['gp', 'practice_nurse', 'practice_pharmacist'].includes(role)) return gpPractice;
  return specialistCentre;
}

function viewerWith(role: Role): Viewer {
  const isFamily = role === 'parent_carer' || role === 'young_person';
  const org = homeOf(role);
  return {
    id: 'user-1',
    memberships: [
      isFamily
        ? { organisationId: null, role }
        : { organisationId: org.id, organisationCode: org.code, organisationKind: org.kind, role },
    ],
  };
}

const noOne: PatientRelationships = {
  patientId: 'p',
  careTeam: [],
  carers: [],
  patientUserId: null,
  breakGlass: [],
};

/** Each way a person can stand towards a patient, as the data the rules see. */
const relationships: Record<string, (viewer: Viewer) => PatientRelationships> = {
  'no relationship': () => noOne,
  'their organisation is in the current care team': (v) => ({
    ...noOne,
    careTeam: [
      {
        organisationId: v.memberships[0]!.organisationId ?? 'none',
        startDate: '2025-01-01' as PlainDate,
        endDate: null,
      },
    ],
  }),
  'their organisation’s part in care has ended': (v) => ({
    ...noOne,
    careTeam: [
      {
        organisationId: v.memberships[0]!.organisationId ?? 'none',
        startDate: '2025-01-01' as PlainDate,
        endDate: '2026-11-25' as PlainDate,
      },
    ],
  }),
  'their organisation joins the care team next week': (v) => ({
    ...noOne,
    careTeam: [
      {
        organisationId: v.memberships[0]!.organisationId ?? 'none',
        startDate: '2026-12-03' as PlainDate,
        endDate: null,
      },
    ],
  }),
  'only another practice is in the care team': () => ({
    ...noOne,
    careTeam: [{ organisationId: otherPractice.id, startDate: '2025-01-01' as PlainDate, endDate: null }],
  }),
  'linked parent or carer with proxy access': (v) => ({
    ...noOne,
    carers: [{ userId: v.id, hasProxyAccess: true }],
  }),
  'linked parent or carer without proxy access': (v) => ({
    ...noOne,
    carers: [{ userId: v.id, hasProxyAccess: false }],
  }),
  'the patient themself': (v) => ({ ...noOne, patientUserId: v.id }),
  'current break-glass grant': () => ({
    ...noOne,
    breakGlass: [{ expiresAt: new Date('2026-11-26T10:30:00Z'), reason: 'Seen in A&E, unwell' }],
  }),
  'expired break-glass grant': () => ({
    ...noOne,
    breakGlass: [{ expiresAt: new Date('2026-11-26T09:59:00Z'), reason: 'Seen in A&E, unwell' }],
  }),
};

const clinicians: Role[] = [
  'consultant',
  'nurse_specialist',
  'pharmacist',
  'gp',
  'practice_nurse',
  'practice_pharmacist',
  'local_paediatrician',
  'allied_health_professional',
];

/** Who may READ, relationship by relationship: the expected matrix, written out in full. */
function expectedRead(role: Role, relationship: string): AccessDecision['allowed'] {
  const careRoles: Role[] = [...clinicians, 'team_administrator'];
  switch (relationship) {
    case 'their organisation is in the current care team':
      return careRoles.includes(role);
    case 'linked parent or carer with proxy access':
      return role === 'parent_carer';
    case 'the patient themself':
      return role === 'young_person';
    case 'current break-glass grant':
      return clinicians.includes(role);
    default:
      return false;
  }
}

describe('who may see a patient: every role against every relationship', () => {
  for (const role of roles) {
    for (const [relationship, build] of Object.entries(relationships)) {
      const expected = expectedRead(role, relationship);
      test(`${role} — ${relationship}: ${expected ? 'may see' : 'may not see'}`, () => {
        const viewer = viewerWith(role);
        const decision = decideAccess(viewer, build(viewer), 'read', at);
        assert.equal(decision.allowed, expected);
        if (!decision.allowed) assert.ok(decision.reason.length > 20, 'a refusal explains itself');
      });
    }
  }
});

describe('what each relationship lets a person do', () => {
  const inCareTeam = relationships['their organisation is in the current care team']!;

  test('only the specialist team may change the care team, even when a GP practice is in it', () => {
    for (const role of ['gp', 'practice_nurse'] as Role[]) {
      const v = viewerWith(role);
      assert.equal(decideAccess(v, inCareTeam(v), 'edit-care-team', at).allowed, false);
    }
    const nurse = viewerWith('nurse_specialist');
    assert.equal(decideAccess(nurse, inCareTeam(nurse), 'edit-care-team', at).allowed, true);
  });

  test('break-glass lets a clinician read, not change anything', () => {
    const gp = viewerWith('gp');
    const grant = relationships['current break-glass grant']!(gp);
    const actions: PatientAction[] = [
      'edit-demographics',
      'record-growth',
      'edit-care-team',
      'view-access-log',
    ];
    for (const action of actions) assert.equal(decideAccess(gp, grant, action, at).allowed, false, action);
    const read = decideAccess(gp, grant, 'read', at);
    assert.ok(
      read.allowed && read.relationship === 'break-glass' && read.breakGlassReason === 'Seen in A&E, unwell',
    );
  });

  test('a parent may read their child’s record but not change it', () => {
    const parent = viewerWith('parent_carer');
    const linked = relationships['linked parent or carer with proxy access']!(parent);
    assert.equal(decideAccess(parent, linked, 'read', at).allowed, true);
    assert.equal(decideAccess(parent, linked, 'record-growth', at).allowed, false);
  });

  test('service administrators never see records, even when their organisation leads the care', () => {
    const admin = viewerWith('service_administrator');
    const decision = decideAccess(admin, inCareTeam(admin), 'read', at);
    assert.equal(decision.allowed, false);
    assert.match((decision as { reason: string }).reason, /role \(Service administrator\) does not allow/);
  });
});

describe('a refusal says which relationship is missing', () => {
  test('a GP of another practice is told their organisation is not in the care team, and about break-glass', () => {
    const gp = viewerWith('gp');
    const decision = decideAccess(
      gp,
      relationships['only another practice is in the care team']!(gp),
      'read',
      at,
    );
    assert.ok(!decision.allowed);
    assert.match(decision.reason, /GP001\) is not in this patient's current care team/);
    assert.match(decision.reason, /break-glass/);
  });

  test('a parent is told they are not linked to this child', () => {
    const parent = viewerWith('parent_carer');
    const decision = decideAccess(parent, noOne, 'read', at);
    assert.ok(!decision.allowed);
    assert.match(decision.reason, /not linked to this child/);
  });

  test('a young person is told this is not their record', () => {
    const teen = viewerWith('young_person');
    const decision = decideAccess(teen, noOne, 'read', at);
    assert.ok(!decision.allowed);
    assert.match(decision.reason, /not your own record/);
  });
});
