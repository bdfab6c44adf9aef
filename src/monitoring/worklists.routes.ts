import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { askerOf } from '../agreements/asker.ts';
import type { AppDeps } from '../server/context.ts';
import { loadPracticeWorklist, loadSpecialistWorklist } from './worklists.ts';

export async function monitoringWorklistRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/monitoring', { schema: { hide: true } }, async (request, reply) =>
    reply.page('monitoring/views/specialist-worklist.njk', {
      title: 'Monitoring',
      ...(await loadSpecialistWorklist(deps.db, askerOf(request))),
    }),
  );

  r.get(
    '/api/monitoring/worklist',
    {
      schema: {
        tags: ['monitoring'],
        summary:
          'The specialist team’s monitoring worklist: red then amber results awaiting a decision (oldest first), overdue blood tests, and the number of open tasks',
      },
    },
    async (request) => loadSpecialistWorklist(deps.db, askerOf(request)),
  );

  r.get('/practice', { schema: { hide: true } }, async (request, reply) =>
    reply.page('monitoring/views/practice-worklist.njk', {
      title: 'Practice worklist',
      ...(await loadPracticeWorklist(deps.db, askerOf(request))),
    }),
  );

  r.get(
    '/api/practice/worklist',
    {
      schema: {
        tags: ['monitoring'],
        summary:
          'A GP practice’s worklist: blood tests it arranges due this week or overdue, results needing its action, and the shared care it prescribes under',
      },
    },
    async (request) => loadPracticeWorklist(deps.db, askerOf(request)),
  );
}
