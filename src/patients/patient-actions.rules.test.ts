import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PatientRelationships, Viewer } from '../access/access.rules.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { allowedActions } from './patient-actions.rules.ts';

const at = { today: '2026-11-26' as PlainDate, now: new Date('2026-11-26T10:00:00Z') };
const since = '2025-01-01' as PlainDate;

const nurseAtSpecialistCentre: Viewer = {
  id: 'nurse',
  memberships: [
    {
      organisationId: 'sc',
      organisationCode: 'SC001',
      organisationKind: 'specialist_centre',
      role: 'nurse_specialist',
    },
  ],
};
const gp: Viewer = {
  id: 'gp',
  memberships: [
    { organisationId: 'gp', organisationCode: 'GP001', organisationKind: 'gp_practice', role: 'gp' },
  ],
};
const mother: Viewer = { id: 'mother', memberships: [{ organisationId: null, role: 'parent_carer' }] };

const amelia: PatientRelationships = {
  patientId: 'amelia',
  careTeam: [
    { organisationId: 'sc', startDate: since, endDate: null },
    { organisationId: 'gp', startDate: since, endDate: null },
  ],
  carers: [{ userId: 'mother', hasProxyAccess: true }],
  patientUserId: null,
  breakGlass: [],
};

describe('what the summary page offers', () => {
  test('the specialist nurse in the care team is offered everything but what belongs to consultants, GPs and families', () => {
    const offered = allowedActions(nurseAtSpecialistCentre, amelia, at);
    const notOffered = Object.entries(offered)
      .filter(([, allowed]) => !allowed)
      .map(([action]) => action)
      .sort();
    assert.deepEqual(notOffered, ['answer-shared-care', 'give-consent', 'override-dose']);
  });

  test('the GP in the care team may record growth, results and decisions about them, but not diagnoses, the care team or the access log', () => {
    assert.deepEqual(allowedActions(gp, amelia, at), {
      read: true,
      'edit-demographics': true,
      'record-growth': true,
      'record-diagnosis': false,
      'edit-care-team': false,
      'view-access-log': false,
      'manage-medicines': false,
      'override-dose': false,
      'answer-shared-care': true,
      'give-consent': false,
      'record-prescription': true,
      'record-results': true,
      'acknowledge-result': true,
      'release-results': false,
    });
  });

  test('a parent may only read', () => {
    const offered = allowedActions(mother, amelia, at);
    assert.equal(offered.read, true);
    assert.equal(offered['record-growth'], false);
  });

  test('a clinician reading through break-glass is offered no changes', () => {
    const throughBreakGlass = {
      ...amelia,
      careTeam: [],
      breakGlass: [{ expiresAt: new Date('2026-11-26T11:00:00Z'), reason: 'Seen in emergency department' }],
    };
    const offered = allowedActions(gp, throughBreakGlass, at);
    assert.equal(offered.read, true);
    assert.equal(offered['edit-demographics'], false);
    assert.equal(offered['record-growth'], false);
  });
});
