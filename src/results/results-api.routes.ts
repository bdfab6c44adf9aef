import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { invalidField } from '../kernel/errors.ts';
import { askerFrom } from '../patients/forms.ts';
import { analytes } from '../protocols/protocol.schema.ts';
import type { AppDeps } from '../server/context.ts';
import { acknowledgeResult } from './acknowledge.ts';
import { type AlertView, alertDecisions } from './alerts.store.ts';
import { recordResults } from './record-results.ts';
import { readResults } from './results-pages.ts';

const tags = ['results'];
const patientParams = z.object({ id: z.string().describe('The patient’s id (a UUID)') });
const alertParams = z.object({ alertId: z.string().describe('The result alert’s id (a UUID)') });

// Loose on purpose: the one recording path refuses bad results field by field (`results.2.unit`), in the clinic's
// words, and audits the refusal — the same for the API, the web form and a file.
const amount = z.union([z.number(), z.string()]);
const resultBody = z.object({
  analyte: z.string().describe(`One of: ${analytes.join(', ')}`),
  value: amount.describe('The result, in `unit`'),
  unit: z
    .string()
    .describe('As the laboratory gave it (e.g. 10^9/L, g/dL); converted to Jointly’s unit, never guessed'),
  rangeLow: amount.nullable().optional().describe('The laboratory’s reference range, lower end, in `unit`'),
  rangeHigh: amount.nullable().optional().describe('The laboratory’s reference range, upper end, in `unit`'),
  specimenDate: z.string().describe('YYYY-MM-DD: the day the blood was taken; not in the future'),
  externalId: z
    .string()
    .nullable()
    .optional()
    .describe('Your own identifier: a result sent again with the same one is stored once'),
});
const recordBody = z.object({
  results: z.array(resultBody).describe('At least 1, at most 500, all for this child'),
});
const acknowledgementBody = z.object({
  decision: z.string().describe(`One of: ${alertDecisions.join(', ')}`),
  note: z.string().optional().describe('Why; needed (at least 5 characters) when the decision is continue'),
});

function alertAsJson(alert: AlertView) {
  return {
    ...alert,
    respondBy: alert.respondBy.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    escalatedAt: alert.escalatedAt?.toISOString() ?? null,
  };
}

/** The JSON API for blood test results: recording them, reading them, and deciding about red and amber ones. */
export async function resultsApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.post(
    '/api/patients/:id/results',
    {
      schema: {
        tags,
        summary:
          'Record blood test results for a child: each converted to Jointly’s unit, judged against the protocols of the child’s medicines; red and amber results become alerts and tasks. 400 (nothing stored) when any result is refused',
        params: patientParams,
        body: recordBody,
      },
    },
    async (request, reply) => {
      const recorded = await recordResults(db, askerFrom(request), request.params.id, request.body, 'api');
      return reply.status(201).send(recorded);
    },
  );

  r.get(
    '/api/patients/:id/results',
    {
      schema: {
        tags,
        summary: 'A child’s results, newest first, with their outcomes and the alerts raised',
        params: patientParams,
        querystring: z.object({
          analyte: z
            .string()
            .optional()
            .describe(`Only this test: one of ${analytes.join(', ')}`),
        }),
      },
    },
    async (request) => {
      const { analyte } = request.query;
      const known = analytes.find((a) => a === analyte);
      if (analyte !== undefined && !known) {
        throw invalidField('analyte', `analyte must be one of: ${analytes.join(', ')}`);
      }
      const read = await readResults(
        db,
        askerFrom(request),
        request.params.id,
        known ? { analyte: known } : {},
      );
      const alerts = known ? read.alerts.filter((a) => a.analyte === known) : read.alerts;
      return { results: read.results, alerts: alerts.map(alertAsJson) };
    },
  );

  r.post(
    '/api/results/alerts/:alertId/acknowledgement',
    {
      schema: {
        tags,
        summary:
          'Decide what to do about a red or amber result; closes its tasks. 409 when someone has already decided',
        params: alertParams,
        body: acknowledgementBody,
      },
    },
    async (request) =>
      alertAsJson(await acknowledgeResult(db, askerFrom(request), request.params.alertId, request.body)),
  );
}
