import { actionsByRole } from '../access/access.rules.ts';
import { type StaffRole, staffRoles } from '../kernel/roles.ts';

/** How many times an e-mail is tried before it is given up on (about 20 hours of trying). */
export const MAX_ATTEMPTS = 12;
const FIRST_RETRY_MINUTES = 1;
const LONGEST_WAIT_MINUTES = 6 * 60;

/** What to do after a failed attempt: try again at a later time, or give up. */
export type AfterFailure = { kind: 'retry'; at: Date } | { kind: 'give-up' };

/**
 * After the `attempts`-th failed attempt: wait 1, 2, 4 … minutes (never more than 6 hours) and try again,
 * until the twelfth attempt has failed.
 */
export function afterFailure(attempts: number, now: Date): AfterFailure {
  if (attempts >= MAX_ATTEMPTS) return { kind: 'give-up' };
  const minutes = Math.min(FIRST_RETRY_MINUTES * 2 ** Math.max(0, attempts - 1), LONGEST_WAIT_MINUTES);
  return { kind: 'retry', at: new Date(now.getTime() + minutes * 60_000) };
}

/**
 * Links are stored relative, as `{{link:/tasks}}`, because whoever queues an e-mail (a task opened inside a
 * transaction, a nightly sweep) does not know the address people reach Jointly at; the sender writes in
 * JOINTLY_PUBLIC_URL when it sends, so a changed address applies to e-mails already waiting.
 */
export function linkTo(path: string): string {
  if (!/^\/[^\s{}]*$/.test(path))
    throw new Error(`A link in an e-mail must be a path starting with /: ${path}`);
  return `{{link:${path}}}`;
}

const linkPattern = /\{\{link:(\/[^\s{}]*)\}\}/g;

/** The body as sent: each stored link made whole with the public address. */
export function renderBody(body: string, publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return body.replace(linkPattern, (_whole, path: string) => `${base}${path}`);
}

/**
 * The same Message-ID for every attempt at one outbox row, so that if a message is sent twice (the sender
 * stopped after the mail server accepted it but before it was marked sent) mail systems can see it is one.
 */
export function messageIdFor(outboxId: string): string {
  return `<${outboxId}@jointly>`;
}

/**
 * Who in an organisation without a shared inbox is told of a new task: the staff who do the clinical work.
 * Service administrators and clinical safety officers never see records, so a task is no work of theirs.
 */
export const taskNoticeRoles: readonly StaffRole[] = staffRoles.filter((role) =>
  actionsByRole[role].includes('read'),
);

/** What is kept of a refusal: the mail server's words, shortened (they name an address at most). */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 500) || 'Unknown error';
}

export type OutboxStatus = 'waiting' | 'sent' | 'failed';
export const outboxStatuses: readonly OutboxStatus[] = ['waiting', 'sent', 'failed'];
