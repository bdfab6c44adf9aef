import type { Queryable } from '../db/database.ts';
import type { OrganisationKind, Role } from '../kernel/roles.ts';
import type { NewOrganisation, OrganisationChange } from './organisations.rules.ts';

export interface Organisation {
  id: string;
  code: string;
  name: string;
  kind: OrganisationKind;
}

export interface OrganisationWithUsers extends Organisation {
  /** Active people with any role there. */
  userCount: number;
}

const columns = 'o.id, o.code, o.name, o.kind';

export async function listOrganisations(db: Queryable): Promise<OrganisationWithUsers[]> {
  return db.query<OrganisationWithUsers>(
    `select ${columns}, count(distinct u.id)::int as "userCount"
     from organisation o
     left join membership m on m.organisation_id = o.id
     left join app_user u on u.id = m.user_id and u.is_active
     group by o.id
     order by o.code`,
  );
}

export async function findOrganisation(db: Queryable, code: string): Promise<Organisation | undefined> {
  const [row] = await db.query<Organisation>(`select ${columns} from organisation o where o.code = $1`, [
    code,
  ]);
  return row;
}

/** Locks the row, so a change of kind and the check of its people's roles see the same organisation. */
export async function findOrganisationForUpdate(
  tx: Queryable,
  code: string,
): Promise<Organisation | undefined> {
  const [row] = await tx.query<Organisation>(
    `select ${columns} from organisation o where o.code = $1 for update`,
    [code],
  );
  return row;
}

export async function countOrganisations(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>('select count(*)::int as count from organisation');
  return row?.count ?? 0;
}

/** Inserts the organisation, or returns undefined when its code is taken. */
export async function insertOrganisation(
  tx: Queryable,
  organisation: NewOrganisation,
): Promise<Organisation | undefined> {
  const [row] = await tx.query<Organisation>(
    `insert into organisation as o (code, name, kind) values ($1, $2, $3)
     on conflict (code) do nothing
     returning ${columns}`,
    [organisation.code, organisation.name, organisation.kind],
  );
  return row;
}

export async function updateOrganisation(
  tx: Queryable,
  id: string,
  change: OrganisationChange,
): Promise<Organisation> {
  const [row] = await tx.query<Organisation>(
    `update organisation as o set name = coalesce($2, o.name), kind = coalesce($3, o.kind)
     where o.id = $1 returning ${columns}`,
    [id, change.name ?? null, change.kind ?? null],
  );
  return row!;
}

/** The roles people hold in an organisation, each once. */
export async function rolesHeldAt(tx: Queryable, organisationId: string): Promise<Role[]> {
  const rows = await tx.query<{ role: Role }>(
    'select distinct role from membership where organisation_id = $1',
    [organisationId],
  );
  return rows.map((r) => r.role);
}
