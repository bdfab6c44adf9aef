import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { askerOf } from '../agreements/asker.ts';
import type { AppDeps } from '../server/context.ts';
import { releaseInput, releaseResultsToFamily } from './release.ts';

const patientParams = z.object({ id: z.string().describe('The patient’s id (a UUID)') });

/** Where the form came from, so the team goes back to the page they were on. */
const returnPaths = { results: '/results#family-results', summary: '#family-results' } as const;

export async function releaseRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/patients/:id/results/release',
    { schema: { hide: true, params: patientParams } },
    async (request, reply) => {
      const { id } = request.params;
      const form = (request.body ?? {}) as Record<string, unknown>;
      await releaseResultsToFamily(deps.db, askerOf(request), id, { released: form.released });
      const back = form.returnTo === 'summary' ? returnPaths.summary : returnPaths.results;
      return reply.redirect(`/patients/${id}${back}`, 303);
    },
  );

  r.post(
    '/api/patients/:id/results/release',
    {
      schema: {
        tags: ['results'],
        summary: 'Let the family see this child’s results in plain words, or stop them (the specialist team)',
        params: patientParams,
        body: z.object({ released: releaseInput.shape.released }),
      },
    },
    async (request) => releaseResultsToFamily(deps.db, askerOf(request), request.params.id, request.body),
  );
}
