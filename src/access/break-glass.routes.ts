import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit, recordAudit } from '../audit/audit.store.ts';
import { invalidField, JointlyError } from '../kernel/errors.ts';
import type { SignedInUser } from '../people/people.store.ts';
import type { AppDeps } from '../server/context.ts';
import { requireViewer } from '../server/guards.ts';
import { decideAccess, type PatientRelationships } from './access.rules.ts';
import {
  breakGlassExpiry,
  breakGlassMembership,
  breakGlassReasonLength,
  breakGlassReasonProblem,
  breakGlassRoleRefusal,
} from './break-glass.rules.ts';
import { insertBreakGlass } from './break-glass.store.ts';
import { isUuid } from './patient-access.ts';
import { loadRelationships } from './relationships.store.ts';

const params = z.object({ id: z.string().describe('The patient’s identifier') });
const declaration = z.object({
  reason: z
    .string()
    .describe(
      `Why you need the record now (${breakGlassReasonLength.min} to ${breakGlassReasonLength.max} characters)`,
    ),
});
const grantJson = z.object({
  id: z.string(),
  patientId: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
});

/** The patient's relationships as they bear on this viewer; 404 when there is no such patient. */
async function relationshipsFor(
  deps: AppDeps,
  viewer: SignedInUser,
  patientId: string,
  now: Date,
): Promise<PatientRelationships> {
  const relationships = isUuid(patientId)
    ? await loadRelationships(deps.db, patientId, viewer.id, now)
    : undefined;
  if (!relationships) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  return relationships;
}

/**
 * Records a break-glass grant and its audit entry together. Refusals for role are audited too, so the
 * access log shows someone tried.
 */
async function declareBreakGlass(deps: AppDeps, request: FastifyRequest, patientId: string, reason: unknown) {
  const viewer = requireViewer(request);
  const relationships = await relationshipsFor(deps, viewer, patientId, request.now);
  const clinician = breakGlassMembership(viewer.memberships);
  const audit = {
    userId: viewer.id,
    userEmail: viewer.email,
    patientId,
    action: 'declare break-glass',
    occurredAt: request.now,
  };
  if (!clinician) {
    const refusal = breakGlassRoleRefusal(viewer.memberships);
    const first = viewer.memberships[0];
    await recordAudit(deps.db, {
      ...audit,
      role: first?.role ?? null,
      organisationId: first?.organisationId ?? null,
      outcome: 'refused',
      relationship: null,
      breakGlassReason: null,
      details: { reason: refusal },
    });
    throw new JointlyError('FORBIDDEN', refusal);
  }
  const text = typeof reason === 'string' ? reason.trim() : '';
  const problem = breakGlassReasonProblem(text);
  if (problem) throw invalidField('reason', problem);
  const existing = decideAccess(viewer, relationships, 'read', request);
  if (existing.allowed && existing.relationship !== 'break-glass') {
    const message = 'You already have access to this record, so break-glass access is not needed.';
    throw new JointlyError('CONFLICT', message, [{ field: 'reason', message }]);
  }
  const grantedAt = request.now;
  const expiresAt = breakGlassExpiry(grantedAt, deps.config.breakGlassMinutes);
  const grant = {
    userId: viewer.id,
    organisationId: clinician.organisationId,
    role: clinician.role,
    patientId,
  };
  const id = await deps.db.transaction(async (tx) => {
    const grantId = await insertBreakGlass(tx, { ...grant, reason: text, grantedAt, expiresAt });
    await appendAudit(tx, {
      ...audit,
      role: clinician.role,
      organisationId: clinician.organisationId,
      outcome: 'allowed',
      relationship: 'break-glass',
      breakGlassReason: text,
      details: { breakGlassId: grantId, expiresAt: expiresAt.toISOString() },
    });
    return grantId;
  });
  return { id, patientId, grantedAt: grantedAt.toISOString(), expiresAt: expiresAt.toISOString() };
}

async function showDeclaration(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  form: { fields?: { field: string; message: string }[]; reason?: unknown } = {},
) {
  const viewer = requireViewer(request);
  const relationships = await relationshipsFor(deps, viewer, patientId, request.now);
  if (!breakGlassMembership(viewer.memberships))
    throw new JointlyError('FORBIDDEN', breakGlassRoleRefusal(viewer.memberships));
  const existing = decideAccess(viewer, relationships, 'read', request);
  const currentGrant = relationships.breakGlass.find((g) => g.expiresAt > request.now);
  return reply.page('access/views/break-glass.njk', {
    title: 'Declare break-glass access',
    patientId,
    minutes: deps.config.breakGlassMinutes,
    normalRelationship:
      existing.allowed && existing.relationship !== 'break-glass' ? existing.relationship : undefined,
    currentGrant,
    maxLength: breakGlassReasonLength.max,
    fields: form.fields,
    reason: typeof form.reason === 'string' ? form.reason : '',
  });
}

export async function breakGlassRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/patients/:id/break-glass', { schema: { hide: true, params } }, (request, reply) =>
    showDeclaration(deps, request, reply, request.params.id),
  );

  r.post('/patients/:id/break-glass', { schema: { hide: true, params } }, async (request, reply) => {
    const reason = (request.body as Record<string, unknown> | undefined)?.reason;
    try {
      await declareBreakGlass(deps, request, request.params.id, reason);
      return reply.redirect(`/patients/${request.params.id}`, 303);
    } catch (error) {
      if (!(error instanceof JointlyError) || !['INVALID_INPUT', 'CONFLICT'].includes(error.code))
        throw error;
      reply.status(error.status);
      return showDeclaration(deps, request, reply, request.params.id, { fields: error.fields, reason });
    }
  });

  r.post(
    '/api/patients/:id/break-glass',
    {
      schema: {
        tags: ['access'],
        summary:
          'Declare break-glass access to a patient you have no relationship with (read only, time-limited, reviewed)',
        params,
        body: declaration,
        response: { 201: grantJson },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await declareBreakGlass(deps, request, request.params.id, request.body.reason)),
  );
}
