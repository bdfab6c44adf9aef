import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.store.ts';
import { carerRelationships, careTeamRoleLabels, careTeamRoles } from '../care-team/care-team.rules.ts';
import { familyRoles } from '../kernel/roles.ts';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import { familyChildren } from './family.store.ts';

const familyJson = z.object({
  children: z.array(
    z.object({
      patientId: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      dateOfBirth: z.string(),
      relationship: z.enum([...carerRelationships, 'self']),
      careTeam: z.array(
        z.object({
          organisationName: z.string(),
          organisationCode: z.string(),
          role: z.enum(careTeamRoles),
          namedPerson: z.string().nullable(),
        }),
      ),
    }),
  ),
});

/** The children this parent/carer (or young person) may see, with one audit entry naming them by id only. */
async function readFamily(deps: AppDeps, request: FastifyRequest) {
  const { viewer, membership } = requireRole(request, familyRoles, 'use the family home');
  const children = await familyChildren(deps.db, viewer, request);
  await recordAudit(deps.db, {
    userId: viewer.id,
    userEmail: viewer.email,
    role: membership.role,
    organisationId: null,
    patientId: null,
    action: 'view family home',
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { count: children.length, patientIds: children.map((c) => c.patientId) },
    occurredAt: request.now,
  });
  return { viewer, children };
}

export async function familyRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/family', { schema: { hide: true } }, async (request, reply) => {
    const { viewer, children } = await readFamily(deps, request);
    const ownRecordOnly = children.length > 0 && children.every((c) => c.relationship === 'self');
    return reply.page('family/views/family.njk', {
      title: ownRecordOnly ? 'Your record' : 'Your family',
      ownRecordOnly,
      isYoungPerson: viewer.memberships.some((m) => m.role === 'young_person'),
      children,
      roleLabels: careTeamRoleLabels,
      today: request.today,
    });
  });

  r.get(
    '/api/family',
    {
      schema: {
        tags: ['family'],
        summary:
          'The children a parent or carer may see (or a young person’s own record), with their care teams',
        response: { 200: familyJson },
      },
    },
    async (request) => ({ children: (await readFamily(deps, request)).children }),
  );
}
