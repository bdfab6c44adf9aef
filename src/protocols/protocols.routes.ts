import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../server/context.ts';
import { protocolAdminRoutes } from './protocol-admin.routes.ts';
import {
  findVersionOrRefuse,
  hasRole,
  protocolCatalogue,
  protocolPageData,
  requireStaff,
  versionSummary,
} from './protocol-page.ts';
import { usableProtocolVersion } from './protocols.store.ts';

const versionParams = z.object({
  protocolId: z.string().max(100),
  version: z.string().max(20),
});

/** Shared care protocols: every member of staff reads them; administrators add versions; safety officers approve. */
export async function protocolRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/protocols', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request);
    return reply.page('protocols/views/protocols.njk', {
      title: 'Shared care protocols',
      protocols: await protocolCatalogue(deps.db),
      mayAddVersion: hasRole(request, 'service_administrator'),
    });
  });

  r.get(
    '/protocols/:protocolId/:version',
    {
      schema: {
        hide: true,
        params: versionParams,
        querystring: z.object({ uploaded: z.string().optional() }),
      },
    },
    async (request, reply) => {
      requireStaff(request);
      const record = await findVersionOrRefuse(deps.db, request.params.protocolId, request.params.version);
      return reply.page('protocols/views/protocol.njk', {
        ...(await protocolPageData(deps.db, request, record)),
        uploaded: request.query.uploaded !== undefined,
      });
    },
  );

  r.get(
    '/api/protocols',
    {
      schema: {
        tags: ['protocols'],
        summary: 'Every shared care protocol: the version in use and any versions awaiting approval (staff)',
      },
    },
    async (request) => {
      requireStaff(request);
      return { protocols: await protocolCatalogue(deps.db) };
    },
  );

  r.get(
    '/api/protocols/:protocolId/:version',
    {
      schema: {
        tags: ['protocols'],
        summary:
          'One version of a protocol: its whole content, its approval and whether it is the one in use (staff)',
        params: versionParams,
      },
    },
    async (request) => {
      requireStaff(request);
      const record = await findVersionOrRefuse(deps.db, request.params.protocolId, request.params.version);
      const inUse = await usableProtocolVersion(deps.db, record.protocolId);
      return { ...versionSummary(record), inUse: inUse?.id === record.id, protocol: record.protocol };
    },
  );

  await protocolAdminRoutes(app, deps);
}
