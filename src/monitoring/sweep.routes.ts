import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import { sweepAndAudit } from './sweep.ts';

/** The monitoring sweep on demand, for a service administrator who need not wait for the hour. */
export async function monitoringSweepRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/monitoring/sweep',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Run the blood monitoring sweep now (statuses, reminders, overdue tasks, escalations)',
      },
    },
    async (request) => {
      const { viewer } = requireRole(request, ['service_administrator'], 'run the monitoring sweep');
      return sweepAndAudit(deps.db, request.now, { userId: viewer.id, email: viewer.email });
    },
  );
}
