import type { Queryable } from '../db/database.ts';

export interface BreakGlassGrant {
  userId: string;
  organisationId: string | null;
  role: string;
  patientId: string;
  reason: string;
  grantedAt: Date;
  expiresAt: Date;
}

export async function insertBreakGlass(tx: Queryable, grant: BreakGlassGrant): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into break_glass (user_id, organisation_id, role, patient_id, reason, granted_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      grant.userId,
      grant.organisationId,
      grant.role,
      grant.patientId,
      grant.reason,
      grant.grantedAt,
      grant.expiresAt,
    ],
  );
  return row!.id;
}
