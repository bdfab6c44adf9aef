import { createHash, randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { z } from 'zod';
import { isUuid } from '../../access/patient-access.ts';
import { type AuditEntry, appendAudit, recordAudit } from '../../audit/audit.store.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { fieldProblems, invalidField, JointlyError, refuseFields } from '../../kernel/errors.ts';
import {
  type OrganisationKind,
  type Role,
  roleLabels,
  rolesByOrganisationKind,
  type StaffRole,
  staffRoles,
} from '../../kernel/roles.ts';
import type { SignedInUser } from '../../people/people.store.ts';
import { hashPassword } from '../../people/sign-in.ts';
import {
  type ApiClient,
  accountForToken,
  clientCredentials,
  findApiClient,
  insertApiClient,
  insertToken,
  revokeApiClient,
} from './api-clients.store.ts';

/** How long a bearer token lasts; the client asks for a new one with its credentials after that. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * The role a client acts with when none is chosen: enough to read its patients and send results, no more.
 * A GP practice's system acts as a practice nurse, a specialist centre's as a nurse specialist, a local
 * hospital's as a local paediatrician, an allied or other service's as an allied health professional.
 */
export const defaultClientRole: Record<OrganisationKind, StaffRole> = {
  specialist_centre: 'nurse_specialist',
  gp_practice: 'practice_nurse',
  local_hospital: 'local_paediatrician',
  allied_service: 'allied_health_professional',
  other_service: 'allied_health_professional',
};

/** Roles a system may never hold: approving protocols is a person's act. */
const rolesNotForSystems: readonly Role[] = ['clinical_safety_officer'];

/** The roles a client of this kind of organisation may be given. */
export function clientRolesFor(kind: OrganisationKind): StaffRole[] {
  return rolesByOrganisationKind[kind].filter((r) => !rolesNotForSystems.includes(r));
}

export const newClientSchema = z.object({
  name: z
    .string({ message: 'Enter a name for the client' })
    .trim()
    .min(1, 'Enter a name for the client, such as the system it is')
    .max(200, 'The name must be 200 characters or fewer'),
  organisationCode: z
    .string({ message: 'Choose the organisation the client belongs to' })
    .trim()
    .toUpperCase()
    .min(1, 'Choose the organisation the client belongs to'),
  role: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type NewClient = z.input<typeof newClientSchema>;

/** Who made or changed a client, for the audit trail: a service administrator, or the command line. */
export interface ClientAdministrator {
  userId: string | null;
  email: string | null;
  role: Role | null;
  organisationId: string | null;
}

export const commandLine: ClientAdministrator = {
  userId: null,
  email: null,
  role: null,
  organisationId: null,
};

export interface CreatedClient {
  client: ApiClient;
  /** Shown once; only its hash is kept. */
  secret: string;
}

/** Makes a client for an organisation with its system account; the secret is returned once and never kept. */
export async function createApiClient(
  db: Database,
  input: NewClient,
  by: ClientAdministrator,
  now: Date,
): Promise<CreatedClient> {
  const parsed = newClientSchema.safeParse(input);
  if (!parsed.success) throw refuseFields(fieldProblems(parsed.error));
  const { name, organisationCode, role: chosen } = parsed.data;
  const [organisation] = await db.query<{ id: string; kind: OrganisationKind; name: string }>(
    'select id, kind, name from organisation where code = $1',
    [organisationCode],
  );
  if (!organisation) {
    throw invalidField('organisationCode', `There is no organisation with the code ${organisationCode}`);
  }
  const allowed = clientRolesFor(organisation.kind);
  const role = (chosen ?? defaultClientRole[organisation.kind]) as StaffRole;
  if (!(staffRoles as readonly string[]).includes(role) || !allowed.includes(role)) {
    throw invalidField(
      'role',
      `A client of ${organisation.name} can act as ${allowed.map(roleWords).join(', ')}; not ${chosen}`,
    );
  }
  const secret = randomToken();
  const [secretHash, unusablePasswordHash] = await Promise.all([
    hashPassword(secret),
    hashPassword(randomToken()),
  ]);
  const id = await db.transaction(async (tx) => {
    const made = await insertApiClient(tx, {
      name,
      organisationId: organisation.id,
      role,
      secretHash,
      unusablePasswordHash,
      createdBy: by.userId,
    });
    await appendAudit(
      tx,
      adminEntry(by, now, 'add API client', { clientId: made.id, organisationCode, role, name }),
    );
    return made.id;
  });
  return { client: (await findApiClient(db, id))!, secret };
}

export async function revokeClient(
  db: Database,
  clientId: string,
  by: ClientAdministrator,
  now: Date,
): Promise<void> {
  if (!isUuid(clientId)) throw noSuchClient();
  await db.transaction(async (tx) => {
    if (!(await revokeApiClient(tx, clientId, by.userId, now))) {
      const existing = await findApiClient(tx, clientId);
      if (!existing) throw noSuchClient();
      throw new JointlyError('NOT_NOW', 'This API client was revoked already.');
    }
    await appendAudit(tx, adminEntry(by, now, 'revoke API client', { clientId }));
  });
}

const noSuchClient = () => new JointlyError('NOT_FOUND', 'There is no API client with that identifier.');

function adminEntry(
  by: ClientAdministrator,
  now: Date,
  action: string,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    occurredAt: now,
    userId: by.userId,
    userEmail: by.email,
    role: by.role,
    organisationId: by.organisationId,
    patientId: null,
    action,
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: by.userId ? details : { ...details, via: 'command line' },
  };
}

/** Why a token request failed, in OAuth 2.0's words (RFC 6749 §5.2). */
export class TokenRefusal extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
  }
  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

// Checking a secret against this when there is no such client keeps the answer's timing the same.
const noSuchClientHash = hashPassword('no client has this secret, it only spends time');

/**
 * The OAuth 2.0 client-credentials grant: a client's id and secret give a bearer token that lasts an hour.
 * Only the token's SHA-256 is stored. Issuing and refusing (for a known client) are both audited.
 */
export async function issueToken(
  db: Database,
  credentials: { clientId: string; clientSecret: string },
  now: Date,
): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
  const found = isUuid(credentials.clientId) ? await clientCredentials(db, credentials.clientId) : undefined;
  const secretMatches = await verify(found?.secretHash ?? (await noSuchClientHash), credentials.clientSecret);
  if (!found) throw new TokenRefusal('invalid_client', 'The client id or secret is not right.');
  const entry = clientEntry(found.client, now);
  if (!secretMatches || !found.usable) {
    const reason = secretMatches ? 'the client has been revoked' : 'wrong secret';
    await recordAudit(db, { ...entry, outcome: 'refused', details: { clientId: found.client.id, reason } });
    throw new TokenRefusal(
      'invalid_client',
      secretMatches ? 'This client has been revoked.' : 'The client id or secret is not right.',
    );
  }
  const token = randomToken();
  await db.transaction(async (tx) => {
    await insertToken(tx, {
      hash: tokenHash(token),
      clientId: found.client.id,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_SECONDS * 1000),
    });
    await appendAudit(tx, { ...entry, details: { clientId: found.client.id } });
  });
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
}

function clientEntry(client: ApiClient, now: Date): AuditEntry {
  return {
    occurredAt: now,
    userId: client.userId,
    userEmail: `api-client-${client.id}@clients.jointly.invalid`,
    role: client.role,
    organisationId: client.organisationId,
    patientId: null,
    action: 'API client token',
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: {},
  };
}

/** The system account a bearer token stands for, or undefined when it is unknown, expired or revoked. */
export async function accountForBearer(
  db: Queryable,
  token: string,
  now: Date,
): Promise<(SignedInUser & { clientId: string; clientName: string }) | undefined> {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return undefined;
  return accountForToken(db, tokenHash(token), now);
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function roleWords(role: Role): string {
  return roleLabels[role].toLowerCase();
}
