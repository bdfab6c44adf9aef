import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type Administrator,
  formFields,
  requireAdministrator,
  showFormAgain,
} from '../../admin/administrator.ts';
import { roleLabels, staffRoles } from '../../kernel/roles.ts';
import { listOrganisations } from '../../organisations/organisations.store.ts';
import type { AppDeps } from '../../server/context.ts';
import { findApiClient, listApiClients } from './api-clients.store.ts';
import {
  type ClientAdministrator,
  createApiClient,
  revokeClient,
  TOKEN_LIFETIME_SECONDS,
} from './api-clients.ts';

const listTemplate = 'interop/fhir/views/api-clients.njk';
const formTemplate = 'interop/fhir/views/api-client-form.njk';
const createdTemplate = 'interop/fhir/views/api-client-created.njk';
const idParams = z.object({ id: z.guid('That is not an API client identifier') });

const roleItems = [
  { value: '', text: 'The usual role for the organisation' },
  ...staffRoles
    .filter((r) => r !== 'clinical_safety_officer')
    .map((role) => ({ value: role, text: roleLabels[role] })),
];

function asAdministrator(admin: Administrator): ClientAdministrator {
  return {
    userId: admin.viewer.id,
    email: admin.viewer.email,
    role: admin.membership.role,
    organisationId: admin.membership.organisationId,
  };
}

async function organisationItems(deps: AppDeps) {
  const organisations = await listOrganisations(deps.db);
  return [
    { value: '', text: 'Choose an organisation' },
    ...organisations.map((o) => ({ value: o.code, text: `${o.code} – ${o.name}` })),
  ];
}

/** API clients: systems calling the FHIR API for an organisation. Service administrators add and revoke them. */
export async function apiClientRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/admin/api-clients', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'manage API clients');
    const revoked = (request.query as Record<string, unknown>).revoked;
    return reply.page(listTemplate, {
      title: 'API clients',
      clients: await listApiClients(deps.db),
      revoked: typeof revoked === 'string' ? revoked : undefined,
    });
  });

  r.get('/admin/api-clients/new', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'add API clients');
    return reply.page(formTemplate, {
      title: 'Add an API client',
      organisations: await organisationItems(deps),
      roleItems,
      values: {},
    });
  });

  r.post('/admin/api-clients/new', { schema: { hide: true } }, async (request, reply) => {
    const admin = requireAdministrator(request, 'add API clients');
    const values = formFields(request);
    try {
      const { client, secret } = await createApiClient(
        deps.db,
        { name: values.name ?? '', organisationCode: values.organisationCode ?? '', role: values.role },
        asAdministrator(admin),
        request.now,
      );
      // The secret is on this page only: never cached, never shown again.
      reply.header('cache-control', 'no-store');
      return reply.page(createdTemplate, {
        title: 'API client added',
        client,
        secret,
        tokenUrl: `${deps.config.publicUrl}/fhir/R4/token`,
        tokenMinutes: TOKEN_LIFETIME_SECONDS / 60,
      });
    } catch (error) {
      return showFormAgain(error, reply, formTemplate, {
        title: 'Add an API client',
        organisations: await organisationItems(deps),
        roleItems,
        values,
      });
    }
  });

  r.post(
    '/admin/api-clients/:id/revoke',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'revoke API clients');
      await revokeClient(deps.db, request.params.id, asAdministrator(admin), request.now);
      const client = await findApiClient(deps.db, request.params.id);
      return reply.redirect(`/admin/api-clients?revoked=${encodeURIComponent(client?.name ?? '')}`, 303);
    },
  );
}
