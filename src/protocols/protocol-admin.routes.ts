import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isUuid } from '../access/patient-access.ts';
import {
  type Administrator,
  auditAdminAction,
  formFields,
  requireAdministrator,
} from '../admin/administrator.ts';
import { JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { requireRole } from '../server/guards.ts';
import { protocolSchema } from './protocol.schema.ts';
import { findVersionOrRefuse, protocolPageData, versionHref, versionSummary } from './protocol-page.ts';
import { suggestNextVersion } from './protocol-versions.rules.ts';
import {
  type AuditProtocolChange,
  type Decision,
  decideProtocolVersion,
  parseProtocolText,
  refuseProtocol,
  submitProtocolVersion,
} from './protocol-versions.ts';
import {
  findProtocolVersion,
  usableProtocolVersions,
  versionNumbersOf,
  versionsAwaitingApproval,
} from './protocols.store.ts';

const uploadTemplate = 'protocols/views/upload.njk';
const maxFileBytes = 512 * 1024;
const idParams = z.object({ id: z.string().max(64) });
const decisionBody = z.object({ note: z.string().max(2000).optional() });

function requireSafetyOfficer(request: FastifyRequest) {
  return requireRole(request, ['clinical_safety_officer'], 'approve or reject protocol versions');
}

function audited(officer: Administrator, now: Date, action: string): AuditProtocolChange {
  return (tx, details) => auditAdminAction(officer, now, action, details)(tx);
}

/** Local protocol versions: uploaded or edited by a service administrator, approved by a clinical safety officer. */
export async function protocolAdminRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Only the upload form takes multipart bodies, so the parser is registered for it alone.
  await app.register(async (scoped) => {
    await scoped.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: maxFileBytes, files: 1, fields: 5 },
    });
    scoped.setErrorHandler((error: Error & { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new JointlyError('INVALID_INPUT', 'The file must be smaller than 512 KB', [
          { field: 'file', message: 'The file must be smaller than 512 KB' },
        ]);
      }
      throw error;
    });
    await uploadRoutes(scoped, deps);
  });
  await approvalRoutes(app, deps);
}

async function uploadRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/admin/protocols/new',
    { schema: { hide: true, querystring: z.object({ from: z.string().optional() }) } },
    async (request, reply) => {
      requireAdministrator(request, 'add protocol versions');
      const from =
        request.query.from && isUuid(request.query.from)
          ? await findProtocolVersion(deps.db, request.query.from)
          : undefined;
      let content = '';
      if (from) {
        const version = suggestNextVersion(await versionNumbersOf(deps.db, from.protocolId));
        content = JSON.stringify({ ...from.protocol, version }, null, 2);
      }
      return showUploadForm(reply, deps, { content, from: from ? versionSummary(from) : null });
    },
  );

  r.post('/admin/protocols/new', { schema: { hide: true } }, async (request, reply) => {
    const admin = requireAdministrator(request, 'add protocol versions');
    const file = (request.body as Record<string, unknown> | undefined)?.file;
    const uploaded = Buffer.isBuffer(file) && file.length > 0;
    const text = uploaded ? file.toString('utf8') : (formFields(request).content ?? '');
    try {
      const parsed = parseProtocolText(text);
      if (!parsed.ok) throw refuseProtocol(parsed.problems);
      const { protocol } = await submitProtocolVersion(deps.db, parsed.data, {
        origin: uploaded ? 'uploaded' : 'edited',
        uploadedBy: admin.viewer.id,
        uploadedAt: request.now,
        audit: audited(admin, request.now, 'upload protocol version'),
      });
      return reply.redirect(
        `${versionHref({ protocolId: protocol.id, version: protocol.version })}?uploaded=1`,
        303,
      );
    } catch (error) {
      if (!(error instanceof JointlyError) || error.fields.length === 0) throw error;
      reply.status(error.status);
      // Every problem belongs to the text below, which now holds what was sent, so it can be corrected there.
      const fields = error.fields.map((f) => ({
        field: 'content',
        message: f.field === 'version' || f.field === 'file' ? f.message : `${f.field}: ${f.message}`,
      }));
      return showUploadForm(reply, deps, { content: text, from: null, fields });
    }
  });
}

async function showUploadForm(
  reply: FastifyReply,
  deps: AppDeps,
  data: {
    content: string;
    from: ReturnType<typeof versionSummary> | null;
    fields?: { field: string; message: string }[];
  },
) {
  const [usable, awaiting] = await Promise.all([
    usableProtocolVersions(deps.db),
    versionsAwaitingApproval(deps.db),
  ]);
  const startingPoints = [...usable, ...awaiting].map((v) => ({
    value: v.id,
    text: `${v.title} – version ${v.version}${v.status === 'approved' ? ' (in use)' : ' (awaiting approval)'}`,
    selected: v.id === data.from?.id,
  }));
  return reply.page(uploadTemplate, { title: 'Add a protocol version', startingPoints, ...data });
}

async function approvalRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/admin/protocols/approvals',
    {
      schema: {
        hide: true,
        querystring: z.object({ approved: z.string().optional(), rejected: z.string().optional() }),
      },
    },
    async (request, reply) => {
      requireSafetyOfficer(request);
      const awaiting = await versionsAwaitingApproval(deps.db);
      return reply.page('protocols/views/approvals.njk', {
        title: 'Protocol versions awaiting approval',
        awaiting: awaiting.map(versionSummary),
        approved: request.query.approved,
        rejected: request.query.rejected,
      });
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    r.post(
      `/admin/protocols/:id/${decision}`,
      { schema: { hide: true, params: idParams } },
      async (request, reply) => {
        const officer = requireSafetyOfficer(request);
        const note = formFields(request).note;
        try {
          const decided = await decide(deps, request, officer, decision, note);
          const outcome = decision === 'approve' ? 'approved' : 'rejected';
          const label = `${decided.title} version ${decided.version}`;
          return reply.redirect(`/admin/protocols/approvals?${outcome}=${encodeURIComponent(label)}`, 303);
        } catch (error) {
          if (!(error instanceof JointlyError) || error.fields.length === 0) throw error;
          const record = await findProtocolVersion(deps.db, request.params.id);
          if (!record) throw error;
          reply.status(error.status);
          return reply.page('protocols/views/protocol.njk', {
            ...(await protocolPageData(deps.db, request, record)),
            fields: error.fields,
            values: { note },
          });
        }
      },
    );

    r.post(
      `/api/protocols/:id/${decision}`,
      {
        schema: {
          tags: ['protocols'],
          summary:
            decision === 'approve'
              ? 'Approve a protocol version awaiting approval, so that it is used (clinical safety officers)'
              : 'Reject a protocol version awaiting approval, with a note saying why (clinical safety officers)',
          params: idParams,
          body: decisionBody,
        },
      },
      async (request) => {
        const officer = requireSafetyOfficer(request);
        const decided = await decide(deps, request, officer, decision, request.body.note);
        return { version: versionSummary(decided) };
      },
    );
  }

  r.post(
    '/api/protocols',
    {
      schema: {
        tags: ['protocols'],
        summary:
          'Add a local protocol version (service administrators); it awaits a clinical safety officer’s approval. A refused file is answered 400 with each problem’s path as a field',
        body: protocolSchema,
      },
    },
    async (request, reply) => {
      const admin = requireAdministrator(request, 'add protocol versions');
      const { id } = await submitProtocolVersion(deps.db, request.body, {
        origin: 'uploaded',
        uploadedBy: admin.viewer.id,
        uploadedAt: request.now,
        audit: audited(admin, request.now, 'upload protocol version'),
      });
      const record = await findVersionOrRefuse(deps.db, request.body.id, request.body.version);
      return reply.status(201).send({ version: { ...versionSummary(record), id } });
    },
  );
}

async function decide(
  deps: AppDeps,
  request: FastifyRequest,
  officer: Administrator,
  decision: Decision,
  note: string | undefined,
) {
  const { id } = request.params as { id: string };
  if (!isUuid(id)) throw new JointlyError('NOT_FOUND', 'There is no protocol version with that identifier.');
  return decideProtocolVersion(deps.db, id, decision, {
    userId: officer.viewer.id,
    now: request.now,
    note,
    audit: audited(officer, request.now, `${decision} protocol version`),
  });
}
