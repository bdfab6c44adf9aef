import type { Queryable } from '../../db/database.ts';
import type { Role } from '../../kernel/roles.ts';
import type { SignedInUser } from '../../people/people.store.ts';

/** A system allowed to call the FHIR API, as a service administrator sees it: never its secret. */
export interface ApiClient {
  id: string;
  userId: string;
  name: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
}

const clientColumns = `c.id, c.user_id as "userId", c.name, c.organisation_id as "organisationId",
  o.code as "organisationCode", o.name as "organisationName", m.role, c.created_at as "createdAt",
  c.revoked_at as "revokedAt"`;
const clientTables = `api_client c join organisation o on o.id = c.organisation_id
  join membership m on m.user_id = c.user_id and m.organisation_id = c.organisation_id`;

/** Creates the client's system account, its one membership and the client, in the caller's transaction. */
export async function insertApiClient(
  tx: Queryable,
  client: {
    name: string;
    organisationId: string;
    role: Role;
    secretHash: string;
    /** An argon2 hash of a secret nobody holds, for the account's unused password column. */
    unusablePasswordHash: string;
    createdBy: string | null;
  },
): Promise<{ id: string; userId: string }> {
  const [row] = await tx.query<{ id: string; user_id: string }>(
    `with client_id as (select gen_random_uuid() as id),
     account as (
       insert into app_user (email, display_name, password_hash, kind)
       select 'api-client-' || id || '@clients.jointly.invalid', left('API client: ' || $1, 200), $2, 'system'
       from client_id returning id
     ),
     member as (
       insert into membership (user_id, organisation_id, role) select id, $3, $4 from account returning user_id
     )
     insert into api_client (id, user_id, organisation_id, name, secret_hash, created_by)
     select client_id.id, member.user_id, $3, $1, $5, $6 from client_id, member
     returning id, user_id`,
    [
      client.name,
      client.unusablePasswordHash,
      client.organisationId,
      client.role,
      client.secretHash,
      client.createdBy,
    ],
  );
  return { id: row!.id, userId: row!.user_id };
}

export async function listApiClients(q: Queryable): Promise<ApiClient[]> {
  return q.query<ApiClient>(
    `select ${clientColumns} from ${clientTables} order by c.revoked_at is not null, o.code, lower(c.name), c.id`,
  );
}

export async function findApiClient(q: Queryable, id: string): Promise<ApiClient | undefined> {
  const [row] = await q.query<ApiClient>(`select ${clientColumns} from ${clientTables} where c.id = $1`, [
    id,
  ]);
  return row;
}

/** The client's secret hash and whether it may still have tokens (not revoked, account active). */
export async function clientCredentials(
  q: Queryable,
  id: string,
): Promise<{ secretHash: string; usable: boolean; client: ApiClient } | undefined> {
  const [row] = await q.query<ApiClient & { secretHash: string; usable: boolean }>(
    `select ${clientColumns}, c.secret_hash as "secretHash", (c.revoked_at is null and u.is_active) as usable
     from ${clientTables} join app_user u on u.id = c.user_id where c.id = $1`,
    [id],
  );
  if (!row) return undefined;
  const { secretHash, usable, ...client } = row;
  return { secretHash, usable, client };
}

/**
 * Revokes a client: it can get no more tokens, its tokens stop working and its account is deactivated.
 * Returns false when there is no such client or it was revoked already.
 */
export async function revokeApiClient(
  tx: Queryable,
  id: string,
  by: string | null,
  at: Date,
): Promise<boolean> {
  const rows = await tx.query<{ user_id: string }>(
    `update api_client set revoked_at = $2, revoked_by = $3 where id = $1 and revoked_at is null returning user_id`,
    [id, at, by],
  );
  if (rows.length === 0) return false;
  await tx.query('delete from api_token where client_id = $1', [id]);
  await tx.query('update app_user set is_active = false where id = $1', [rows[0]!.user_id]);
  return true;
}

/** Stores a new token's hash, clearing the client's tokens that have run out. */
export async function insertToken(
  tx: Queryable,
  token: { hash: string; clientId: string; issuedAt: Date; expiresAt: Date },
): Promise<void> {
  await tx.query('delete from api_token where client_id = $1 and expires_at <= $2', [
    token.clientId,
    token.issuedAt,
  ]);
  await tx.query(
    'insert into api_token (token_hash, client_id, issued_at, expires_at) values ($1, $2, $3, $4)',
    [token.hash, token.clientId, token.issuedAt, token.expiresAt],
  );
}

/**
 * The system account behind a bearer token, with its memberships, in one query: only while the token has
 * not run out, the client is not revoked and the account is active.
 */
export async function accountForToken(
  q: Queryable,
  tokenHash: string,
  now: Date,
): Promise<(SignedInUser & { clientId: string; clientName: string }) | undefined> {
  const [row] = await q.query<{
    id: string;
    email: string;
    display_name: string;
    client_id: string;
    client_name: string;
    memberships: SignedInUser['memberships'];
  }>(
    `select u.id, u.email, u.display_name, c.id as client_id, c.name as client_name,
       (select coalesce(jsonb_agg(jsonb_build_object('organisationId', m.organisation_id,
          'organisationCode', o.code, 'organisationName', o.name, 'organisationKind', o.kind, 'role', m.role)
          order by o.code, m.role), '[]')
        from membership m join organisation o on o.id = m.organisation_id where m.user_id = u.id) as memberships
     from api_token t
     join api_client c on c.id = t.client_id and c.revoked_at is null
     join app_user u on u.id = c.user_id and u.is_active and u.kind = 'system'
     where t.token_hash = $1 and t.expires_at > $2`,
    [tokenHash, now],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isDemo: false,
    memberships: row.memberships,
    clientId: row.client_id,
    clientName: row.client_name,
  };
}
