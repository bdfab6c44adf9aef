import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPatientAccess } from '../access/patient-access.ts';
import { careTeamRoleLabels } from '../care-team/care-team.rules.ts';
import { formatDate, isPlainDate } from '../kernel/dates.ts';
import { invalidField } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { listGrowth } from './clinical.store.ts';
import { recordDiagnosis, recordGrowth, withBsa } from './clinical.ts';
import { diagnosisCodes } from './diagnoses.ts';
import { askerFrom, dateFromForm, type FormValues, isFormRefusal, postedForm } from './forms.ts';
import { bsaOn } from './growth.rules.ts';
import { growthChartSvg } from './growth-chart.ts';
import { auditDateFields, auditDateLabels, sexLabels } from './patient.rules.ts';
import { loadPatientSummary, type PatientSummary, summaryAsJson } from './summary.ts';

export const patientParams = z.object({ id: z.string().describe('The patient’s id (a UUID)') });

const growthBody = z.object({
  measuredOn: z.string().optional().describe('YYYY-MM-DD; not in the future, not before birth'),
  weightKg: z.union([z.number(), z.string()]).optional().describe('0.5 to under 250 kg'),
  heightCm: z.union([z.number(), z.string()]).optional().describe('30 to under 230 cm'),
});
const diagnosisBody = z.object({
  snomedCode: z.string().optional().describe('A SNOMED CT concept id from Jointly’s list of diagnoses'),
  diagnosedOn: z.string().nullable().optional().describe('YYYY-MM-DD, if known'),
});

const diagnosisOptions = [
  { value: '', text: 'Choose a diagnosis' },
  ...diagnosisCodes.map((d) => ({ value: d.code, text: `${d.term} (${d.group})` })),
];

/** What the page shows beyond the summary itself, worked out here so the template only lays it out. */
function pageData(summary: PatientSummary) {
  const { patient } = summary;
  const practice = patient.registeredPractice;
  const labelled = (members: PatientSummary['careTeam']['current']) =>
    members.map((m) => ({ ...m, roleLabel: careTeamRoleLabels[m.role] ?? m.role }));
  return {
    sexLabel: sexLabels[patient.sex],
    detailRows: [
      { key: { text: 'Postcode' }, value: { text: patient.postcode ?? 'Not recorded' } },
      {
        key: { text: 'Registered GP practice' },
        value: { text: practice ? `${practice.name} (${practice.code})` : 'Not recorded' },
      },
      ...auditDateFields.map((field) => ({
        key: { text: auditDateLabels[field] },
        value: { text: patient[field] ? formatDate(patient[field]) : 'Not recorded' },
      })),
    ],
    careTeam: {
      current: labelled(summary.careTeam.current),
      upcoming: labelled(summary.careTeam.upcoming),
      previous: labelled(summary.careTeam.previous),
    },
    growthChart: growthChartSvg(summary.measurements, patient.dateOfBirth),
  };
}

async function showSummary(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  refused:
    | { form: FormValues; fields: { field: string; message: string }[]; status: number }
    | undefined = undefined,
) {
  const summary = await loadPatientSummary(deps.db, askerFrom(request), patientId);
  reply.status(refused?.status ?? 200);
  return reply.page('patients/views/summary.njk', {
    title: `${summary.patient.givenName} ${summary.patient.familyName}`,
    summary,
    access: summary.access,
    may: summary.may,
    today: request.today,
    diagnosisOptions,
    form: refused?.form ?? {},
    fields: refused?.fields ?? [],
    ...pageData(summary),
  });
}

/** The patient summary page and API, and recording growth and diagnoses from it. */
export async function summaryRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.get('/patients/:id', { schema: { hide: true, params: patientParams } }, async (request, reply) =>
    showSummary(deps, request, reply, request.params.id),
  );

  r.get(
    '/api/patients/:id',
    {
      schema: {
        tags: ['patients'],
        summary: 'A patient’s summary: details, care team, diagnoses, growth',
        params: patientParams,
      },
    },
    async (request) => summaryAsJson(await loadPatientSummary(db, askerFrom(request), request.params.id)),
  );

  r.post(
    '/patients/:id/growth',
    { schema: { hide: true, params: patientParams } },
    async (request, reply) => {
      const form = postedForm(request.body);
      const input = {
        measuredOn: dateFromForm(form, 'measuredOn'),
        weightKg: form.weightKg,
        heightCm: form.heightCm,
      };
      try {
        await recordGrowth(db, askerFrom(request), request.params.id, input);
        return reply.redirect(`/patients/${request.params.id}#growth`, 303);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        return showSummary(deps, request, reply, request.params.id, {
          form,
          fields: error.fields,
          status: error.status,
        });
      }
    },
  );

  r.post(
    '/patients/:id/diagnoses',
    { schema: { hide: true, params: patientParams } },
    async (request, reply) => {
      const form = postedForm(request.body);
      const input = { snomedCode: form.snomedCode, diagnosedOn: dateFromForm(form, 'diagnosedOn') };
      try {
        await recordDiagnosis(db, askerFrom(request), request.params.id, input);
        return reply.redirect(`/patients/${request.params.id}#diagnoses`, 303);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        return showSummary(deps, request, reply, request.params.id, {
          form,
          fields: error.fields,
          status: error.status,
        });
      }
    },
  );

  r.get(
    '/api/patients/:id/growth',
    {
      schema: {
        tags: ['patients'],
        summary: 'A patient’s growth measurements, each with its BSA; with ?on=, the BSA on that date',
        params: patientParams,
        querystring: z.object({ on: z.string().optional().describe('YYYY-MM-DD') }),
      },
    },
    async (request) => {
      const { on } = request.query;
      if (on !== undefined && !isPlainDate(on))
        throw invalidField('on', 'on must be a real date, like 2026-11-26');
      await checkPatientAccess(db, askerFrom(request), request.params.id, 'read', 'view growth');
      const measurements = await listGrowth(db, request.params.id);
      return {
        measurements: withBsa(measurements),
        ...(on === undefined ? {} : { on, bsaOn: bsaOn(measurements, on) ?? null }),
      };
    },
  );

  r.post(
    '/api/patients/:id/growth',
    {
      schema: {
        tags: ['patients'],
        summary: 'Record a weight and height',
        params: patientParams,
        body: growthBody,
      },
    },
    async (request, reply) => {
      const recorded = await recordGrowth(db, askerFrom(request), request.params.id, request.body);
      return reply.status(201).send({ ...recorded, bsaM2: withBsa([recorded])[0]!.bsaM2 });
    },
  );

  r.post(
    '/api/patients/:id/diagnoses',
    {
      schema: {
        tags: ['patients'],
        summary: 'Record a coded diagnosis',
        params: patientParams,
        body: diagnosisBody,
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordDiagnosis(db, askerFrom(request), request.params.id, request.body)),
  );
}
