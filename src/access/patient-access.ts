import type { FastifyRequest } from 'fastify';
import { type AuditEntry, appendAudit, recordAudit } from '../audit/audit.store.ts';
import type { Database, Queryable } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import type { SignedInUser } from '../people/people.store.ts';
import { type AccessDecision, decideAccess, type PatientAction } from './access.rules.ts';
import { loadRelationships } from './relationships.store.ts';

/** Permission to act on one patient, with the relationship that gave it (for the audit trail and the banner). */
export type PatientAccess = Extract<AccessDecision, { allowed: true }> & {
  patientId: string;
  viewer: SignedInUser;
  /** When break-glass access runs out. */
  expiresAt?: Date;
};

/** Who is asking, and when. A Fastify request is one. */
export type Asker = Pick<FastifyRequest, 'now' | 'today'> & { viewer: SignedInUser };

/** An allowed change: do the work and call `audit(tx)` in the same transaction, so both commit or neither. */
export interface AuthorisedChange {
  access: PatientAccess;
  audit(tx: Queryable, extraDetails?: Record<string, unknown>): Promise<void>;
}

/**
 * The gate for reading one patient's data: decides through `decideAccess`, writes the attempt to the
 * audit trail whether allowed or refused, and refuses with the missing relationship.
 * `auditAction` says what was done ("view summary"); `details` must hold no patient data.
 */
export async function checkPatientAccess(
  db: Database,
  asker: Asker,
  patientId: string,
  action: PatientAction,
  auditAction: string,
  details: Record<string, unknown> = {},
): Promise<PatientAccess> {
  const change = await authorisePatientChange(db, asker, patientId, action, auditAction, details);
  await db.transaction((tx) => change.audit(tx));
  return change.access;
}

/**
 * The gate for changing one patient's data. A refusal is audited at once and thrown; an allowed change
 * is audited by the caller inside its own write transaction.
 */
export async function authorisePatientChange(
  db: Database,
  asker: Asker,
  patientId: string,
  action: PatientAction,
  auditAction: string,
  details: Record<string, unknown> = {},
): Promise<AuthorisedChange> {
  const relationships = isUuid(patientId)
    ? await loadRelationships(db, patientId, asker.viewer.id, asker.now)
    : undefined;
  if (!relationships) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  const decision = decideAccess(asker.viewer, relationships, action, { today: asker.today, now: asker.now });
  const base = {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    patientId,
    action: auditAction,
    occurredAt: asker.now,
  };

  if (!decision.allowed) {
    const first = asker.viewer.memberships[0];
    await recordAudit(db, {
      ...base,
      role: first?.role ?? null,
      organisationId: first?.organisationId ?? null,
      outcome: 'refused',
      relationship: null,
      breakGlassReason: null,
      details: { ...details, reason: decision.reason },
    });
    throw new JointlyError(action === 'read' ? 'NO_RELATIONSHIP' : 'FORBIDDEN', decision.reason);
  }

  const allowed: AuditEntry = {
    ...base,
    role: decision.role,
    organisationId: decision.organisationId,
    outcome: 'allowed',
    relationship: decision.relationship,
    breakGlassReason: decision.breakGlassReason ?? null,
    details,
  };
  const grant =
    decision.relationship === 'break-glass'
      ? relationships.breakGlass.find((g) => g.expiresAt > asker.now)
      : undefined;
  return {
    access: {
      ...decision,
      patientId,
      viewer: asker.viewer,
      ...(grant ? { expiresAt: grant.expiresAt } : {}),
    },
    audit: (tx, extraDetails = {}) =>
      appendAudit(tx, { ...allowed, details: { ...details, ...extraDetails } }),
  };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
