import type { Queryable } from '../db/database.ts';
import type { Role } from '../kernel/roles.ts';

/** An account as a service administrator sees it: never the password hash. */
export interface UserAccount {
  id: string;
  email: string;
  displayName: string;
  isActive: boolean;
  isDemo: boolean;
  lockedUntil: Date | null;
  /** Wrong passwords in a row since the last good sign-in. */
  failedSignIns: number;
  memberships: { role: Role; organisationCode: string | null }[];
}

export interface UserFilter {
  /** Only people with a role in this organisation. */
  organisationCode?: string | undefined;
  /** Part of the name or e-mail address, in any case. */
  text?: string | undefined;
}

const accountColumns = `
  u.id, u.email, u.display_name as "displayName", u.is_active as "isActive", u.is_demo as "isDemo",
  u.locked_until as "lockedUntil", u.failed_sign_ins as "failedSignIns",
  coalesce(jsonb_agg(jsonb_build_object('role', m.role, 'organisationCode', o.code)
    order by o.code nulls first, m.role) filter (where m.id is not null), '[]') as memberships`;

const withMemberships = `
  from app_user u
  left join membership m on m.user_id = u.id
  left join organisation o on o.id = m.organisation_id`;

/** One page of accounts, by name, with the number matching the filter. */
export async function listUsers(
  db: Queryable,
  filter: UserFilter,
  page: { limit: number; offset: number },
): Promise<{ users: UserAccount[]; total: number }> {
  const rows = await db.query<UserAccount & { total: number }>(
    `select ${accountColumns}, (count(*) over ())::int as total
     ${withMemberships}
     where ($1::text is null or exists (
             select 1 from membership fm join organisation fo on fo.id = fm.organisation_id
             where fm.user_id = u.id and fo.code = $1))
       and ($2::text is null or strpos(lower(u.email), lower($2)) > 0 or strpos(lower(u.display_name), lower($2)) > 0)
     group by u.id
     order by lower(u.display_name), u.email
     limit $3 offset $4`,
    [filter.organisationCode ?? null, filter.text ?? null, page.limit, page.offset],
  );
  const total = rows[0]?.total ?? (page.offset > 0 ? await countUsers(db, filter) : 0);
  return { users: rows.map(({ total: _, ...user }) => user), total };
}

async function countUsers(db: Queryable, filter: UserFilter): Promise<number> {
  const { total } = await listUsers(db, filter, { limit: 1, offset: 0 });
  return total;
}

export async function findUserAccount(db: Queryable, userId: string): Promise<UserAccount | undefined> {
  const [row] = await db.query<UserAccount>(
    `select ${accountColumns} ${withMemberships} where u.id = $1 group by u.id`,
    [userId],
  );
  return row;
}

export async function countActiveUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    'select count(*)::int as count from app_user where is_active',
  );
  return row?.count ?? 0;
}

/** Returns false when there is no such account. */
export async function setUserActive(tx: Queryable, userId: string, isActive: boolean): Promise<boolean> {
  const rows = await tx.query('update app_user set is_active = $2 where id = $1 returning id', [
    userId,
    isActive,
  ]);
  return rows.length > 0;
}

/** Clears the wrong-password count and any lockout; returns false when there is no such account. */
export async function clearLockout(tx: Queryable, userId: string): Promise<boolean> {
  const rows = await tx.query(
    'update app_user set failed_sign_ins = 0, locked_until = null where id = $1 returning id',
    [userId],
  );
  return rows.length > 0;
}

/** Whether the account is an API client's (a system), which keeps the one role it was made with. */
export async function isSystemAccount(db: Queryable, userId: string): Promise<boolean> {
  const rows = await db.query("select 1 from app_user where id = $1 and kind = 'system'", [userId]);
  return rows.length > 0;
}

export async function userExists(db: Queryable, userId: string): Promise<boolean> {
  const rows = await db.query('select 1 from app_user where id = $1', [userId]);
  return rows.length > 0;
}
