import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/** A random token for a cookie or a form, 256 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Session {
  userId: string;
  csrfToken: string;
  lastSeenAt: Date;
}

/** Starts a session and returns the cookie's token; only its hash is stored. */
export async function startSession(
  db: Queryable,
  userId: string,
  now: Date,
): Promise<{ token: string; csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken();
  await db.query(
    'insert into user_session (token_hash, user_id, csrf_token, created_at, last_seen_at) values ($1, $2, $3, $4, $4)',
    [hashToken(token), userId, csrfToken, now],
  );
  return { token, csrfToken };
}

/**
 * The session behind a cookie, if it is still live. A session idle for longer than the limit is
 * ended here, so the next request must sign in again.
 */
export async function resumeSession(
  db: Queryable,
  token: string,
  now: Date,
  idleMinutes: number,
): Promise<Session | undefined> {
  const tokenHash = hashToken(token);
  const [row] = await db.query<{ user_id: string; csrf_token: string; last_seen_at: Date }>(
    'select user_id, csrf_token, last_seen_at from user_session where token_hash = $1',
    [tokenHash],
  );
  if (!row) return undefined;
  if (now.getTime() - row.last_seen_at.getTime() > idleMinutes * 60_000) {
    await endSession(db, token);
    return undefined;
  }
  // Touch at most once a minute: the idle clock needs no finer grain, and reads stay reads.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.query('update user_session set last_seen_at = $2 where token_hash = $1', [tokenHash, now]);
  }
  return { userId: row.user_id, csrfToken: row.csrf_token, lastSeenAt: row.last_seen_at };
}

export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query('delete from user_session where token_hash = $1', [hashToken(token)]);
}

export async function endAllSessionsOf(db: Queryable, userId: string): Promise<void> {
  await db.query('delete from user_session where user_id = $1', [userId]);
}
