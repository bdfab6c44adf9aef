import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Membership } from './access.rules.ts';
import {
  breakGlassExpiry,
  breakGlassMembership,
  breakGlassReasonProblem,
  breakGlassRoleRefusal,
} from './break-glass.rules.ts';

const gpAtRiverside: Membership = { organisationId: 'gp001', organisationCode: 'GP001', role: 'gp' };
const parent: Membership = { organisationId: null, role: 'parent_carer' };
const serviceAdministrator: Membership = {
  organisationId: 'sc001',
  organisationCode: 'SC001',
  role: 'service_administrator',
};

describe('who may declare break-glass access', () => {
  test('a GP declares it through their practice', () => {
    assert.equal(breakGlassMembership([gpAtRiverside]), gpAtRiverside);
  });

  test('a service administrator who is also a GP declares it as the GP', () => {
    assert.equal(breakGlassMembership([serviceAdministrator, gpAtRiverside]), gpAtRiverside);
  });

  test('parents and service administrators may not, and are told their role', () => {
    assert.equal(breakGlassMembership([parent]), undefined);
    assert.equal(breakGlassMembership([serviceAdministrator]), undefined);
    assert.match(
      breakGlassRoleRefusal([parent]),
      /Your role \(Parent or carer\) cannot declare break-glass access/,
    );
  });
});

describe('the reason for break-glass access', () => {
  test('is required', () => {
    assert.equal(breakGlassReasonProblem('   '), 'Enter why you need to see this record now');
  });

  test('must be at least 10 characters, not counting spaces around it', () => {
    assert.match(breakGlassReasonProblem('  fever    ') ?? '', /at least 10 characters/);
    assert.equal(breakGlassReasonProblem('Fever in A&E'), undefined);
  });

  test('must be 500 characters or fewer', () => {
    assert.equal(breakGlassReasonProblem('x'.repeat(500)), undefined);
    assert.match(breakGlassReasonProblem('x'.repeat(501)) ?? '', /500 characters or fewer/);
  });
});

test('a grant runs out the configured number of minutes after it is declared', () => {
  const declared = new Date('2026-11-26T10:00:00Z');
  assert.equal(breakGlassExpiry(declared, 60).toISOString(), '2026-11-26T11:00:00.000Z');
  assert.equal(breakGlassExpiry(declared, 15).toISOString(), '2026-11-26T10:15:00.000Z');
});
