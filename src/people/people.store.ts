import type { Membership } from '../access/access.rules.ts';
import type { Queryable } from '../db/database.ts';
import type { Role } from '../kernel/roles.ts';

/** A signed-in person, with every organisation and role they hold. */
export interface SignedInUser {
  id: string;
  email: string;
  displayName: string;
  isDemo: boolean;
  memberships: (Membership & { organisationName: string | null })[];
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  is_demo: boolean;
  memberships: {
    organisationId: string | null;
    organisationCode: string | null;
    organisationName: string | null;
    organisationKind: string | null;
    role: Role;
  }[];
}

const userWithMemberships = `
  select u.id, u.email, u.display_name, u.is_demo,
    coalesce(jsonb_agg(jsonb_build_object(
      'organisationId', m.organisation_id, 'organisationCode', o.code, 'organisationName', o.name,
      'organisationKind', o.kind, 'role', m.role) order by o.code, m.role) filter (where m.id is not null), '[]') as memberships
  from app_user u
  left join membership m on m.user_id = u.id
  left join organisation o on o.id = m.organisation_id
  where u.is_active and %WHERE%
  group by u.id`;

function toSignedInUser(row: UserRow): SignedInUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isDemo: row.is_demo,
    memberships: row.memberships.map((m) => ({
      organisationId: m.organisationId,
      organisationName: m.organisationName,
      ...(m.organisationCode ? { organisationCode: m.organisationCode } : {}),
      ...(m.organisationKind ? { organisationKind: m.organisationKind } : {}),
      role: m.role,
    })),
  };
}

export async function findActiveUser(db: Queryable, userId: string): Promise<SignedInUser | undefined> {
  const [row] = await db.query<UserRow>(userWithMemberships.replace('%WHERE%', 'u.id = $1'), [userId]);
  return row ? toSignedInUser(row) : undefined;
}

export interface Credentials {
  id: string;
  passwordHash: string;
  isActive: boolean;
  isDemo: boolean;
  failedSignIns: number;
  lockedUntil: Date | null;
}

export async function findCredentials(db: Queryable, email: string): Promise<Credentials | undefined> {
  const [row] = await db.query<{
    id: string;
    password_hash: string;
    is_active: boolean;
    is_demo: boolean;
    failed_sign_ins: number;
    locked_until: Date | null;
  }>(
    // System accounts (API clients) never sign in with a password.
    `select id, password_hash, is_active, is_demo, failed_sign_ins, locked_until from app_user
     where email = $1 and kind = 'person'`,
    [email.trim().toLowerCase()],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    passwordHash: row.password_hash,
    isActive: row.is_active,
    isDemo: row.is_demo,
    failedSignIns: row.failed_sign_ins,
    lockedUntil: row.locked_until,
  };
}

export async function recordFailedSignIn(
  db: Queryable,
  userId: string,
  lockedUntil: Date | null,
): Promise<void> {
  await db.query(
    'update app_user set failed_sign_ins = failed_sign_ins + 1, locked_until = $2 where id = $1',
    [userId, lockedUntil],
  );
}

export async function clearFailedSignIns(db: Queryable, userId: string): Promise<void> {
  await db.query('update app_user set failed_sign_ins = 0, locked_until = null where id = $1', [userId]);
}
