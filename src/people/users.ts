import { z } from 'zod';
import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import { fieldProblems, invalidField, JointlyError, refuseFields } from '../kernel/errors.ts';
import {
  familyRoles,
  type OrganisationKind,
  type Role,
  roleLabels,
  roles,
  rolesByOrganisationKind,
} from '../kernel/roles.ts';
import { endAllSessionsOf } from '../server/sessions.store.ts';
import { passwordProblem } from './password.rules.ts';
import { hashPassword } from './sign-in.ts';
import { clearLockout, isSystemAccount, setUserActive, userExists } from './users.store.ts';

export const newUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'Enter an e-mail address in the right format, like name@example.nhs.uk' })),
  displayName: z
    .string()
    .trim()
    .min(1, 'Enter the person’s name')
    .max(200, 'Name must be 200 characters or fewer'),
  role: z.enum(roles, { message: 'Choose a role' }),
  /** The organisation's code; not given for parents, carers and young people. */
  organisationCode: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  password: z.string(),
});
export type NewUser = z.input<typeof newUserSchema>;

/**
 * Creates an account with one membership, after checking the role fits the organisation and the
 * password meets the rules. Service administrators do this (web and `jointly user add`).
 */
export async function createUser(
  db: Database,
  input: NewUser,
  options: { isDemo?: boolean; audit?: AccountAudit } = {},
): Promise<string> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) {
    throw refuseFields(fieldProblems(parsed.error));
  }
  const user = parsed.data;
  const problem = passwordProblem(user.password, { email: user.email });
  if (problem) throw invalidField('password', problem);
  const organisationId = await organisationForRole(db, user.role, user.organisationCode);
  const passwordHash = await hashPassword(user.password);
  const duplicate = () =>
    new JointlyError('CONFLICT', 'There is already an account with this e-mail address', [
      { field: 'email', message: 'There is already an account with this e-mail address' },
    ]);
  const created = db.transaction(async (tx) => {
    const [existing] = await tx.query('select 1 from app_user where email = $1', [user.email]);
    if (existing) throw duplicate();
    const [row] = await tx.query<{ id: string }>(
      'insert into app_user (email, display_name, password_hash, is_demo) values ($1, $2, $3, $4) returning id',
      [user.email, user.displayName, passwordHash, options.isDemo ?? false],
    );
    await tx.query('insert into membership (user_id, organisation_id, role) values ($1, $2, $3)', [
      row!.id,
      organisationId,
      user.role,
    ]);
    await options.audit?.(tx, row!.id);
    return row!.id;
  });
  // Two requests for one e-mail at once: the unique index refuses the second, which gets the same message.
  return created.catch((error: unknown) => {
    throw isUniqueViolation(error) ? duplicate() : error;
  });
}

async function organisationForRole(
  db: Queryable,
  role: Role,
  code: string | undefined,
): Promise<string | null> {
  if ((familyRoles as readonly string[]).includes(role)) {
    if (code)
      throw invalidField(
        'organisationCode',
        'Parents, carers and young people do not belong to an organisation',
      );
    return null;
  }
  if (!code)
    throw invalidField(
      'organisationCode',
      `Choose the organisation this ${roleLabels[role].toLowerCase()} works for`,
    );
  const [org] = await db.query<{ id: string; kind: OrganisationKind; name: string }>(
    'select id, kind, name from organisation where code = $1',
    [code],
  );
  if (!org) throw invalidField('organisationCode', `There is no organisation with the code ${code}`);
  if (!rolesByOrganisationKind[org.kind].includes(role as never)) {
    throw invalidField('role', `${org.name} cannot have a ${roleLabels[role].toLowerCase()}`);
  }
  return org.id;
}

/** Gives an existing account another role (a second organisation, or a second role in the same one). */
export async function addMembership(
  db: Database,
  userId: string,
  role: Role,
  organisationCode?: string,
  audit?: AccountAudit,
): Promise<void> {
  const organisationId = await organisationForRole(db, role, organisationCode);
  await db.transaction(async (tx) => {
    if (!(await userExists(tx, userId))) throw noSuchAccount();
    if (await isSystemAccount(tx, userId)) {
      throw invalidField(
        'role',
        'This is an API client: it keeps its one role. Add another API client instead.',
      );
    }
    await tx.query(
      'insert into membership (user_id, organisation_id, role) values ($1, $2, $3) on conflict do nothing',
      [userId, organisationId, role],
    );
    await audit?.(tx, userId);
  });
}

/** Writes an account change's audit entry inside the change's own transaction, so both commit or neither. */
export type AccountAudit = (tx: Queryable, userId: string) => Promise<void>;

const noSuchAccount = () => new JointlyError('NOT_FOUND', 'There is no account with that identifier.');

/** Stops an account signing in and ends every session it has, at once. */
export async function deactivateUser(db: Database, userId: string, audit: AccountAudit): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await setUserActive(tx, userId, false))) throw noSuchAccount();
    await endAllSessionsOf(tx, userId);
    await audit(tx, userId);
  });
}

export async function reactivateUser(db: Database, userId: string, audit: AccountAudit): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await setUserActive(tx, userId, true))) throw noSuchAccount();
    await audit(tx, userId);
  });
}

/** Lets someone locked out by wrong passwords try again now, rather than after the lockout. */
export async function unlockUser(db: Database, userId: string, audit: AccountAudit): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await clearLockout(tx, userId))) throw noSuchAccount();
    await audit(tx, userId);
  });
}
