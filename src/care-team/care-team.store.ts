import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { CarerRelationship, CareTeamMember, CareTeamRole } from './care-team.rules.ts';

export interface LinkedCarer {
  userId: string;
  name: string;
  relationship: CarerRelationship;
  hasProxyAccess: boolean;
}

export interface OrganisationChoice {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export async function listCareTeam(db: Queryable, patientId: string): Promise<CareTeamMember[]> {
  const rows = await db.query<
    Omit<CareTeamMember, 'namedPerson'> & { userId: string | null; userName: string | null }
  >(
    `select c.id, c.organisation_id as "organisationId", o.code as "organisationCode", o.name as "organisationName",
       o.kind as "organisationKind", c.role, c.user_id as "userId", u.display_name as "userName",
       c.start_date as "startDate", c.end_date as "endDate"
     from care_team_member c
     join organisation o on o.id = c.organisation_id
     left join app_user u on u.id = c.user_id
     where c.patient_id = $1
     order by o.kind <> 'specialist_centre', c.start_date, o.code, c.role`,
    [patientId],
  );
  return rows.map(({ userId, userName, ...member }) => ({
    ...member,
    namedPerson: userId ? { userId, name: userName ?? '' } : null,
  }));
}

export async function listCarers(db: Queryable, patientId: string): Promise<LinkedCarer[]> {
  return db.query<LinkedCarer>(
    `select pc.user_id as "userId", u.display_name as name, pc.relationship, pc.has_proxy_access as "hasProxyAccess"
     from patient_carer pc join app_user u on u.id = pc.user_id
     where pc.patient_id = $1
     order by u.display_name`,
    [patientId],
  );
}

export async function listOrganisations(db: Queryable): Promise<OrganisationChoice[]> {
  return db.query<OrganisationChoice>('select id, code, name, kind from organisation order by name, code');
}

export async function findOrganisation(db: Queryable, code: string): Promise<OrganisationChoice | undefined> {
  const [row] = await db.query<OrganisationChoice>(
    'select id, code, name, kind from organisation where code = $1',
    [code],
  );
  return row;
}

/** An active account that works for the organisation, found by e-mail. */
export async function findStaffMember(
  db: Queryable,
  email: string,
  organisationId: string,
): Promise<{ id: string } | undefined> {
  const [row] = await db.query<{ id: string }>(
    `select u.id from app_user u
     where u.email = $1 and u.is_active
       and exists (select 1 from membership m where m.user_id = u.id and m.organisation_id = $2)`,
    [email, organisationId],
  );
  return row;
}

export async function findParentCarerAccount(
  db: Queryable,
  email: string,
): Promise<{ id: string } | undefined> {
  const [row] = await db.query<{ id: string }>(
    `select u.id from app_user u
     where u.email = $1 and u.is_active
       and exists (select 1 from membership m where m.user_id = u.id and m.role = 'parent_carer')`,
    [email],
  );
  return row;
}

/** Holds the patient's row until the transaction ends, so two changes to one care team run one after the other. */
export async function lockCareTeam(tx: Queryable, patientId: string): Promise<void> {
  await tx.query('select 1 from patient where id = $1 for update', [patientId]);
}

export async function insertMember(
  tx: Queryable,
  member: {
    patientId: string;
    organisationId: string;
    role: CareTeamRole;
    userId: string | null;
    startDate: PlainDate;
    addedBy: string;
  },
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into care_team_member (patient_id, organisation_id, role, user_id, start_date, added_by)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [member.patientId, member.organisationId, member.role, member.userId, member.startDate, member.addedBy],
  );
  return row!.id;
}

export async function setMemberEndDate(tx: Queryable, memberId: string, endDate: PlainDate): Promise<void> {
  await tx.query('update care_team_member set end_date = $2 where id = $1', [memberId, endDate]);
}

/** Links a parent or carer; false when they were already linked. */
export async function insertCarer(
  tx: Queryable,
  link: { patientId: string; userId: string; relationship: CarerRelationship; hasProxyAccess: boolean },
): Promise<boolean> {
  const rows = await tx.query(
    `insert into patient_carer (patient_id, user_id, relationship, has_proxy_access) values ($1, $2, $3, $4)
     on conflict (patient_id, user_id) do nothing returning user_id`,
    [link.patientId, link.userId, link.relationship, link.hasProxyAccess],
  );
  return rows.length === 1;
}

/** Unlinks a parent or carer; the link as it was, or undefined when there was none. */
export async function deleteCarer(
  tx: Queryable,
  patientId: string,
  userId: string,
): Promise<{ relationship: CarerRelationship; hasProxyAccess: boolean } | undefined> {
  const [row] = await tx.query<{ relationship: CarerRelationship; hasProxyAccess: boolean }>(
    `delete from patient_carer where patient_id = $1 and user_id = $2
     returning relationship, has_proxy_access as "hasProxyAccess"`,
    [patientId, userId],
  );
  return row;
}
