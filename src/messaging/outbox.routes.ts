import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdministrator } from '../admin/administrator.ts';
import { JointlyError, parseInput } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { outboxStatuses, renderBody } from './outbox.rules.ts';
import { outboxCounts, outboxPage } from './outbox.store.ts';

const perPage = 50;

const query = z.object({
  status: z
    .enum(['', ...outboxStatuses], { message: 'Choose waiting, sent or failed' })
    .optional()
    .transform((v) => v || undefined),
  page: z.coerce.number({ message: 'Enter a page number' }).int().min(1).max(10_000).default(1),
});

/**
 * The e-mail outbox for service administrators, in demo mode only, so a demonstration can show what would
 * have been sent without a mail server. Outside demo mode the page does not exist: the outbox holds staff
 * addresses, and operators who need to look at it do so in the database.
 */
export async function outboxRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/admin/outbox', { schema: { hide: true } }, async (request, reply) => {
    if (!deps.config.demo) throw new JointlyError('NOT_FOUND', 'There is no page at this address.');
    requireAdministrator(request, 'see the e-mail outbox');
    const { status, page } = parseInput(query, request.query);
    const [counts, listing] = await Promise.all([
      outboxCounts(deps.db),
      outboxPage(deps.db, { status, limit: perPage, offset: (page - 1) * perPage }),
    ]);
    const href = (n: number) =>
      `/admin/outbox?${new URLSearchParams({ status: status ?? '', page: String(n) })}`;
    return reply.page('messaging/views/outbox.njk', {
      title: 'E-mail outbox',
      counts,
      status,
      sending: deps.config.mail.smtpHost !== undefined,
      entries: listing.entries.map((e) => ({ ...e, text: renderBody(e.body, deps.config.publicUrl) })),
      newerHref: page > 1 ? href(page - 1) : undefined,
      olderHref: listing.more ? href(page + 1) : undefined,
    });
  });
}
