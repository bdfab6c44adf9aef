import type { Queryable } from '../db/database.ts';

export const accessLogPageSize = 50;

export interface AccessLogEntry {
  seq: number;
  occurredAt: Date;
  userEmail: string | null;
  role: string | null;
  organisationCode: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  relationship: string | null;
  breakGlassReason: string | null;
}

/** One page of the audit entries about a patient, newest first, through the audit_event_patient index. */
export async function patientAccessLog(
  db: Queryable,
  patientId: string,
  page: number,
): Promise<{ entries: AccessLogEntry[]; hasNextPage: boolean }> {
  const rows = await db.query<AccessLogEntry>(
    `select a.seq, a.occurred_at as "occurredAt", a.user_email as "userEmail", a.role,
       o.code as "organisationCode", a.action, a.outcome, a.relationship, a.break_glass_reason as "breakGlassReason"
     from audit_event a
     left join organisation o on o.id = a.organisation_id
     where a.patient_id = $1
     order by a.seq desc
     limit $2 offset $3`,
    [patientId, accessLogPageSize + 1, (page - 1) * accessLogPageSize],
  );
  return { entries: rows.slice(0, accessLogPageSize), hasNextPage: rows.length > accessLogPageSize };
}
