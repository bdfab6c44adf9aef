import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPatientAccess } from '../access/patient-access.ts';
import { findPatient } from '../patients/patients.store.ts';
import type { AppDeps } from '../server/context.ts';
import { requireViewer } from '../server/guards.ts';
import { accessLogPageSize, patientAccessLog } from './patient-access-log.store.ts';

const params = z.object({ id: z.string().describe('The patient’s identifier') });
const querystring = z.object({
  page: z.coerce.number().int().min(1, 'Page must be 1 or more').max(1_000_000).default(1),
});
const entryJson = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  userEmail: z.string().nullable(),
  role: z.string().nullable(),
  organisationCode: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['allowed', 'refused']),
  relationship: z.string().nullable(),
  breakGlassReason: z.string().nullable(),
});
const logJson = z.object({
  page: z.number(),
  pageSize: z.number(),
  hasNextPage: z.boolean(),
  entries: z.array(entryJson),
});

/** Only the specialist team may see who has looked at a record (checked, and audited, by the access rules). */
async function readLog(deps: AppDeps, request: FastifyRequest, patientId: string, page: number) {
  const asker = { now: request.now, today: request.today, viewer: requireViewer(request) };
  const access = await checkPatientAccess(deps.db, asker, patientId, 'view-access-log', 'view access log', {
    page,
  });
  return { access, ...(await patientAccessLog(deps.db, patientId, page)) };
}

export async function patientAccessLogRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/patients/:id/access-log',
    { schema: { hide: true, params, querystring } },
    async (request, reply) => {
      const { id } = request.params;
      const { page } = request.query;
      const log = await readLog(deps, request, id, page);
      const pageHref = (n: number) => `/patients/${id}/access-log?page=${n}`;
      return reply.page('audit/views/patient-access-log.njk', {
        title: 'Who has looked at this record',
        access: log.access,
        patient: await findPatient(deps.db, id),
        entries: log.entries,
        page,
        previous: page > 1 ? { href: pageHref(page - 1), text: 'Newer entries' } : undefined,
        next: log.hasNextPage ? { href: pageHref(page + 1), text: 'Older entries' } : undefined,
      });
    },
  );

  r.get(
    '/api/patients/:id/access-log',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Who has looked at this record: its audit entries, newest first, 50 a page (specialist team only)',
        params,
        querystring,
        response: { 200: logJson },
      },
    },
    async (request) => {
      const { page } = request.query;
      const log = await readLog(deps, request, request.params.id, page);
      return {
        page,
        pageSize: accessLogPageSize,
        hasNextPage: log.hasNextPage,
        entries: log.entries.map((e) => ({
          ...e,
          seq: Number(e.seq),
          occurredAt: e.occurredAt.toISOString(),
        })),
      };
    },
  );
}
