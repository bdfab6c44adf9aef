import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type FieldProblem, JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { responseClockView } from './agreement-dates.rules.ts';
import { agreementHref, agreementJson, agreementViewJson, protocolHref } from './agreement-json.ts';
import { loadRequestLetterPdf } from './agreement-letter.ts';
import { partyLabels } from './agreement-parties.rules.ts';
import { stepInputSchema } from './agreement-steps.rules.ts';
import { loadAgreementView, loadPatientAgreements } from './agreement-view.ts';
import { prescriberWords, stateLabels, timelineWords } from './agreement-words.rules.ts';
import { findAgreement } from './agreements.store.ts';
import { startAgreement, startAgreementSchema, takeAgreementStep } from './agreements.ts';
import { askerOf } from './asker.ts';

const patientParams = z.object({ id: z.string().describe('The patient’s identifier') });
const agreementParams = patientParams.extend({
  agreementId: z.string().describe('The shared care agreement’s identifier'),
});

const formBody = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

/** Bad input and refused steps show the page again with the problem; anything else goes to the error page. */
function isShownOnForm(error: unknown): error is JointlyError {
  return error instanceof JointlyError && ['INVALID_INPUT', 'CONFLICT', 'NOT_NOW'].includes(error.code);
}

interface FormState {
  fields?: FieldProblem[];
  values?: Record<string, unknown>;
  /** The step whose form the values and problems belong to. */
  kind?: string;
}

async function showPatientAgreements(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  form: FormState = {},
) {
  const list = await loadPatientAgreements(deps.db, askerOf(request), patientId);
  return reply.page('agreements/views/patient-agreements.njk', {
    title: `Shared care agreements for ${list.patient.givenName} ${list.patient.familyName}`,
    ...list,
    stateLabels,
    orderItems: [
      { value: '', text: 'Choose a medicine' },
      ...list.shareable.map((o) => ({ value: o.id, text: `${o.description} (${o.protocolTitle})` })),
    ],
    fields: form.fields,
    values: form.values ?? {},
  });
}

async function showAgreement(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  agreementId: string,
  form: FormState = {},
) {
  const view = await loadAgreementView(deps.db, askerOf(request), patientId, agreementId);
  return reply.page('agreements/views/agreement.njk', {
    title: `Shared care agreement for ${view.medicine}`,
    view,
    access: view.access,
    patient: view.patient,
    agreement: view.agreement,
    protocol: view.version.protocol,
    protocolHref: protocolHref(view.version.protocolId, view.version.version),
    stateLabel: stateLabels[view.agreement.state],
    prescriberText: prescriberWords[view.prescriber],
    partyLabel: view.party ? partyLabels[view.party] : null,
    timeline: view.timeline.map((e) => ({ ...e, words: timelineWords(e), partyLabel: partyLabels[e.party] })),
    steps: Object.fromEntries(view.stepsOpen.map((k) => [k, true])),
    dutyOrder: dutyOrder(view.party),
    isYoungPerson: view.access.role === 'young_person',
    today: request.today,
    fields: form.fields,
    values: form.kind ? { [form.kind]: form.values ?? {} } : {},
  });
}

const parties = ['family', 'gp-practice', 'specialist-team'] as const;

/** Everyone's duties, the viewer's own first. */
function dutyOrder(party: string | null): readonly string[] {
  return [...parties].sort((a, b) => Number(b === party) - Number(a === party));
}

async function sendLetter(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  agreementId: string,
) {
  const letter = await loadRequestLetterPdf(deps.db, askerOf(request), id, agreementId);
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${letter.fileName}"`)
    .header('cache-control', 'no-store')
    .send(letter.pdf);
}

export async function patientAgreementRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/patients/:id/agreements', { schema: { hide: true, params: patientParams } }, (request, reply) =>
    showPatientAgreements(deps, request, reply, request.params.id),
  );

  r.post(
    '/patients/:id/agreements',
    { schema: { hide: true, params: patientParams } },
    async (request, reply) => {
      const { id } = request.params;
      try {
        const agreementId = await startAgreement(deps.db, askerOf(request), id, formBody(request));
        return reply.redirect(agreementHref(id, agreementId), 303);
      } catch (error) {
        if (!isShownOnForm(error)) throw error;
        reply.status(error.status);
        const fields = error.fields.length
          ? error.fields
          : [{ field: 'medicationOrderId', message: error.message }];
        return showPatientAgreements(deps, request, reply, id, { fields, values: formBody(request) });
      }
    },
  );

  r.get(
    '/patients/:id/agreements/:agreementId',
    { schema: { hide: true, params: agreementParams } },
    (request, reply) => showAgreement(deps, request, reply, request.params.id, request.params.agreementId),
  );

  r.post(
    '/patients/:id/agreements/:agreementId/steps',
    { schema: { hide: true, params: agreementParams } },
    async (request, reply) => {
      const { id, agreementId } = request.params;
      const body = formBody(request);
      try {
        await takeAgreementStep(deps.db, askerOf(request), id, agreementId, body);
        return reply.redirect(agreementHref(id, agreementId), 303);
      } catch (error) {
        if (!isShownOnForm(error)) throw error;
        const kind = typeof body.kind === 'string' ? body.kind : '';
        // Several step forms share field names, so each form's inputs are named after its step.
        const fields = error.fields.length
          ? error.fields.map((f) => ({ field: `${kind}-${f.field}`, message: f.message }))
          : [{ field: 'steps', message: error.message }];
        reply.status(error.status);
        return showAgreement(deps, request, reply, id, agreementId, { fields, values: body, kind });
      }
    },
  );

  r.get(
    '/patients/:id/agreements/:agreementId/letter.pdf',
    { schema: { hide: true, params: agreementParams } },
    (request, reply) => sendLetter(deps, request, reply, request.params.id, request.params.agreementId),
  );

  r.get(
    '/api/patients/:id/agreements',
    {
      schema: { tags: ['shared care'], summary: 'The child’s shared care agreements', params: patientParams },
    },
    async (request) => {
      const list = await loadPatientAgreements(deps.db, askerOf(request), request.params.id);
      return {
        agreements: list.agreements.map((a) => ({ ...agreementJson(a, a.clock), medicine: a.medicine })),
        shareableOrders: list.shareable,
      };
    },
  );

  r.post(
    '/api/patients/:id/agreements',
    {
      schema: {
        tags: ['shared care'],
        summary:
          'Start a draft shared care agreement for one of the child’s current medicines (specialist team)',
        params: patientParams,
        body: startAgreementSchema,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const agreementId = await startAgreement(deps.db, askerOf(request), id, request.body);
      return reply.status(201).send(agreementJson((await findAgreement(deps.db, agreementId))!));
    },
  );

  r.get(
    '/api/patients/:id/agreements/:agreementId',
    {
      schema: {
        tags: ['shared care'],
        summary:
          'One agreement: its state, the dose, who prescribes, the response clock, the timeline, each party’s responsibilities and the steps open to you',
        params: agreementParams,
      },
    },
    async (request) =>
      agreementViewJson(
        await loadAgreementView(deps.db, askerOf(request), request.params.id, request.params.agreementId),
      ),
  );

  r.post(
    '/api/patients/:id/agreements/:agreementId/steps',
    {
      schema: {
        tags: ['shared care'],
        summary:
          'Take a step: request (specialist team), accept with transferDate or decline with reason (GP practice), record-consent (family: agree; specialist team: givenBy), activate, suspend, resume, end or withdraw (with reason)',
        params: agreementParams,
        body: stepInputSchema,
      },
    },
    async (request) => {
      const { id, agreementId } = request.params;
      const agreement = await takeAgreementStep(deps.db, askerOf(request), id, agreementId, request.body);
      return agreementJson(agreement, responseClockView(agreement, request.today));
    },
  );

  r.get(
    '/api/patients/:id/agreements/:agreementId/letter.pdf',
    {
      schema: {
        tags: ['shared care'],
        summary: 'The request letter to the GP practice, as a PDF',
        params: agreementParams,
      },
    },
    (request, reply) => sendLetter(deps, request, reply, request.params.id, request.params.agreementId),
  );
}
