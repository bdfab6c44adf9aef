import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyAuditChain } from '../audit/audit.store.ts';
import { exportAuditCsv } from '../audit/audit-export.ts';
import { type AuditFilter, searchAudit } from '../audit/audit-search.store.ts';
import { fieldProblems } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { auditAdminAction, requireAdministrator } from './administrator.ts';
import { auditFilterQuery, auditFilterSchema, auditPageSchema } from './audit-filter.ts';

const entriesPerPage = 50;
const apiQuery = auditFilterSchema.and(
  auditPageSchema.extend({ limit: z.coerce.number().int().min(1).max(500).default(entriesPerPage) }),
);

/** The audit trail for service administrators: search, CSV download and the hash-chain check. */
export async function auditRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/admin/audit', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'see the audit trail');
    const query = request.query as Record<string, string | undefined>;
    const filter = auditFilterSchema.safeParse(query);
    const page = auditPageSchema.safeParse(query);
    if (!filter.success || !page.success) {
      const fields = [
        ...(filter.error ? fieldProblems(filter.error) : []),
        ...(page.error ? fieldProblems(page.error) : []),
      ];
      reply.status(400);
      return reply.page('admin/views/audit.njk', {
        title: 'Audit trail',
        values: query,
        entries: [],
        fields,
      });
    }
    const result = await searchAudit(deps.db, filter.data, { ...page.data, limit: entriesPerPage });
    return reply.page('admin/views/audit.njk', {
      title: 'Audit trail',
      values: query,
      entries: result.entries,
      csvHref: `/admin/audit.csv?${auditFilterQuery(filter.data)}`,
      olderHref:
        result.older === undefined
          ? undefined
          : `/admin/audit?${auditFilterQuery(filter.data, { before: result.older })}`,
      newerHref:
        result.newer === undefined
          ? undefined
          : `/admin/audit?${auditFilterQuery(filter.data, { after: result.newer })}`,
      newestHref:
        page.data.before || page.data.after ? `/admin/audit?${auditFilterQuery(filter.data)}` : undefined,
    });
  });

  r.get(
    '/admin/audit.csv',
    { schema: { hide: true, querystring: auditFilterSchema } },
    async (request, reply) => sendCsv(deps, request, reply, request.query),
  );

  r.post('/admin/audit/verify', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'check the audit trail');
    const result = await verifyAuditChain(deps.db);
    return reply.page('admin/views/audit-verify.njk', { title: 'Audit trail check', result });
  });

  r.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Search the audit trail, newest first; page with `before` (older) or `after` (newer) sequence numbers',
        querystring: apiQuery,
      },
    },
    async (request) => {
      requireAdministrator(request, 'see the audit trail');
      const { before, after, limit, ...filter } = request.query;
      const result = await searchAudit(deps.db, filter, { before, after, limit });
      return { entries: result.entries, older: result.older ?? null, newer: result.newer ?? null };
    },
  );

  r.get(
    '/api/audit.csv',
    {
      schema: {
        tags: ['audit'],
        summary: 'Download the matching audit entries as CSV, oldest first (the download is itself audited)',
        querystring: auditFilterSchema,
      },
    },
    async (request, reply) => sendCsv(deps, request, reply, request.query),
  );

  r.post(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the audit trail’s hash chain from its first entry to its last',
      },
    },
    async (request) => {
      requireAdministrator(request, 'check the audit trail');
      return verifyAuditChain(deps.db);
    },
  );
}

/**
 * Streams the CSV as it is read, so a download of millions of entries holds one page in memory.
 * The download is audited before the first row leaves, so no export goes unrecorded.
 */
async function sendCsv(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, filter: AuditFilter) {
  const admin = requireAdministrator(request, 'download the audit trail');
  await deps.db.transaction(auditAdminAction(admin, request.now, 'export audit trail', { filter }));
  const out = new PassThrough();
  exportAuditCsv(deps.db, filter, out).then(
    () => out.end(),
    (error: unknown) => {
      request.log.error({ err: error }, 'audit export failed part-way');
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="jointly-audit-${request.today}.csv"`)
    .send(out);
}
