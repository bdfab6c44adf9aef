import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  breakGlassReviewSchema,
  reviewerRefusal,
  reviewProblems,
} from '../access/break-glass-review.rules.ts';
import {
  type BreakGlassGrant,
  findGrant,
  listGrants,
  saveReview,
} from '../access/break-glass-review.store.ts';
import { JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import {
  type Administrator,
  auditAdminAction,
  formFields,
  requireAdministrator,
  showFormAgain,
} from './administrator.ts';

const idParams = z.object({ id: z.guid('That is not a break-glass grant identifier') });
const statusQuery = z.object({
  status: z
    .enum(['unreviewed', 'reviewed', 'all'], { message: 'Status must be unreviewed, reviewed or all' })
    .default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const reviewTemplate = 'admin/views/break-glass-review.njk';

async function existingGrant(deps: AppDeps, id: string): Promise<BreakGlassGrant> {
  const grant = await findGrant(deps.db, id);
  if (!grant) throw new JointlyError('NOT_FOUND', 'There is no break-glass grant with that identifier.');
  return grant;
}

/**
 * Records a review of one grant, with the reviewer and time, and its audit entry in the same transaction.
 * The patient's id goes in the details only: the reviewer never had access to the record.
 */
async function review(
  deps: AppDeps,
  admin: Administrator,
  now: Date,
  id: string,
  input: unknown,
): Promise<BreakGlassGrant> {
  const grant = await existingGrant(deps, id);
  const refusal = reviewerRefusal(grant, admin.viewer.id);
  if (refusal) throw new JointlyError('CONFLICT', refusal, [{ field: 'outcome', message: refusal }]);
  const checked = reviewProblems(input);
  if (!checked.ok)
    throw new JointlyError('INVALID_INPUT', checked.fields.map((f) => f.message).join('; '), checked.fields);
  await deps.db.transaction(async (tx) => {
    if (!(await saveReview(tx, id, checked.review, { userId: admin.viewer.id, at: now }))) {
      const message = 'Someone else has just reviewed this break-glass access.';
      throw new JointlyError('CONFLICT', message, [{ field: 'outcome', message }]);
    }
    await auditAdminAction(admin, now, 'review break-glass access', {
      breakGlassId: id,
      patientId: grant.patientId,
      grantedTo: grant.userEmail,
      outcome: checked.review.outcome,
    })(tx);
  });
  return existingGrant(deps, id);
}

/** Break-glass reviews: every emergency access to a record is looked at afterwards by an administrator. */
export async function breakGlassReviewRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const pageQuery = statusQuery.extend({ reviewed: z.literal('1').optional() });
  r.get('/admin/break-glass', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    requireAdministrator(request, 'review break-glass access');
    const grants = await listGrants(deps.db, request.query.status, request.query.limit);
    return reply.page('admin/views/break-glass.njk', {
      title: 'Break-glass reviews',
      unreviewed: grants.filter((g) => !g.reviewedAt),
      reviewed: grants.filter((g) => g.reviewedAt),
      limit: request.query.limit,
      now: request.now,
      justReviewed: request.query.reviewed === '1',
    });
  });

  r.get('/admin/break-glass/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    requireAdministrator(request, 'review break-glass access');
    const grant = await existingGrant(deps, request.params.id);
    return reply.page(reviewTemplate, { title: 'Review break-glass access', grant, values: {} });
  });

  r.post(
    '/admin/break-glass/:id/review',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'review break-glass access');
      const values = formFields(request);
      try {
        await review(deps, admin, request.now, request.params.id, values);
        return reply.redirect('/admin/break-glass?reviewed=1', 303);
      } catch (error) {
        const grant = await existingGrant(deps, request.params.id);
        return showFormAgain(error, reply, reviewTemplate, {
          title: 'Review break-glass access',
          grant,
          values,
        });
      }
    },
  );

  r.get(
    '/api/break-glass-reviews',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Break-glass grants, those waiting for review first, then newest first',
        querystring: statusQuery,
      },
    },
    async (request) => {
      requireAdministrator(request, 'review break-glass access');
      return { grants: await listGrants(deps.db, request.query.status, request.query.limit) };
    },
  );

  r.post(
    '/api/break-glass-reviews/:id',
    {
      schema: {
        tags: ['break-glass'],
        summary: 'Review one break-glass grant: appropriate, or inappropriate with a note saying why',
        params: idParams,
        body: breakGlassReviewSchema,
      },
    },
    async (request) => {
      const admin = requireAdministrator(request, 'review break-glass access');
      return { grant: await review(deps, admin, request.now, request.params.id, request.body) };
    },
  );
}
