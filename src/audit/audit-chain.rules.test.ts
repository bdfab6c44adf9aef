import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AuditFields,
  auditHash,
  canonicalJson,
  GENESIS_HASH,
  verifyChainSegment,
} from './audit-chain.rules.ts';

function entry(seq: number, action: string): AuditFields {
  return {
    seq,
    occurredAt: new Date(`2026-11-26T10:00:0${seq}Z`),
    userId: 'u1',
    userEmail: 'gp@demo.test',
    role: 'gp',
    organisationId: 'o1',
    patientId: 'p1',
    action,
    outcome: 'allowed',
    relationship: 'care-team',
    breakGlassReason: null,
    details: { b: 1, a: [2, { d: 3, c: 4 }] },
  };
}

function chain(...entries: AuditFields[]) {
  let previous = GENESIS_HASH;
  return entries.map((e) => {
    const hash = auditHash(previous, e);
    const linked = { ...e, prevHash: previous, hash };
    previous = hash;
    return linked;
  });
}

describe('audit hash chain', () => {
  test('an untouched chain verifies', () => {
    assert.deepEqual(
      verifyChainSegment(chain(entry(1, 'view'), entry(2, 'edit'), entry(5, 'view')), GENESIS_HASH).ok,
      true,
    );
  });

  test('a changed entry is found by its own hash', () => {
    const c = chain(entry(1, 'view'), entry(2, 'edit'), entry(3, 'view'));
    c[1] = { ...c[1]!, outcome: 'refused' };
    assert.deepEqual(verifyChainSegment(c, GENESIS_HASH), {
      ok: false,
      problem: { seq: 2, problem: 'hash-mismatch' },
    });
  });

  test('a removed entry breaks the link of the next', () => {
    const c = chain(entry(1, 'view'), entry(2, 'edit'), entry(3, 'view'));
    c.splice(1, 1);
    assert.deepEqual(verifyChainSegment(c, GENESIS_HASH), {
      ok: false,
      problem: { seq: 3, problem: 'broken-link' },
    });
  });

  test('key order in details does not change the hash (jsonb reorders keys)', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 1, c: 2 } }), canonicalJson({ a: { c: 2, d: 1 }, b: 1 }));
    const e = entry(1, 'view');
    assert.equal(
      auditHash(GENESIS_HASH, e),
      auditHash(GENESIS_HASH, { ...e, details: { a: [2, { c: 4, d: 3 }], b: 1 } }),
    );
  });
});
