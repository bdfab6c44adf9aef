import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FieldProblem } from '../kernel/errors.ts';
import {
  askerFrom,
  dateFromForm,
  dateIntoForm,
  type FormValues,
  isFormRefusal,
  postedForm,
} from '../patients/forms.ts';
import type { AppDeps } from '../server/context.ts';
import { weekdays } from './dose.rules.ts';
import { changeDose, stopMedicine } from './dose-changes.ts';
import {
  choiceShown,
  chosenDate,
  onePerField,
  onWebForm,
  productLabel,
  productValue,
  scheduleView,
  startInputFromForm,
} from './medicine-forms.ts';
import { loadChangePage, loadMedicines, loadOrder, loadStartPage } from './medicine-pages.ts';
import { startMedicine } from './medicines.ts';
import { medicinesApiRoutes } from './medicines-api.routes.ts';
import { medicineTitle, preparationsOf } from './order.rules.ts';
import { defaultQuantityUnit } from './prescription.rules.ts';
import { recordPrescription } from './prescriptions.ts';

const patientParams = z.object({ id: z.string() });
const orderParams = patientParams.extend({ orderId: z.string() });
type OrderParams = z.infer<typeof orderParams>;

/** A refused form: what was typed and what is wrong with it, shown again with a 400. */
interface Refused {
  values: FormValues;
  fields: FieldProblem[];
  status: number;
}

async function showStartPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  choice: FormValues,
  refused?: Refused,
) {
  const fields: FieldProblem[] = [];
  const protocolId = typeof choice.protocolId === 'string' ? choice.protocolId : undefined;
  const startDate = chosenDate(choice, fields, 'Enter the date the medicine starts');
  const page = await loadStartPage(deps.db, askerFrom(request), patientId, { protocolId, startDate });
  const protocol = page.version?.protocol;
  const products = protocol ? preparationsOf(protocol) : [];
  const onlyProduct = products.length === 1 ? productValue(products[0]!) : undefined;
  const problems = onePerField([...(refused?.fields ?? []), ...fields, ...page.fields]);
  reply.status(refused?.status ?? (problems.length ? 400 : 200));
  return reply.page('medicines/views/new.njk', {
    ...page,
    title: 'Start a medicine',
    fields: problems,
    choice: { ...choiceShown(choice, startDate), protocolId },
    values: refused?.values ?? { product: onlyProduct },
    protocolItems: [
      { value: '', text: 'Choose a protocol' },
      ...page.protocols.map((p) => ({
        value: p.protocolId,
        text: `${p.title} (version ${p.version})`,
        selected: p.protocolId === protocolId,
      })),
    ],
    productItems: products.map((p) => ({ value: productValue(p), text: productLabel(p) })),
    medicineName: protocol?.medicines[0]?.name ?? 'the medicine',
    schedule: protocol ? scheduleView(protocol) : undefined,
    weekdays,
  });
}

async function showOrderPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  params: OrderParams,
  refused?: Refused,
) {
  const page = await loadOrder(deps.db, askerFrom(request), params.id, params.orderId);
  reply.status(refused?.status ?? 200);
  return reply.page('medicines/views/order.njk', {
    ...page,
    title: `${medicineTitle(page.order.medicine)}: ${page.order.description}`,
    prescriberText: medicineTitle(page.prescriber.description),
    quantityUnit: defaultQuantityUnit(page.order.form),
    fields: refused?.fields ?? [],
    values: refused?.values ?? {},
  });
}

async function showChangePage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  params: OrderParams,
  choice: FormValues,
  refused?: Refused,
) {
  const fields: FieldProblem[] = [];
  const startDate = chosenDate(choice, fields, 'Enter the date the new dose starts');
  const page = await loadChangePage(deps.db, askerFrom(request), params.id, params.orderId, startDate);
  const { order } = page;
  const strengths = page.version ? preparationsOf(page.version.protocol) : [];
  const problems = onePerField([...(refused?.fields ?? []), ...fields, ...page.fields]);
  reply.status(refused?.status ?? (problems.length ? 400 : 200));
  return reply.page('medicines/views/change-dose.njk', {
    ...page,
    title: `Change the dose of ${order.medicine}`,
    fields: problems,
    choice: Object.keys(choice).length
      ? choiceShown(choice, page.startDate)
      : dateIntoForm('startDate', page.startDate),
    values: refused?.values ?? {
      strengthMg: String(order.strengthMg),
      dayOfWeek: order.dayOfWeek,
      timesPerDay: order.timesPerDay,
      everyNDays: order.everyNDays,
    },
    strengthItems: strengths
      .filter((p) => p.medicine === order.medicine && p.form === order.form && p.route === order.route)
      .map((p) => ({ value: String(p.strengthMg), text: productLabel(p) })),
    schedule: page.version ? scheduleView(page.version.protocol) : undefined,
    weekdays,
  });
}

/** Runs a change posted from a page, then goes to `done`; bad input shows the page again with the problems. */
async function fromForm(
  reply: FastifyReply,
  change: () => Promise<string>,
  showAgain: (refused: Refused) => Promise<unknown>,
  values: FormValues,
) {
  try {
    return reply.redirect(await change(), 303);
  } catch (error) {
    if (!isFormRefusal(error)) throw error;
    return showAgain({ values, fields: onWebForm(error.fields), status: error.status });
  }
}

/** The medicines pages: the list, starting a medicine, one order, changing the dose, stopping, prescriptions. */
export async function medicinesRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const web = { hide: true };
  const query = (request: FastifyRequest) => (request.query ?? {}) as FormValues;

  r.get('/patients/:id/medicines', { schema: { ...web, params: patientParams } }, async (request, reply) => {
    const page = await loadMedicines(db, askerFrom(request), request.params.id);
    return reply.page('medicines/views/list.njk', { ...page, title: 'Medicines' });
  });

  r.get('/patients/:id/medicines/new', { schema: { ...web, params: patientParams } }, (request, reply) =>
    showStartPage(deps, request, reply, request.params.id, query(request)),
  );

  r.post('/patients/:id/medicines/new', { schema: { ...web, params: patientParams } }, (request, reply) => {
    const { id } = request.params;
    const form = postedForm(request.body);
    return fromForm(
      reply,
      async () =>
        `/patients/${id}/medicines/${(await startMedicine(db, askerFrom(request), id, startInputFromForm(form))).id}`,
      (refused) => showStartPage(deps, request, reply, id, form, refused),
      form,
    );
  });

  r.get('/patients/:id/medicines/:orderId', { schema: { ...web, params: orderParams } }, (request, reply) =>
    showOrderPage(deps, request, reply, request.params),
  );

  r.get(
    '/patients/:id/medicines/:orderId/change-dose',
    { schema: { ...web, params: orderParams } },
    (request, reply) => showChangePage(deps, request, reply, request.params, query(request)),
  );

  r.post(
    '/patients/:id/medicines/:orderId/change-dose',
    { schema: { ...web, params: orderParams } },
    (request, reply) => {
      const { id, orderId } = request.params;
      const form = postedForm(request.body);
      const input = { ...form, startDate: dateFromForm(form, 'startDate') };
      return fromForm(
        reply,
        async () =>
          `/patients/${id}/medicines/${(await changeDose(db, askerFrom(request), id, orderId, input)).id}`,
        (refused) => showChangePage(deps, request, reply, request.params, form, refused),
        form,
      );
    },
  );

  r.post(
    '/patients/:id/medicines/:orderId/stop',
    { schema: { ...web, params: orderParams } },
    (request, reply) => {
      const { id, orderId } = request.params;
      const form = postedForm(request.body);
      const input = { ...form, stopDate: dateFromForm(form, 'stopDate') };
      return fromForm(
        reply,
        async () => {
          await stopMedicine(db, askerFrom(request), id, orderId, input);
          return `/patients/${id}/medicines/${orderId}`;
        },
        (refused) => showOrderPage(deps, request, reply, request.params, refused),
        form,
      );
    },
  );

  r.post(
    '/patients/:id/medicines/:orderId/prescriptions',
    { schema: { ...web, params: orderParams } },
    (request, reply) => {
      const { id, orderId } = request.params;
      const form = postedForm(request.body);
      const input = { ...form, issuedOn: dateFromForm(form, 'issuedOn') };
      return fromForm(
        reply,
        async () => {
          await recordPrescription(db, askerFrom(request), id, orderId, input);
          return `/patients/${id}/medicines/${orderId}#prescriptions`;
        },
        (refused) => showOrderPage(deps, request, reply, request.params, refused),
        form,
      );
    },
  );

  await medicinesApiRoutes(app, deps);
}
