import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldProblems, JointlyError } from '../kernel/errors.ts';
import { roleLabels, roles } from '../kernel/roles.ts';
import { listOrganisations } from '../organisations/organisations.store.ts';
import { MIN_PASSWORD_LENGTH } from '../people/password.rules.ts';
import { listUsers, type UserAccount } from '../people/users.store.ts';
import type { AppDeps } from '../server/context.ts';
import {
  type AccountChange,
  addAccount,
  addRole,
  changeAccount,
  existingAccount,
  newRoleSchema,
  userFilterSchema,
  usersPerPage,
} from './accounts.ts';
import { formFields, requireAdministrator, showFormAgain } from './administrator.ts';

const idParams = z.object({ id: z.guid('That is not an account identifier') });
const newUserTemplate = 'admin/views/user-form.njk';
const userTemplate = 'admin/views/user.njk';
const passwordRules = `At least ${MIN_PASSWORD_LENGTH} characters, not a common or easily guessed password, and not containing the person’s e-mail name.`;
const roleItems = [
  { value: '', text: 'Choose a role' },
  ...roles.map((role) => ({ value: role, text: roleLabels[role] })),
];

/** The organisations as select options, after one for none (a family role) or for all (a filter). */
async function organisationItems(deps: AppDeps, blank = 'None (parents, carers and young people)') {
  const organisations = await listOrganisations(deps.db);
  return [
    { value: '', text: blank },
    ...organisations.map((o) => ({ value: o.code, text: `${o.code} – ${o.name}` })),
  ];
}

/** Accounts: the service administrator's list, the new-account form and each account's page. */
export async function userPageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/admin/users', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'manage users');
    const query = request.query as Record<string, unknown>;
    const parsed = userFilterSchema.safeParse(query);
    const organisations = await organisationItems(deps, 'All organisations');
    const values = { organisationCode: query.organisationCode, q: query.q };
    if (!parsed.success) {
      reply.status(400);
      const fields = fieldProblems(parsed.error);
      return reply.page('admin/views/users.njk', {
        title: 'Users',
        organisations,
        values,
        users: [],
        fields,
      });
    }
    const { organisationCode, q, page } = parsed.data;
    const filter = { organisationCode, text: q };
    const { users, total } = await listUsers(deps.db, filter, {
      limit: usersPerPage,
      offset: (page - 1) * usersPerPage,
    });
    const link = (p: number) =>
      `/admin/users?${new URLSearchParams(
        Object.entries({ organisationCode, q, page: String(p) }).filter((e): e is [string, string] =>
          Boolean(e[1]),
        ),
      )}`;
    return reply.page('admin/views/users.njk', {
      title: 'Users',
      organisations,
      values,
      users: users.map((u) => shown(u, request.now)),
      total,
      previous: page > 1 ? link(page - 1) : undefined,
      next: page * usersPerPage < total ? link(page + 1) : undefined,
    });
  });

  r.get('/admin/users/new', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'add users');
    return reply.page(newUserTemplate, await newUserForm(deps, {}));
  });

  r.post('/admin/users/new', { schema: { hide: true } }, async (request, reply) => {
    const admin = requireAdministrator(request, 'add users');
    const values = formFields(request);
    try {
      const account = await addAccount(deps, admin, request.now, {
        email: values.email ?? '',
        displayName: values.displayName ?? '',
        // Whatever was chosen goes to createUser, which refuses an unknown role naming the role field.
        role: (values.role ?? '') as never,
        organisationCode: values.organisationCode,
        password: values.password ?? '',
      });
      return reply.redirect(`/admin/users/${account.id}?added=1`, 303);
    } catch (error) {
      const { password: _, ...kept } = values;
      return showFormAgain(error, reply, newUserTemplate, await newUserForm(deps, kept));
    }
  });

  r.get('/admin/users/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    requireAdministrator(request, 'manage users');
    const account = await existingAccount(deps, request.params.id);
    return reply.page(userTemplate, await userPage(deps, request, account, {}));
  });

  for (const change of ['deactivate', 'reactivate', 'unlock'] as const satisfies AccountChange[]) {
    r.post(
      `/admin/users/:id/${change}`,
      { schema: { hide: true, params: idParams } },
      async (request, reply) => {
        const admin = requireAdministrator(request, 'manage users');
        await changeAccount(deps, admin, request.now, request.params.id, change);
        return reply.redirect(`/admin/users/${request.params.id}?done=${change}`, 303);
      },
    );
  }

  r.post(
    '/admin/users/:id/memberships',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'give people roles');
      const account = await existingAccount(deps, request.params.id);
      const values = formFields(request);
      try {
        const parsed = newRoleSchema.safeParse(values);
        if (!parsed.success) {
          const fields = fieldProblems(parsed.error);
          throw new JointlyError('INVALID_INPUT', fields.map((f) => f.message).join('; '), fields);
        }
        await addRole(deps, admin, request.now, account.id, parsed.data.role, parsed.data.organisationCode);
        return reply.redirect(`/admin/users/${account.id}?done=role`, 303);
      } catch (error) {
        return showFormAgain(error, reply, userTemplate, await userPage(deps, request, account, values));
      }
    },
  );
}

/** An account as the pages show it: the lockout only while it lasts. */
function shown(account: UserAccount, now: Date) {
  return {
    ...account,
    lockedUntil: account.lockedUntil && account.lockedUntil > now ? account.lockedUntil : null,
  };
}

async function newUserForm(deps: AppDeps, values: Record<string, string>) {
  return {
    title: 'Add a user',
    values,
    roleItems,
    organisations: await organisationItems(deps),
    passwordRules,
  };
}

const doneMessages: Record<string, string> = {
  deactivate: 'Account deactivated. Every session it had has ended.',
  reactivate: 'Account reactivated. The person can sign in again.',
  unlock: 'Account unlocked. The person can try their password again now.',
  role: 'Role added.',
};

async function userPage(
  deps: AppDeps,
  request: FastifyRequest,
  account: UserAccount,
  values: Record<string, string>,
): Promise<Record<string, unknown>> {
  const query = request.query as Record<string, unknown>;
  const done = query.added ? 'Account added.' : doneMessages[String(query.done)];
  return {
    title: account.displayName,
    account: shown(account, request.now),
    isSelf: account.id === request.viewer?.id,
    done,
    values,
    roleItems,
    organisations: await organisationItems(deps),
  };
}
