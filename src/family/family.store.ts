import { visiblePatientCondition } from '../access/visibility.ts';
import type { CarerRelationship, CareTeamRole } from '../care-team/care-team.rules.ts';
import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { SignedInUser } from '../people/people.store.ts';
import type { ReleasedResult, UpcomingTest } from './family-results.rules.ts';

export interface FamilyChild {
  patientId: string;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  /** How the viewer is related to the child; 'self' for a young person's own record. */
  relationship: CarerRelationship | 'self';
  /** Whether the specialist team lets the family see results in plain words. */
  resultsReleased: boolean;
  careTeam: {
    organisationName: string;
    organisationCode: string;
    role: CareTeamRole;
    namedPerson: string | null;
  }[];
}

/**
 * The children a parent or carer may see through proxy access, or a young person's own record, each with
 * their current care team: one query, bounded again by the general visibility rule.
 */
export async function familyChildren(
  db: Queryable,
  viewer: SignedInUser,
  at: { today: PlainDate; now: Date },
): Promise<FamilyChild[]> {
  const visible = visiblePatientCondition(viewer, at, 1);
  const roles = new Set(viewer.memberships.map((m) => m.role));
  return db.query<FamilyChild>(
    `select p.id as "patientId", p.given_name as "givenName", p.family_name as "familyName",
       p.date_of_birth as "dateOfBirth", p.results_released_to_family as "resultsReleased",
       case when p.user_id = $6 then 'self'
            else (select pc.relationship from patient_carer pc where pc.patient_id = p.id and pc.user_id = $6) end
         as relationship,
       (select coalesce(jsonb_agg(jsonb_build_object('organisationName', o.name, 'organisationCode', o.code,
           'role', c.role, 'namedPerson', u.display_name)
           order by o.kind <> 'specialist_centre', c.start_date, o.code, c.role), '[]')
        from care_team_member c join organisation o on o.id = c.organisation_id
        left join app_user u on u.id = c.user_id
        where c.patient_id = p.id and c.start_date <= $9::date and (c.end_date is null or c.end_date >= $9::date))
         as "careTeam"
     from patient p
     where ${visible.sql}
       and (($7::boolean and exists (select 1 from patient_carer pc
               where pc.patient_id = p.id and pc.user_id = $6 and pc.has_proxy_access))
            or ($8::boolean and p.user_id = $6))
     order by p.date_of_birth, p.given_name, p.id`,
    [...visible.params, viewer.id, roles.has('parent_carer'), roles.has('young_person'), at.today],
  );
}

/** The next blood test of each course the children are on, in one query. */
export async function upcomingTestsOf(
  q: Queryable,
  patientIds: readonly string[],
): Promise<(UpcomingTest & { patientId: string })[]> {
  if (patientIds.length === 0) return [];
  return q.query(
    `select c.patient_id as "patientId", c.medicine, c.next_due_on as "dueOn", c.next_due_panels as panels,
       c.place, o.name as "arrangedBy"
     from monitoring_course c left join organisation o on o.id = c.responsible_organisation_id
     where c.patient_id = any($1::uuid[]) and c.next_due_on is not null and c.stopped_on is null
     order by c.next_due_on, c.medicine`,
    [patientIds],
  );
}

/**
 * Results taken since `since`, newest first, for those of the children whose team has released results to the
 * family: one query. A corrected result replaces the one it corrects (same test, same day: the latest recorded).
 */
export async function releasedResultsOf(
  q: Queryable,
  patientIds: readonly string[],
  since: PlainDate,
): Promise<(ReleasedResult & { patientId: string })[]> {
  if (patientIds.length === 0) return [];
  return q.query(
    `select * from (
       select distinct on (r.patient_id, r.analyte, r.specimen_date) r.patient_id as "patientId", r.analyte,
         r.value::float8 as value, r.unit, r.range_low::float8 as "rangeLow", r.range_high::float8 as "rangeHigh",
         r.outcome, r.specimen_date as "specimenDate"
       from lab_result r join patient p on p.id = r.patient_id
       where r.patient_id = any($1::uuid[]) and p.results_released_to_family and r.specimen_date >= $2::date
       order by r.patient_id, r.analyte, r.specimen_date, r.recorded_at desc
     ) latest
     order by "specimenDate" desc, analyte
     limit 500`,
    [patientIds, since],
  );
}
