import type { FastifyInstance } from 'fastify';
import { countUnreviewedGrants } from '../access/break-glass-review.store.ts';
import { countWaitingItems } from '../interop/hl7/hl7.store.ts';
import { countOrganisations } from '../organisations/organisations.store.ts';
import { countActiveUsers } from '../people/users.store.ts';
import type { AppDeps } from '../server/context.ts';
import { requireAdministrator } from './administrator.ts';
import { auditRoutes } from './audit.routes.ts';
import { breakGlassReviewRoutes } from './break-glass.routes.ts';
import { organisationRoutes } from './organisations.routes.ts';
import { userPageRoutes } from './users.routes.ts';
import { userApiRoutes } from './users-api.routes.ts';

/** The service administrator's pages and API: organisations, users, the audit trail and break-glass reviews. */
export async function adminRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/admin', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'administer Jointly');
    const [organisations, activeUsers, unreviewedGrants, waitingLabMessages] = await Promise.all([
      countOrganisations(deps.db),
      countActiveUsers(deps.db),
      countUnreviewedGrants(deps.db),
      countWaitingItems(deps.db),
    ]);
    return reply.page('admin/views/admin-home.njk', {
      title: 'Administration',
      organisations,
      activeUsers,
      unreviewedGrants,
      waitingLabMessages,
    });
  });
  await organisationRoutes(app, deps);
  await userPageRoutes(app, deps);
  await userApiRoutes(app, deps);
  await auditRoutes(app, deps);
  await breakGlassReviewRoutes(app, deps);
}
