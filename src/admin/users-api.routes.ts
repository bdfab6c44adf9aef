import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listUsers } from '../people/users.store.ts';
import { newUserSchema } from '../people/users.ts';
import type { AppDeps } from '../server/context.ts';
import {
  type AccountChange,
  accountSummary,
  addAccount,
  addRole,
  changeAccount,
  newRoleSchema,
  userFilterSchema,
  usersPerPage,
} from './accounts.ts';
import { requireAdministrator } from './administrator.ts';

const idParams = z.object({ id: z.guid('That is not an account identifier') });

const changeSummaries: Record<AccountChange, string> = {
  deactivate: 'Deactivate an account: it cannot sign in, and every session it has ends at once',
  reactivate: 'Reactivate a deactivated account',
  unlock: 'Clear the lockout after too many wrong passwords',
};

/** Accounts through the JSON API, for service administrators only. */
export async function userApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List accounts, filtered by organisation code and name or e-mail text, 50 a page',
        querystring: userFilterSchema,
      },
    },
    async (request) => {
      requireAdministrator(request, 'list users');
      const { organisationCode, q, page } = request.query;
      const { users, total } = await listUsers(
        deps.db,
        { organisationCode, text: q },
        { limit: usersPerPage, offset: (page - 1) * usersPerPage },
      );
      return { users: users.map((u) => accountSummary(u, request.now)), total, page, pageSize: usersPerPage };
    },
  );

  r.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Add an account with its first role (no organisation for parents, carers and young people)',
        body: newUserSchema,
      },
    },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'add users');
      const account = await addAccount(deps, admin, request.now, request.body);
      return reply.status(201).send({ user: accountSummary(account, request.now) });
    },
  );

  for (const change of ['deactivate', 'reactivate', 'unlock'] as const satisfies AccountChange[]) {
    r.post(
      `/api/users/:id/${change}`,
      { schema: { tags: ['users'], summary: changeSummaries[change], params: idParams } },
      async (request) => {
        const admin = requireAdministrator(request, 'manage users');
        const account = await changeAccount(deps, admin, request.now, request.params.id, change);
        return { user: accountSummary(account, request.now) };
      },
    );
  }

  r.post(
    '/api/users/:id/memberships',
    {
      schema: {
        tags: ['users'],
        summary: 'Give an account another role, in an organisation for staff roles',
        params: idParams,
        body: newRoleSchema,
      },
    },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'give people roles');
      const { role, organisationCode } = request.body;
      const account = await addRole(deps, admin, request.now, request.params.id, role, organisationCode);
      return reply.status(201).send({ user: accountSummary(account, request.now) });
    },
  );
}
