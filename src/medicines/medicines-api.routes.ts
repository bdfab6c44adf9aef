import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPatientAccess } from '../access/patient-access.ts';
import { isPlainDate } from '../kernel/dates.ts';
import { invalidField } from '../kernel/errors.ts';
import { askerFrom } from '../patients/forms.ts';
import type { AppDeps } from '../server/context.ts';
import { protocolForNewOrder, workOutDose } from './dose-calculation.ts';
import { changeDose, stopMedicine } from './dose-changes.ts';
import { loadMedicines, loadOrder, orderAsJson } from './medicine-pages.ts';
import { startMedicine } from './medicines.ts';
import { prescriberOf, recordPrescription } from './prescriptions.ts';

const tags = ['medicines'];
const patientParams = z.object({ id: z.string().describe('The patient’s id (a UUID)') });
const orderParams = patientParams.extend({ orderId: z.string().describe('The medication order’s id') });

// Bodies are loose here so that the service can refuse bad input field by field, in the clinic's words.
const amount = z.union([z.number(), z.string()]).optional();
const doseBody = {
  doseMg: amount.describe('The dose in mg per the protocol’s period (week, day or dose)'),
  dayOfWeek: z.string().optional().describe('Monday to Sunday; required for a once-weekly medicine'),
  folicAcidDay: z
    .string()
    .optional()
    .describe('Monday to Sunday: the day folic acid is taken, never the weekly medicine’s day'),
  timesPerDay: amount.describe('For a daily medicine; the protocol’s number if left out'),
  everyNDays: amount.describe('For a medicine given every few days; the protocol’s number if left out'),
  override: z.boolean().optional().describe('A consultant overriding the protocol for a dose outside it'),
  overrideReason: z.string().optional().describe('Why, in at least 10 characters; required with override'),
};
const startBody = z.object({
  protocolId: z
    .string()
    .optional()
    .describe('e.g. methotrexate-oral-jia; its newest approved version is used'),
  protocolVersionId: z
    .string()
    .optional()
    .describe('The version the dose was worked out under; refused if it is no longer the approved one'),
  medicine: z.string().optional().describe('Needed only when the protocol covers more than one medicine'),
  form: z.string().optional().describe('e.g. tablet, prefilled syringe'),
  route: z.string().optional().describe('oral, subcutaneous or intravenous'),
  strengthMg: amount.describe(
    'The strength of one unit, one the protocol lists (2.5 for methotrexate tablets)',
  ),
  frequency: z.string().optional().describe('once-weekly, daily or every-n-days: what the protocol says'),
  startDate: z.string().optional().describe('YYYY-MM-DD'),
  ...doseBody,
});
const changeBody = z.object({
  startDate: z.string().optional().describe('YYYY-MM-DD: the day the new dose starts'),
  strengthMg: amount.describe('A new strength of the same form, if it changes'),
  ...doseBody,
});
const stopBody = z.object({
  stopDate: z.string().optional().describe('YYYY-MM-DD: the last day it is given'),
  reason: z.string().optional().describe('Why, in at least 5 characters; kept in the audit trail'),
});
const prescriptionBody = z.object({
  issuedOn: z.string().optional().describe('YYYY-MM-DD'),
  quantity: amount.describe('More than 0; whole tablets or capsules'),
  quantityUnit: z.string().optional().describe('e.g. tablets; from the form if left out'),
});

/** The JSON API for medicines: orders, dose changes, stopping, prescriptions, and the dose calculation. */
export async function medicinesApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.get(
    '/api/patients/:id/medicines',
    { schema: { tags, summary: 'A patient’s current and past medication orders', params: patientParams } },
    async (request) => {
      const page = await loadMedicines(db, askerFrom(request), request.params.id);
      const json = (items: typeof page.current) =>
        items.map((i) => orderAsJson(i.order, i.prescriber, request.today));
      return { current: json(page.current), past: json(page.past) };
    },
  );

  r.post(
    '/api/patients/:id/medicines',
    {
      schema: {
        tags,
        summary: 'Start a medicine under an approved protocol (specialist team)',
        params: patientParams,
        body: startBody,
      },
    },
    async (request, reply) => {
      const order = await startMedicine(db, askerFrom(request), request.params.id, request.body);
      return reply.status(201).send(orderAsJson(order, await prescriberOf(db, order), request.today));
    },
  );

  r.get(
    '/api/patients/:id/medicines/:orderId',
    {
      schema: {
        tags,
        summary: 'One medication order, with who prescribes it and the prescriptions issued',
        params: orderParams,
      },
    },
    async (request) => {
      const page = await loadOrder(db, askerFrom(request), request.params.id, request.params.orderId);
      return {
        ...orderAsJson(page.order, page.prescriber, request.today),
        prescriptions: page.prescriptions,
        folicAcid: page.version.protocol.folicAcid?.advice ?? null,
      };
    },
  );

  r.post(
    '/api/patients/:id/medicines/:orderId/change-dose',
    {
      schema: {
        tags,
        summary: 'Change the dose from a date: a new order replaces this one (specialist team)',
        params: orderParams,
        body: changeBody,
      },
    },
    async (request, reply) => {
      const { id, orderId } = request.params;
      const order = await changeDose(db, askerFrom(request), id, orderId, request.body);
      return reply.status(201).send(orderAsJson(order, await prescriberOf(db, order), request.today));
    },
  );

  r.post(
    '/api/patients/:id/medicines/:orderId/stop',
    { schema: { tags, summary: 'Stop a medicine (specialist team)', params: orderParams, body: stopBody } },
    async (request) => {
      const { id, orderId } = request.params;
      const order = await stopMedicine(db, askerFrom(request), id, orderId, request.body);
      return orderAsJson(order, await prescriberOf(db, order), request.today);
    },
  );

  r.post(
    '/api/patients/:id/medicines/:orderId/prescriptions',
    {
      schema: {
        tags,
        summary: 'Record a prescription issued (by the party that prescribes the order now)',
        params: orderParams,
        body: prescriptionBody,
      },
    },
    async (request, reply) => {
      const { id, orderId } = request.params;
      return reply
        .status(201)
        .send(await recordPrescription(db, askerFrom(request), id, orderId, request.body));
    },
  );

  r.get(
    '/api/patients/:id/dose-calculation',
    {
      schema: {
        tags,
        summary:
          'The dose a protocol allows for the child on a date; 422 when the weight is missing or stale',
        params: patientParams,
        querystring: z.object({
          protocolId: z.string().describe('e.g. methotrexate-oral-jia'),
          on: z.string().optional().describe('YYYY-MM-DD; today if left out'),
        }),
      },
    },
    async (request, reply) => {
      const { protocolId, on = request.today } = request.query;
      if (!isPlainDate(on)) throw invalidField('on', 'on must be a real date, like 2026-11-26');
      await checkPatientAccess(db, askerFrom(request), request.params.id, 'read', 'calculate dose', {
        protocolId,
      });
      const version = await protocolForNewOrder(db, protocolId, undefined);
      const worked = await workOutDose(db, request.params.id, version, on);
      if (!worked.ok) {
        const { message } = worked.problem;
        return reply.status(422).send({
          error: { code: 'DOSE_NOT_CALCULABLE', message, fields: [{ field: 'weight', message }] },
        });
      }
      return {
        protocol: {
          id: version.protocolId,
          version: version.version,
          versionId: version.id,
          title: version.title,
        },
        on,
        dose: worked.dose,
        roundToMg: version.protocol.dosing.roundToMg.value,
        folicAcid: version.protocol.folicAcid?.advice ?? null,
      };
    },
  );
}
