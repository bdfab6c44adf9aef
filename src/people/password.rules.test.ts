import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lockoutAfterFailure, passwordProblem } from './password.rules.ts';

describe('password rules', () => {
  test('a long, uncommon password is accepted', () => {
    assert.equal(passwordProblem('kettle-orbit-lantern-42'), undefined);
    assert.equal(passwordProblem('demo-password-1'), undefined);
  });

  test('a short password is refused with the minimum length', () => {
    assert.match(passwordProblem('Sh0rt!pass') ?? '', /at least 12 characters/);
  });

  test('a breached password is refused even with digits on the end', () => {
    assert.match(passwordProblem('qwertyuiop1234') ?? '', /too common/);
    assert.match(passwordProblem('iloveyou1234') ?? '', /too common/);
  });

  test('a password containing the e-mail name is refused', () => {
    assert.match(passwordProblem('priya.raman-2026', { email: 'priya.raman@nhs.net' }) ?? '', /e-mail name/);
  });

  test('a very long password is refused before it costs hashing time', () => {
    assert.match(passwordProblem('x'.repeat(129)) ?? '', /128 characters or fewer/);
  });
});

describe('temporary lockout', () => {
  const policy = { maxFailures: 5, lockoutMinutes: 15 };
  const now = new Date('2026-11-26T10:00:00Z');

  test('four wrong passwords do not lock the account', () => {
    assert.equal(lockoutAfterFailure(3, policy, now), null);
  });

  test('the fifth locks it for the configured minutes', () => {
    assert.deepEqual(lockoutAfterFailure(4, policy, now), new Date('2026-11-26T10:15:00Z'));
  });
});
