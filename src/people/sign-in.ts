import { hash, verify } from '@node-rs/argon2';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import { lockoutAfterFailure } from './password.rules.ts';
import { clearFailedSignIns, findCredentials, recordFailedSignIn } from './people.store.ts';

/** argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: the OWASP minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against this when no account matches keeps the answer's timing the same either way.
const noSuchAccountHash = hash('no account has this password, it only spends time');

const wrongDetails = () =>
  new JointlyError(
    'SIGN_IN_FAILED',
    'The e-mail address or password is not right. Check them and try again.',
    [{ field: 'email', message: 'Enter a correct e-mail address and password' }],
  );

/**
 * Checks an e-mail and password; returns the account's id or refuses. Wrong passwords count towards a
 * temporary lockout; demo accounts sign in only while the system runs in demo mode.
 */
export async function checkPassword(
  db: Database,
  config: Pick<Config, 'demo' | 'signIn'>,
  email: string,
  password: string,
  now: Date,
): Promise<string> {
  const account = await findCredentials(db, email);
  if (!account?.isActive || (account.isDemo && !config.demo)) {
    await verify(await noSuchAccountHash, password);
    throw wrongDetails();
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    throw new JointlyError(
      'ACCOUNT_LOCKED',
      'This account is locked for a few minutes after too many wrong passwords. Try again later or ask your administrator.',
    );
  }
  if (!(await verify(account.passwordHash, password))) {
    await recordFailedSignIn(db, account.id, lockoutAfterFailure(account.failedSignIns, config.signIn, now));
    throw wrongDetails();
  }
  if (account.failedSignIns > 0 || account.lockedUntil) await clearFailedSignIns(db, account.id);
  return account.id;
}
