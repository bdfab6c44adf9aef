import type { PlainDate } from '../kernel/dates.ts';
import type { SignedInUser } from '../people/people.store.ts';
import { actionsByRole, breakGlassRoles } from './access.rules.ts';

/**
 * The same rule as `decideAccess(…, 'read')`, as a SQL condition on `patient p`, for lists and searches
 * over many patients (set-based: one query, however many patients). `firstParam` is the number of the
 * first `$n` placeholder it may use; it uses five.
 */
export function visiblePatientCondition(
  viewer: SignedInUser,
  at: { today: PlainDate; now: Date },
  firstParam: number,
): { sql: string; params: unknown[] } {
  const careOrganisations = viewer.memberships
    .filter((m) => m.organisationId !== null && actionsByRole[m.role].includes('read'))
    .map((m) => m.organisationId);
  const roles = new Set(viewer.memberships.map((m) => m.role));
  const mayBreakGlass = viewer.memberships.some((m) => breakGlassRoles.includes(m.role));
  const [orgs, today, user, now, flags] = [0, 1, 2, 3, 4].map((i) => `$${firstParam + i}`);
  // "offset 0" keeps each check a per-patient index probe: without it the planner hashes every
  // care-team row of the viewer's organisations (all 100,000 for the specialist centre) on every search.
  const sql = `(
    exists (select 1 from care_team_member c where c.patient_id = p.id and c.organisation_id = any(${orgs}::uuid[])
            and c.start_date <= ${today}::date and (c.end_date is null or c.end_date >= ${today}::date) offset 0)
    or ((${flags}::boolean[])[1] and exists (select 1 from patient_carer pc
            where pc.patient_id = p.id and pc.user_id = ${user}::uuid and pc.has_proxy_access offset 0))
    or ((${flags}::boolean[])[2] and p.user_id = ${user}::uuid)
    or ((${flags}::boolean[])[3] and exists (select 1 from break_glass b
            where b.patient_id = p.id and b.user_id = ${user}::uuid and b.expires_at > ${now}::timestamptz offset 0))
  )`;
  return {
    sql,
    params: [
      careOrganisations,
      at.today,
      viewer.id,
      at.now,
      [roles.has('parent_carer'), roles.has('young_person'), mayBreakGlass],
    ],
  };
}
