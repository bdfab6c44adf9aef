import type { Database, Queryable } from '../db/database.ts';
import {
  type AuditFields,
  auditHash,
  type ChainProblem,
  GENESIS_HASH,
  verifyChainSegment,
} from './audit-chain.rules.ts';

/** Every appender waits on this lock, so the chain has one order. */
const AUDIT_LOCK = 4_105_917_011;

export type AuditEntry = Omit<AuditFields, 'seq' | 'occurredAt'> & { occurredAt?: Date };

/**
 * Appends one entry to the audit trail. Call it inside the transaction that does the work being
 * audited, so that the change and its record commit together or not at all.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const [last] = await tx.query<{ hash: string }>('select hash from audit_event order by seq desc limit 1');
  const [{ seq } = { seq: 0 }] = await tx.query<{ seq: number }>(
    "select nextval(pg_get_serial_sequence('audit_event', 'seq'))::int8 as seq",
  );
  const fields: AuditFields = { ...entry, seq, occurredAt: entry.occurredAt ?? new Date() };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.query(
    `insert into audit_event (seq, occurred_at, user_id, user_email, role, organisation_id, patient_id, action,
       outcome, relationship, break_glass_reason, details, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      fields.seq,
      fields.occurredAt,
      fields.userId,
      fields.userEmail,
      fields.role,
      fields.organisationId,
      fields.patientId,
      fields.action,
      fields.outcome,
      fields.relationship,
      fields.breakGlassReason,
      JSON.stringify(fields.details ?? {}),
      prevHash,
      auditHash(prevHash, fields),
    ],
  );
}

/** Appends in a transaction of its own (for reads, whose audit needs no other change). */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, entry));
}

interface AuditRow {
  seq: number;
  occurred_at: Date;
  user_id: string | null;
  user_email: string | null;
  role: string | null;
  organisation_id: string | null;
  patient_id: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  relationship: string | null;
  break_glass_reason: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

function toFields(r: AuditRow): AuditFields & { prevHash: string; hash: string } {
  return {
    seq: r.seq,
    occurredAt: r.occurred_at,
    userId: r.user_id,
    userEmail: r.user_email,
    role: r.role,
    organisationId: r.organisation_id,
    patientId: r.patient_id,
    action: r.action,
    outcome: r.outcome,
    relationship: r.relationship,
    breakGlassReason: r.break_glass_reason,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Checks the whole chain, a page at a time so that memory stays flat however long the trail. */
export async function verifyAuditChain(
  db: Database,
  pageSize = 5000,
): Promise<{ ok: true; entries: number } | { ok: false; entries: number; problem: ChainProblem }> {
  let previous = GENESIS_HASH;
  let afterSeq = 0;
  let entries = 0;
  for (;;) {
    const rows = await db.query<AuditRow>('select * from audit_event where seq > $1 order by seq limit $2', [
      afterSeq,
      pageSize,
    ]);
    if (rows.length === 0) return { ok: true, entries };
    const result = verifyChainSegment(rows.map(toFields), previous);
    if (!result.ok) return { ok: false, entries, problem: result.problem };
    entries += rows.length;
    previous = result.lastHash;
    afterSeq = rows.at(-1)!.seq;
  }
}
