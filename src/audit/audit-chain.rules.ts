import { createHash } from 'node:crypto';

/** The first entry's "previous hash". */
export const GENESIS_HASH = '0'.repeat(64);

/** One entry of the audit trail, as hashed: every field that a tamperer might want to change. */
export interface AuditFields {
  seq: number;
  occurredAt: Date;
  userId: string | null;
  userEmail: string | null;
  role: string | null;
  organisationId: string | null;
  patientId: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  relationship: string | null;
  breakGlassReason: string | null;
  details: unknown;
}

/** JSON with object keys sorted, so that a value hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(previousHash: string, entry: AuditFields): string {
  const hashed: Record<keyof AuditFields, unknown> = {
    seq: entry.seq,
    occurredAt: entry.occurredAt.toISOString(),
    userId: entry.userId,
    userEmail: entry.userEmail,
    role: entry.role,
    organisationId: entry.organisationId,
    patientId: entry.patientId,
    action: entry.action,
    outcome: entry.outcome,
    relationship: entry.relationship,
    breakGlassReason: entry.breakGlassReason,
    details: entry.details,
  };
  const body = canonicalJson({ ...hashed, previousHash });
  return createHash('sha256').update(body).digest('hex');
}

/** A changed entry fails its own hash; a removed or inserted one breaks the link to the next. */
export type ChainProblem = { seq: number; problem: 'hash-mismatch' | 'broken-link' };

/**
 * Walks a run of entries in order and reports the first place the chain does not hold.
 * `expectedPrevious` is the hash the first entry must point at (the genesis hash, or the last hash already checked).
 * Sequence numbers may skip (a rolled-back transaction uses one up), so only the hashes are compared.
 */
export function verifyChainSegment(
  entries: readonly (AuditFields & { prevHash: string; hash: string })[],
  expectedPrevious: string,
): { ok: true; lastHash: string } | { ok: false; problem: ChainProblem } {
  let previous = expectedPrevious;
  for (const e of entries) {
    if (e.prevHash !== previous) return { ok: false, problem: { seq: e.seq, problem: 'broken-link' } };
    if (auditHash(e.prevHash, e) !== e.hash)
      return { ok: false, problem: { seq: e.seq, problem: 'hash-mismatch' } };
    previous = e.hash;
  }
  return { ok: true, lastHash: previous };
}
