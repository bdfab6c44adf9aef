import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Membership } from '../access/access.rules.ts';
import { actionForStep, type GrantedAccess, partyOf } from './agreement-parties.rules.ts';

const riverside = { gpPracticeId: 'gp-1', gpPracticeName: 'Riverside Surgery' };
const consultant: Membership = {
  organisationId: 'sc-1',
  organisationKind: 'specialist_centre',
  role: 'consultant',
};
const localNurse: Membership = {
  organisationId: 'lh-1',
  organisationKind: 'local_hospital',
  role: 'nurse_specialist',
};
const careTeam = (m: Membership): GrantedAccess => ({
  relationship: 'care-team',
  role: m.role,
  organisationId: m.organisationId,
});

describe('the part a person plays in an agreement', () => {
  test('a consultant of the specialist centre is the specialist team; a nurse specialist at a local hospital is not', () => {
    assert.deepEqual(partyOf(careTeam(consultant), [consultant], riverside), {
      ok: true,
      party: 'specialist-team',
    });
    assert.equal(partyOf(careTeam(localNurse), [localNurse], riverside).ok, false);
  });

  test('only the GP of the practice asked answers for it', () => {
    const ours: Membership = { organisationId: 'gp-1', organisationKind: 'gp_practice', role: 'gp' };
    const theirs: Membership = { organisationId: 'gp-2', organisationKind: 'gp_practice', role: 'gp' };
    assert.deepEqual(partyOf(careTeam(ours), [ours], riverside), { ok: true, party: 'gp-practice' });
    assert.deepEqual(partyOf(careTeam(theirs), [theirs], riverside), {
      ok: false,
      reason: 'Only Riverside Surgery, the GP practice this agreement is with, may answer it.',
    });
  });

  test('a linked parent and the young person are the family; break-glass access takes no part', () => {
    const parent: GrantedAccess = { relationship: 'carer', role: 'parent_carer', organisationId: null };
    const self: GrantedAccess = { relationship: 'self', role: 'young_person', organisationId: null };
    assert.deepEqual(partyOf(parent, [], riverside), { ok: true, party: 'family' });
    assert.deepEqual(partyOf(self, [], riverside), { ok: true, party: 'family' });
    const glass: GrantedAccess = { relationship: 'break-glass', role: 'consultant', organisationId: 'sc-9' };
    assert.equal(partyOf(glass, [consultant], riverside).ok, false);
  });

  test('each step is checked against the permission of the person taking it', () => {
    assert.equal(actionForStep('accept', ['consultant']), 'answer-shared-care');
    assert.equal(actionForStep('record-consent', ['parent_carer']), 'give-consent');
    assert.equal(actionForStep('record-consent', ['nurse_specialist']), 'manage-medicines');
    assert.equal(actionForStep('suspend', ['gp']), 'answer-shared-care');
    assert.equal(actionForStep('suspend', ['consultant']), 'manage-medicines');
    assert.equal(actionForStep('request', ['gp']), 'manage-medicines');
  });
});
