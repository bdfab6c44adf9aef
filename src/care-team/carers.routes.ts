import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPatientAccess } from '../access/patient-access.ts';
import { type FieldProblem, JointlyError } from '../kernel/errors.ts';
import { findPatient } from '../patients/patients.store.ts';
import type { AppDeps } from '../server/context.ts';
import { askerOf, patientParams, showCareTeam, submitForm } from './care-team.routes.ts';
import { carerRelationshipLabels } from './care-team.rules.ts';
import { listCarers } from './care-team.store.ts';
import { carerFormAsInput, linkCarer, newCarerSchema, removeCarerSchema, unlinkCarer } from './carers.ts';

const carerParams = patientParams.extend({
  userId: z.string().describe('The parent’s or carer’s account identifier'),
});

async function showRemoveForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  { id, userId }: { id: string; userId: string },
  form: { fields?: FieldProblem[]; values?: Record<string, unknown> } = {},
) {
  const access = await checkPatientAccess(deps.db, askerOf(request), id, 'edit-care-team', 'view care team');
  const carer = (await listCarers(deps.db, id)).find((c) => c.userId === userId);
  if (!carer) throw new JointlyError('NOT_FOUND', 'This parent or carer is not linked to the child.');
  return reply.page('care-team/views/remove-carer.njk', {
    title: `Unlink ${carer.name}`,
    access,
    patient: await findPatient(deps.db, id),
    carer,
    relationshipLabel: carerRelationshipLabels[carer.relationship],
    fields: form.fields,
    values: form.values ?? {},
  });
}

export async function carersRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  r.post('/patients/:id/carers', { schema: { hide: true, params: patientParams } }, (request, reply) => {
    const { id } = request.params;
    return submitForm(
      reply,
      () => linkCarer(deps.db, askerOf(request), id, carerFormAsInput(body(request))),
      `/patients/${id}/care-team`,
      (fields) => showCareTeam(deps, request, reply, id, { fields, carer: body(request) }),
    );
  });

  r.get(
    '/patients/:id/carers/:userId/remove',
    { schema: { hide: true, params: carerParams } },
    (request, reply) => showRemoveForm(deps, request, reply, request.params),
  );

  r.post(
    '/patients/:id/carers/:userId/remove',
    { schema: { hide: true, params: carerParams } },
    (request, reply) => {
      const { id, userId } = request.params;
      return submitForm(
        reply,
        () => unlinkCarer(deps.db, askerOf(request), id, userId, body(request)),
        `/patients/${id}/care-team`,
        (fields) => showRemoveForm(deps, request, reply, request.params, { fields, values: body(request) }),
      );
    },
  );

  r.post(
    '/api/patients/:id/carers',
    {
      schema: {
        tags: ['care team'],
        summary: 'Link an existing parent/carer account to the child',
        params: patientParams,
        body: newCarerSchema,
        response: { 201: z.object({ userId: z.string() }) },
      },
    },
    async (request, reply) => {
      const userId = await linkCarer(deps.db, askerOf(request), request.params.id, request.body);
      return reply.status(201).send({ userId });
    },
  );

  r.post(
    '/api/patients/:id/carers/:userId/remove',
    {
      schema: {
        tags: ['care team'],
        summary: 'Unlink a parent or carer from the child, with the reason',
        params: carerParams,
        body: removeCarerSchema,
      },
    },
    async (request, reply) => {
      await unlinkCarer(deps.db, askerOf(request), request.params.id, request.params.userId, request.body);
      return reply.status(204).send();
    },
  );
}
