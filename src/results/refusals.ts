import type { Asker, AuthorisedChange } from '../access/patient-access.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';

/**
 * Runs a change the access gate has let through; if it is then refused (bad input, already decided), the
 * refusal is written to the audit trail like the gate's own refusals — which fields, never what was typed.
 */
export async function auditingRefusals<T>(
  db: Database,
  asker: Asker,
  change: AuthorisedChange,
  action: string,
  details: Record<string, unknown>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof JointlyError) {
      await recordAudit(db, {
        userId: asker.viewer.id,
        userEmail: asker.viewer.email,
        role: change.access.role,
        organisationId: change.access.organisationId,
        patientId: change.access.patientId,
        action,
        outcome: 'refused',
        relationship: change.access.relationship,
        breakGlassReason: change.access.breakGlassReason ?? null,
        details: { ...details, reason: error.code, fields: error.fields.map((f) => f.field) },
        occurredAt: asker.now,
      });
    }
    throw error;
  }
}
