import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { PatientRelationships } from './access.rules.ts';

/** Reads, in one query, every fact about a patient that decides who may see them. Undefined if no such patient. */
export async function loadRelationships(
  db: Queryable,
  patientId: string,
  viewerId: string,
  now: Date,
): Promise<PatientRelationships | undefined> {
  const [row] = await db.query<{
    user_id: string | null;
    care_team: { organisationId: string; startDate: PlainDate; endDate: PlainDate | null }[];
    carers: { userId: string; hasProxyAccess: boolean }[];
    break_glass: { expiresAt: string; reason: string }[];
  }>(
    `select p.user_id,
       (select coalesce(jsonb_agg(jsonb_build_object('organisationId', c.organisation_id,
          'startDate', c.start_date, 'endDate', c.end_date)), '[]')
        from care_team_member c where c.patient_id = p.id) as care_team,
       (select coalesce(jsonb_agg(jsonb_build_object('userId', pc.user_id, 'hasProxyAccess', pc.has_proxy_access)), '[]')
        from patient_carer pc where pc.patient_id = p.id) as carers,
       (select coalesce(jsonb_agg(jsonb_build_object('expiresAt', b.expires_at, 'reason', b.reason)
          order by b.expires_at desc), '[]')
        from break_glass b where b.patient_id = p.id and b.user_id = $2 and b.expires_at > $3) as break_glass
     from patient p where p.id = $1`,
    [patientId, viewerId, now],
  );
  if (!row) return undefined;
  return {
    patientId,
    patientUserId: row.user_id,
    careTeam: row.care_team,
    carers: row.carers,
    breakGlass: row.break_glass.map((g) => ({ expiresAt: new Date(g.expiresAt), reason: g.reason })),
  };
}
