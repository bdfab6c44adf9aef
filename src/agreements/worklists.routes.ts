import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import { agreementStates } from './agreement.rules.ts';
import { sweepAgreementClocks } from './agreement-clock.ts';
import { worklistRowJson } from './agreement-json.ts';
import { stateLabels } from './agreement-words.rules.ts';
import { askerOf } from './asker.ts';
import { hasWorklist, loadWorklist } from './worklists.ts';

const worklistQuery = z.object({
  side: z
    .enum(['specialist', 'practice'])
    .optional()
    .describe(
      'Whose list: the specialist centre’s (agreements it asked for) or the GP practice’s (requests to it). Yours, if you have one only.',
    ),
  state: z
    .union([z.enum(agreementStates), z.array(z.enum(agreementStates))])
    .optional()
    .describe('Only agreements in these states'),
});

export async function worklistRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/agreements', { schema: { hide: true } }, async (request, reply) => {
    const list = await loadWorklist(deps.db, askerOf(request), 'specialist');
    return reply.page('agreements/views/specialist-worklist.njk', {
      title: 'Shared care agreements',
      ...list,
      stateLabels,
      today: request.today,
    });
  });

  r.get('/shared-care', { schema: { hide: true } }, async (request, reply) => {
    const list = await loadWorklist(deps.db, askerOf(request), 'practice');
    return reply.page('agreements/views/practice-worklist.njk', {
      title: 'Shared care requests',
      ...list,
      stateLabels,
      today: request.today,
    });
  });

  r.get(
    '/api/agreements',
    {
      schema: {
        tags: ['shared care'],
        summary: 'Your organisation’s shared care agreements, grouped by where each stands',
        querystring: worklistQuery,
      },
    },
    async (request) => {
      const asker = askerOf(request);
      const side = request.query.side ?? (hasWorklist(asker, 'specialist') ? 'specialist' : 'practice');
      const states = request.query.state === undefined ? undefined : [request.query.state].flat();
      const list = await loadWorklist(deps.db, asker, side, states);
      return {
        side,
        groups: list.groups.map((g) => ({
          key: g.key,
          heading: g.heading,
          agreements: g.rows.map(worklistRowJson),
        })),
      };
    },
  );

  r.post(
    '/api/agreements/sweep',
    {
      schema: {
        tags: ['shared care'],
        summary:
          'Run the response clock now (service administrators): reminders, no-response marking and activation on the transfer date',
      },
    },
    async (request) => {
      requireRole(request, ['service_administrator'], 'run the shared care response clock');
      return sweepAgreementClocks(deps.db, request.today);
    },
  );
}
