import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formFields, requireAdministrator, showFormAgain } from '../../admin/administrator.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import { analyteNames } from '../../results/panels.ts';
import type { AppDeps } from '../../server/context.ts';
import { loincCodes } from '../loinc.ts';
import { codeMappings, waitingItems } from './hl7.store.ts';
import { recordedStatuses } from './hl7-oru.rules.ts';
import { patientProblemWords, reasonWords, resultStatusWords } from './reconciliation.rules.ts';
import {
  addCodeMapping,
  analyteChoices,
  findChildToMatch,
  itemForReview,
  mapItemCodes,
  matchItemToChild,
  type Reconciling,
} from './reconciliation.ts';

const idParams = z.object({ id: z.guid('That is not a reconciliation item identifier') });
const itemTemplate = 'interop/hl7/views/reconciliation-item.njk';
const codesTemplate = 'interop/hl7/views/lab-codes.njk';
const words = { reasonWords, patientProblemWords, recordedStatuses, resultStatusWords };

/** The tests to choose from in a select, the one chosen marked. */
function testChoices(selected: string | undefined) {
  return [
    { value: '', text: 'Choose a test' },
    ...analyteChoices().map((a) => ({ ...a, selected: a.value === selected })),
  ];
}

function codeSystemName(system: string): string {
  if (system === 'LN') return 'LOINC';
  if (system === 'SCT') return 'SNOMED CT';
  return `${system.slice('local:'.length)}’s own`;
}

/**
 * The service administrator's reconciliation queue: laboratory messages whose child or test codes could not be
 * matched, each finished by a person (match the child, map the code) and then recorded as if just arrived.
 * And the laboratory code map.
 */
export async function reconciliationRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const reconciling = (request: FastifyRequest, doing: string): Reconciling => ({
    admin: requireAdministrator(request, doing),
    now: request.now,
    allowTestRange: deps.config.demo,
  });

  r.get(
    '/admin/reconciliation',
    {
      schema: {
        hide: true,
        querystring: z.object({
          recorded: z.coerce.number().int().min(0).optional(),
          resolved: z.literal('1').optional(),
        }),
      },
    },
    async (request, reply) => {
      requireAdministrator(request, 'reconcile laboratory messages');
      return reply.page('interop/hl7/views/reconciliation.njk', {
        title: 'Laboratory messages to reconcile',
        items: await waitingItems(deps.db, 500),
        resolved: request.query.resolved === '1',
        recorded: request.query.recorded,
        ...words,
      });
    },
  );

  const showItem = async (
    request: FastifyRequest,
    id: string,
    extra: { values?: Record<string, string>; candidate?: unknown } = {},
  ) => {
    const { item, message } = await itemForReview(
      deps.db,
      id,
      reconciling(request, 'reconcile laboratory messages'),
    );
    const values = extra.values ?? {};
    const codes = (item.details as { codes?: unknown[] }).codes ?? [];
    return {
      title: reasonWords[item.reason],
      item,
      message,
      identifiers: message.patient.otherIdentifiers
        .map((i) => `${i.value} (${i.authority || i.type})`)
        .join(', '),
      codeChoices: codes.map((_, i) => testChoices(values[`analyte${i}`])),
      ...words,
      ...extra,
      values,
    };
  };

  r.get('/admin/reconciliation/:id', { schema: { hide: true, params: idParams } }, async (request, reply) =>
    reply.page(itemTemplate, await showItem(request, request.params.id)),
  );

  r.post(
    '/admin/reconciliation/:id/find',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const values = formFields(request);
      try {
        const candidate = await findChildToMatch(
          deps.db,
          request.params.id,
          values,
          reconciling(request, 'reconcile laboratory messages'),
        );
        return reply.page(itemTemplate, await showItem(request, request.params.id, { candidate, values }));
      } catch (error) {
        return showFormAgain(
          error,
          reply,
          itemTemplate,
          await showItem(request, request.params.id, { values }),
        );
      }
    },
  );

  r.post(
    '/admin/reconciliation/:id/match',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const values = formFields(request);
      const context = reconciling(request, 'reconcile laboratory messages');
      try {
        const { recorded } = await matchItemToChild(deps.db, request.params.id, values, context);
        return reply.redirect(
          `/admin/reconciliation?resolved=1${recorded === null ? '' : `&recorded=${recorded}`}`,
          303,
        );
      } catch (error) {
        const candidate = await findChildToMatch(deps.db, request.params.id, values, context).catch(
          () => undefined,
        );
        return showFormAgain(
          error,
          reply,
          itemTemplate,
          await showItem(request, request.params.id, { candidate, values }),
        );
      }
    },
  );

  r.post(
    '/admin/reconciliation/:id/map',
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const values = formFields(request);
      try {
        const { recorded } = await mapItemCodes(
          deps.db,
          request.params.id,
          values,
          reconciling(request, 'reconcile laboratory messages'),
        );
        return reply.redirect(
          `/admin/reconciliation?resolved=1${recorded === null ? '' : `&recorded=${recorded}`}`,
          303,
        );
      } catch (error) {
        return showFormAgain(
          error,
          reply,
          itemTemplate,
          await showItem(request, request.params.id, { values }),
        );
      }
    },
  );

  const codesPage = async (extra: { values?: Record<string, string>; added?: boolean } = {}) => {
    const values = extra.values ?? { codeSystem: 'local' };
    return {
      title: 'Laboratory test codes',
      mappings: (await codeMappings(deps.db)).map((m) => ({
        ...m,
        system: codeSystemName(m.codeSystem),
        test: analyteNames[m.analyte] ?? m.analyte,
      })),
      defaults: Object.entries(loincCodes).flatMap(([analyte, codes]) =>
        codes.map((c) => ({ code: c.code, display: c.display, test: analyteNames[analyte as Analyte] })),
      ),
      choices: testChoices(values.analyte),
      added: extra.added ?? false,
      values,
    };
  };

  r.get(
    '/admin/lab-codes',
    { schema: { hide: true, querystring: z.object({ added: z.literal('1').optional() }) } },
    async (request, reply) => {
      requireAdministrator(request, 'manage laboratory codes');
      return reply.page(codesTemplate, await codesPage({ added: request.query.added === '1' }));
    },
  );

  r.post('/admin/lab-codes', { schema: { hide: true } }, async (request, reply) => {
    const values = formFields(request);
    try {
      await addCodeMapping(deps.db, values, reconciling(request, 'manage laboratory codes'));
      return reply.redirect('/admin/lab-codes?added=1', 303);
    } catch (error) {
      return showFormAgain(error, reply, codesTemplate, await codesPage({ values }));
    }
  });
}
