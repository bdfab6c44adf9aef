import { dictionary } from '@zxcvbn-ts/language-common';

/** NCSC-style password rules: long enough, not too long to hash, and not one that attackers try first. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

// The 49,000 most common passwords from real breaches, as collected by zxcvbn-ts.
const commonPasswords = new Set<string>(dictionary['passwords-common'] as string[]);
const serviceWords = ['jointly', 'password', 'rheumatology'];

/** Why a proposed password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower) || commonPasswords.has(lower.replace(/[\d!?.\-_]+$/, ''))) {
    return 'Password is too common: choose one that is not on lists of breached passwords';
  }
  if (/^(.)\1+$/.test(password)) return 'Password must not be one character repeated';
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lower.includes(localPart))
    return 'Password must not contain your e-mail name';
  if (serviceWords.some((w) => lower === w || lower.replace(/[^a-z]/g, '') === w)) {
    return 'Password is too easy to guess';
  }
  return undefined;
}

/** After `maxFailures` wrong passwords in a row, the account waits `lockoutMinutes`. */
export function lockoutAfterFailure(
  failuresSoFar: number,
  policy: { maxFailures: number; lockoutMinutes: number },
  now: Date,
): Date | null {
  return failuresSoFar + 1 >= policy.maxFailures
    ? new Date(now.getTime() + policy.lockoutMinutes * 60_000)
    : null;
}
