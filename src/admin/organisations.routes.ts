import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JointlyError } from '../kernel/errors.ts';
import { organisationKindLabels, organisationKinds, staffRoles } from '../kernel/roles.ts';
import { newOrganisationSchema, organisationChangeSchema } from '../organisations/organisations.rules.ts';
import {
  findOrganisation,
  listOrganisations,
  type Organisation,
} from '../organisations/organisations.store.ts';
import {
  type AuditInTransaction,
  changeOrganisation,
  createOrganisation,
} from '../organisations/organisations.ts';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import {
  type Administrator,
  auditAdminAction,
  formFields,
  requireAdministrator,
  showFormAgain,
} from './administrator.ts';

const formTemplate = 'admin/views/organisation-form.njk';
const kindItems = organisationKinds.map((kind) => ({ value: kind, text: organisationKindLabels[kind] }));
const codeParams = z.object({ code: z.string().trim().toUpperCase() });

function audited(admin: Administrator, now: Date, action: string): AuditInTransaction {
  return (tx, organisation) =>
    auditAdminAction(admin, now, action, {
      organisationCode: organisation.code,
      name: organisation.name,
      kind: organisation.kind,
    })(tx);
}

async function existing(deps: AppDeps, code: string): Promise<Organisation> {
  const organisation = await findOrganisation(deps.db, code);
  if (!organisation) throw new JointlyError('NOT_FOUND', `There is no organisation with the code ${code}.`);
  return organisation;
}

/** Organisations: the service administrator's pages, and the API every staff form lists them from. */
export async function organisationRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/admin/organisations',
    {
      schema: {
        hide: true,
        querystring: z.object({ added: z.string().optional(), changed: z.string().optional() }),
      },
    },
    async (request, reply) => {
      requireAdministrator(request, 'manage organisations');
      return reply.page('admin/views/organisations.njk', {
        title: 'Organisations',
        organisations: await listOrganisations(deps.db),
        added: request.query.added,
        changed: request.query.changed,
      });
    },
  );

  r.get('/admin/organisations/new', { schema: { hide: true } }, async (request, reply) => {
    requireAdministrator(request, 'add organisations');
    return reply.page(formTemplate, { title: 'Add an organisation', kindItems, values: {} });
  });

  r.post('/admin/organisations/new', { schema: { hide: true } }, async (request, reply) => {
    const admin = requireAdministrator(request, 'add organisations');
    const values = formFields(request);
    try {
      const organisation = await createOrganisation(
        deps.db,
        { code: values.code, name: values.name, kind: values.kind },
        audited(admin, request.now, 'create organisation'),
      );
      return reply.redirect(`/admin/organisations?added=${encodeURIComponent(organisation.code)}`, 303);
    } catch (error) {
      return showFormAgain(error, reply, formTemplate, { title: 'Add an organisation', kindItems, values });
    }
  });

  r.get(
    '/admin/organisations/:code/edit',
    { schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      requireAdministrator(request, 'change organisations');
      const organisation = await existing(deps, request.params.code);
      return reply.page(formTemplate, {
        title: `Change ${organisation.name}`,
        kindItems,
        organisation,
        values: organisation,
      });
    },
  );

  r.post(
    '/admin/organisations/:code/edit',
    { schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'change organisations');
      const organisation = await existing(deps, request.params.code);
      const values = formFields(request);
      try {
        await changeOrganisation(
          deps.db,
          organisation.code,
          { name: values.name ?? '', kind: values.kind ?? '' },
          audited(admin, request.now, 'change organisation'),
        );
        return reply.redirect(`/admin/organisations?changed=${encodeURIComponent(organisation.code)}`, 303);
      } catch (error) {
        const data = { title: `Change ${organisation.name}`, kindItems, organisation, values };
        return showFormAgain(error, reply, formTemplate, data);
      }
    },
  );

  r.get(
    '/api/organisations',
    { schema: { tags: ['organisations'], summary: 'List every organisation (staff only)' } },
    async (request) => {
      requireRole(request, staffRoles, 'list organisations');
      const organisations = await listOrganisations(deps.db);
      return { organisations: organisations.map(({ code, name, kind }) => ({ code, name, kind })) };
    },
  );

  r.post(
    '/api/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Add an organisation (service administrators)',
        body: newOrganisationSchema,
      },
    },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'add organisations');
      const organisation = await createOrganisation(
        deps.db,
        request.body,
        audited(admin, request.now, 'create organisation'),
      );
      return reply.status(201).send({ organisation: summary(organisation) });
    },
  );

  r.patch(
    '/api/organisations/:code',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Change an organisation’s name or kind (service administrators); the code never changes',
        params: codeParams,
        body: organisationChangeSchema,
      },
    },
    async (request) => {
      const admin = requireAdministrator(request, 'change organisations');
      const organisation = await changeOrganisation(
        deps.db,
        request.params.code,
        request.body,
        audited(admin, request.now, 'change organisation'),
      );
      return { organisation: summary(organisation) };
    },
  );
}

function summary({ code, name, kind }: Organisation) {
  return { code, name, kind };
}
