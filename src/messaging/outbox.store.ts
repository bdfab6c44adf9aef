import type { Queryable } from '../db/database.ts';
import { linkTo, type OutboxStatus, taskNoticeRoles } from './outbox.rules.ts';

/** An e-mail to queue. The body holds links as `linkTo('/path')` and never clinical detail. */
export interface NewEmail {
  toAddress: string;
  subject: string;
  body: string;
  /** What sort of notice: 'new-task', 'blood-test-reminder', … */
  kind: string;
  /** What it is about (a task, an alert, a due test): one e-mail per subject, address and kind. */
  aboutId: string | null;
  /** Not before this time (now when not given). */
  sendAfter?: Date | null;
}

/** Queues e-mails in one statement; one already queued about the same subject to the same address is kept. */
export async function queueEmails(q: Queryable, emails: readonly NewEmail[]): Promise<number> {
  if (emails.length === 0) return 0;
  const rows = await q.query(
    `insert into email_outbox (to_address, subject, body, kind, about_id, send_after)
     select lower(e.to_address), e.subject, e.body, e.kind, e.about_id, coalesce(e.send_after, now())
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::timestamptz[])
       as e(to_address, subject, body, kind, about_id, send_after)
     on conflict (about_id, to_address, kind) where about_id is not null do nothing
     returning id`,
    [
      emails.map((e) => e.toAddress),
      emails.map((e) => e.subject),
      emails.map((e) => e.body),
      emails.map((e) => e.kind),
      emails.map((e) => e.aboutId),
      emails.map((e) => e.sendAfter ?? null),
    ],
  );
  return rows.length;
}

/**
 * A common table expression, `task_notices`, that queues one e-mail per task in `opened` (a CTE of the newly
 * inserted tasks, with `id` and `organisation_id`), for the task store to put beside its insert so that the
 * task and its e-mail commit together. The e-mail goes to the organisation's shared inbox when it has one,
 * otherwise to each active member who does clinical work there. It names the organisation only: the patient,
 * result or medicine stay behind sign-in. Its parameters follow the statement's own, from `firstParam` on.
 */
export function taskNoticesCte(firstParam: number): { sql: string; params: unknown[] } {
  const roles = `$${firstParam}`;
  const link = `$${firstParam + 1}`;
  return {
    sql: `task_notices as (
      insert into email_outbox (to_address, subject, body, kind, about_id)
      select r.to_address, 'Jointly: new task for ' || org.code,
             'There is new work for ' || org.name || ' in Jointly. Sign in to see it: ' || ${link}::text,
             'new-task', opened.id
      from opened
      join organisation org on org.id = opened.organisation_id
      cross join lateral (
        select org.email as to_address where org.email is not null
        union
        select u.email from membership m join app_user u on u.id = m.user_id
        where org.email is null and m.organisation_id = org.id and u.is_active and m.role = any(${roles}::text[])
      ) r
      on conflict (about_id, to_address, kind) where about_id is not null do nothing
    )`,
    params: [taskNoticeRoles, linkTo('/tasks')],
  };
}

/** An e-mail a sender has claimed and must now send. */
export interface ClaimedEmail {
  id: string;
  toAddress: string;
  subject: string;
  body: string;
  kind: string;
  /** Attempts before this one. */
  attempts: number;
}

/**
 * Claims up to `limit` e-mails that are due and that no other sender holds, until `now + holdSeconds`.
 * Rows another sender is claiming at this moment are skipped, not waited for, so two senders never take one.
 */
export async function claimBatch(
  q: Queryable,
  limit: number,
  now: Date,
  holdSeconds: number,
): Promise<ClaimedEmail[]> {
  const rows = await q.query<{
    id: string;
    to_address: string;
    subject: string;
    body: string;
    kind: string;
    attempts: number;
  }>(
    `update email_outbox set claimed_until = $2::timestamptz + $3 * interval '1 second'
     where id in (
       select id from email_outbox
       where sent_at is null and failed_at is null and send_after <= $2
         and (claimed_until is null or claimed_until < $2)
       order by send_after
       limit $1
       for update skip locked
     )
     returning id, to_address, subject, body, kind, attempts`,
    [limit, now, holdSeconds],
  );
  return rows.map((r) => ({
    id: r.id,
    toAddress: r.to_address,
    subject: r.subject,
    body: r.body,
    kind: r.kind,
    attempts: r.attempts,
  }));
}

export async function markSent(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(
    `update email_outbox set sent_at = $2, attempts = attempts + 1, claimed_until = null where id = $1`,
    [id, at],
  );
}

/** Records a failed attempt; the e-mail waits until `nextTry`. */
export async function markFailedAttempt(
  q: Queryable,
  id: string,
  error: string,
  nextTry: Date,
): Promise<void> {
  await q.query(
    `update email_outbox set attempts = attempts + 1, last_error = $2, send_after = $3, claimed_until = null
     where id = $1`,
    [id, error, nextTry],
  );
}

/** Records the last failed attempt: the e-mail is not tried again. */
export async function markGivenUp(q: Queryable, id: string, error: string, at: Date): Promise<void> {
  await q.query(
    `update email_outbox set attempts = attempts + 1, last_error = $2, failed_at = $3, claimed_until = null
     where id = $1`,
    [id, error, at],
  );
}

const statusSql = `case when sent_at is not null then 'sent' when failed_at is not null then 'failed'
  else 'waiting' end`;

export interface OutboxEntry {
  id: string;
  toAddress: string;
  subject: string;
  body: string;
  kind: string;
  createdAt: Date;
  sendAfter: Date;
  sentAt: Date | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
}

/** The outbox, newest first, optionally of one status; one more row than asked for tells whether more follow. */
export async function outboxPage(
  q: Queryable,
  page: { status: OutboxStatus | undefined; limit: number; offset: number },
): Promise<{ entries: OutboxEntry[]; more: boolean }> {
  const rows = await q.query<{
    id: string;
    to_address: string;
    subject: string;
    body: string;
    kind: string;
    created_at: Date;
    send_after: Date;
    sent_at: Date | null;
    status: OutboxStatus;
    attempts: number;
    last_error: string | null;
  }>(
    `select id, to_address, subject, body, kind, created_at, send_after, sent_at, ${statusSql} as status,
            attempts, last_error
     from email_outbox
     where $1::text is null or ${statusSql} = $1
     order by created_at desc, id
     limit $2 offset $3`,
    [page.status ?? null, page.limit + 1, page.offset],
  );
  return {
    more: rows.length > page.limit,
    entries: rows.slice(0, page.limit).map((r) => ({
      id: r.id,
      toAddress: r.to_address,
      subject: r.subject,
      body: r.body,
      kind: r.kind,
      createdAt: r.created_at,
      sendAfter: r.send_after,
      sentAt: r.sent_at,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
    })),
  };
}

export async function outboxCounts(q: Queryable): Promise<Record<OutboxStatus, number>> {
  const [row] = await q.query<Record<OutboxStatus, number>>(
    `select count(*) filter (where sent_at is null and failed_at is null)::int as waiting,
            count(*) filter (where sent_at is not null)::int as sent,
            count(*) filter (where failed_at is not null)::int as failed
     from email_outbox`,
  );
  return row ?? { waiting: 0, sent: 0, failed: 0 };
}
