import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Membership } from '../access/access.rules.ts';
import {
  checkQuantity,
  describePrescriber,
  prescribingMembership,
  prescribingParty,
} from './prescription.rules.ts';

const consultant: Membership = {
  organisationId: 'sc1',
  organisationCode: 'SC001',
  organisationKind: 'specialist_centre',
  role: 'consultant',
};
const gp: Membership = {
  organisationId: 'gp1',
  organisationCode: 'GP001',
  organisationKind: 'gp_practice',
  role: 'gp',
};
const otherGp: Membership = { ...gp, organisationId: 'gp2', organisationCode: 'GP002' };
const practiceNurse: Membership = { ...gp, role: 'practice_nurse' };
const careTeam = new Set(['sc1', 'gp1', 'gp2']);
const agreement = (state: 'requested' | 'consented' | 'active' | 'suspended') => ({
  state,
  gpPracticeId: 'gp1',
  specialistOrganisationId: 'sc1',
});

describe('who prescribes', () => {
  test('the specialist team, until shared care is active; then the GP practice', () => {
    assert.equal(prescribingParty(undefined), 'specialist-team');
    assert.equal(prescribingParty(agreement('requested')), 'specialist-team');
    assert.equal(prescribingParty(agreement('consented')), 'specialist-team');
    assert.equal(prescribingParty(agreement('active')), 'gp-practice');
    assert.equal(prescribingParty(agreement('suspended')), 'specialist-team');
  });

  test('said as the order page says it', () => {
    assert.equal(
      describePrescriber('gp-practice', { name: 'Riverside Surgery', code: 'GP001' }),
      'Riverside Surgery (GP001) under shared care',
    );
    assert.equal(describePrescriber('specialist-team', undefined), 'the specialist team');
  });
});

describe('who may record a prescription', () => {
  test('before shared care: the specialist team, not the GP', () => {
    assert.equal(prescribingMembership([consultant], undefined, careTeam), consultant);
    assert.equal(prescribingMembership([gp], undefined, careTeam), undefined);
    assert.equal(prescribingMembership([gp], agreement('consented'), careTeam), undefined);
  });

  test('under active shared care: a prescriber at the agreement’s practice only', () => {
    assert.equal(prescribingMembership([gp], agreement('active'), careTeam), gp);
    assert.equal(prescribingMembership([consultant], agreement('active'), careTeam), undefined);
    assert.equal(prescribingMembership([otherGp], agreement('active'), careTeam), undefined);
    assert.equal(prescribingMembership([practiceNurse], agreement('active'), careTeam), undefined);
  });

  test('not when their organisation has left the child’s care team', () => {
    assert.equal(prescribingMembership([gp], agreement('active'), new Set(['sc1'])), undefined);
  });
});

describe('quantity supplied', () => {
  test('more than nothing, whole tablets, at most two decimal places', () => {
    assert.deepEqual(checkQuantity('tablet', 24), { ok: true, value: 24 });
    assert.equal(checkQuantity('tablet', 0).ok, false);
    assert.deepEqual(checkQuantity('tablet', 24.5), {
      ok: false,
      field: 'quantity',
      message: 'Quantity must be a whole number of tablets.',
    });
    assert.deepEqual(checkQuantity('oral solution', 12.5), { ok: true, value: 12.5 });
    assert.equal(checkQuantity('oral solution', 12.555).ok, false);
  });
});
