import { z } from 'zod';
import { JointlyError } from '../kernel/errors.ts';
import { type Role, roles } from '../kernel/roles.ts';
import { findUserAccount, type UserAccount } from '../people/users.store.ts';
import {
  addMembership,
  createUser,
  deactivateUser,
  type NewUser,
  reactivateUser,
  unlockUser,
} from '../people/users.ts';
import type { AppDeps } from '../server/context.ts';
import { type Administrator, auditAdminAction, optionalText } from './administrator.ts';

export const userFilterSchema = z.object({
  organisationCode: optionalText.transform((v) => v?.toUpperCase()),
  q: optionalText.pipe(z.string().max(200, 'Search text must be 200 characters or fewer').optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export const usersPerPage = 50;

export const newRoleSchema = z.object({
  role: z.enum(roles, { message: 'Choose a role' }),
  organisationCode: optionalText.transform((v) => v?.toUpperCase()),
});

export type AccountChange = 'deactivate' | 'reactivate' | 'unlock';

const changes = {
  deactivate: { run: deactivateUser, action: 'deactivate user' },
  reactivate: { run: reactivateUser, action: 'reactivate user' },
  unlock: { run: unlockUser, action: 'unlock user' },
} as const;

/** The account, or a 404 naming what is missing. */
export async function existingAccount(deps: AppDeps, userId: string): Promise<UserAccount> {
  const account = await findUserAccount(deps.db, userId);
  if (!account) throw new JointlyError('NOT_FOUND', 'There is no account with that identifier.');
  return account;
}

/** Creates an account with its first role, and its audit entry in the same transaction. */
export async function addAccount(
  deps: AppDeps,
  admin: Administrator,
  now: Date,
  input: NewUser,
): Promise<UserAccount> {
  const userId = await createUser(deps.db, input, {
    audit: (tx, id) =>
      auditAdminAction(admin, now, 'create user', {
        userId: id,
        email: input.email.trim().toLowerCase(),
        role: input.role,
        organisationCode: input.organisationCode?.trim().toUpperCase() || null,
      })(tx),
  });
  return existingAccount(deps, userId);
}

export async function changeAccount(
  deps: AppDeps,
  admin: Administrator,
  now: Date,
  userId: string,
  change: AccountChange,
): Promise<UserAccount> {
  const account = await existingAccount(deps, userId);
  if (change === 'deactivate' && account.id === admin.viewer.id) {
    throw new JointlyError(
      'FORBIDDEN',
      'You cannot deactivate your own account; ask another service administrator.',
    );
  }
  const { run, action } = changes[change];
  await run(deps.db, userId, (tx) =>
    auditAdminAction(admin, now, action, { userId, email: account.email })(tx),
  );
  return existingAccount(deps, userId);
}

/** Gives an account another role, in an organisation for staff roles. */
export async function addRole(
  deps: AppDeps,
  admin: Administrator,
  now: Date,
  userId: string,
  role: Role,
  organisationCode: string | undefined,
): Promise<UserAccount> {
  const account = await existingAccount(deps, userId);
  await addMembership(deps.db, userId, role, organisationCode, (tx) =>
    auditAdminAction(admin, now, 'add role', {
      userId,
      email: account.email,
      role,
      organisationCode: organisationCode ?? null,
    })(tx),
  );
  return existingAccount(deps, userId);
}

/** An account as the API shows it: never the password hash. */
export function accountSummary(account: UserAccount, now: Date) {
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName,
    isActive: account.isActive,
    isDemo: account.isDemo,
    lockedUntil: account.lockedUntil && account.lockedUntil > now ? account.lockedUntil.toISOString() : null,
    memberships: account.memberships,
  };
}
