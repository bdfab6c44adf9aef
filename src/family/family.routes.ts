import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.store.ts';
import { carerRelationships, careTeamRoleLabels, careTeamRoles } from '../care-team/care-team.rules.ts';
import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { familyRoles } from '../kernel/roles.ts';
import { panelAnalytes } from '../results/panels.ts';
import { monthsBefore } from '../results/thresholds.rules.ts';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import { type FamilyChild, familyChildren, releasedResultsOf, upcomingTestsOf } from './family.store.ts';
import { plainResult, upcomingTestWords } from './family-results.rules.ts';

/** How far back the family's view of results goes. */
const RESULT_MONTHS = 3;
const analyteOrder: readonly string[] = Object.values(panelAnalytes).flat();

const familyJson = z.object({
  children: z.array(
    z.object({
      patientId: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      dateOfBirth: z.string(),
      relationship: z.enum([...carerRelationships, 'self']),
      resultsReleased: z
        .boolean()
        .describe('Whether the specialist team shares results with the family here'),
      bloodTests: z
        .array(
          z.object({
            medicine: z.string(),
            dueOn: z.string(),
            late: z.boolean(),
            tests: z.string(),
            where: z.string(),
            arrangedBy: z.string(),
          }),
        )
        .describe('The next blood test of each medicine, soonest first'),
      results: z
        .array(
          z.object({
            specimenDate: z.string(),
            test: z.string(),
            value: z.number(),
            unit: z.string(),
            words: z.string(),
          }),
        )
        .nullable()
        .describe(`Results of the last ${RESULT_MONTHS} months in plain words; null unless released`),
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

/** Each child's next blood tests and, when the team has released them, recent results in plain words. */
async function withBloodTests(q: Queryable, children: readonly FamilyChild[], today: PlainDate) {
  const ids = children.map((c) => c.patientId);
  const tests = await upcomingTestsOf(q, ids);
  const released = children.filter((c) => c.resultsReleased).map((c) => c.patientId);
  const results = await releasedResultsOf(q, released, monthsBefore(today, RESULT_MONTHS));
  return children.map((child) => ({
    ...child,
    bloodTests: upcomingTestWords(
      tests.filter((t) => t.patientId === child.patientId),
      today,
    ),
    results: child.resultsReleased
      ? results
          .filter((r) => r.patientId === child.patientId)
          .sort(
            (a, b) =>
              b.specimenDate.localeCompare(a.specimenDate) ||
              analyteOrder.indexOf(a.analyte) - analyteOrder.indexOf(b.analyte),
          )
          .map((r) => plainResult(r, child.relationship === 'self'))
      : null,
  }));
}

/** The children this parent/carer (or young person) may see, with one audit entry naming them by id only. */
async function readFamily(deps: AppDeps, request: FastifyRequest) {
  const { viewer, membership } = requireRole(request, familyRoles, 'use the family home');
  const children = await withBloodTests(
    deps.db,
    await familyChildren(deps.db, viewer, request),
    request.today,
  );
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
          'The children a parent or carer may see (or a young person’s own record), with their care teams, next blood tests and, when the team releases them, recent results in plain words',
        response: { 200: familyJson },
      },
    },
    async (request) => ({ children: (await readFamily(deps, request)).children }),
  );
}
