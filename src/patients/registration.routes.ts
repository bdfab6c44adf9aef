import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPatientAccess } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import { listOrganisations } from '../organisations/organisations.store.ts';
import type { AppDeps } from '../server/context.ts';
import {
  askerFrom,
  type FormValues,
  isFormRefusal,
  patientFormAsInput,
  patientInputAsForm,
  postedForm,
} from './forms.ts';
import { sexes, sexLabels } from './patient.rules.ts';
import { allowedActions } from './patient-actions.rules.ts';
import { findPatient } from './patients.store.ts';
import { editDemographics, recordAsInput, registerPatient, requireRegisteringTeam } from './patients.ts';
import { patientParams } from './summary.routes.ts';

const optionalText = (description: string) => z.string().nullable().optional().describe(description);

/** The API's patient fields. Checked in full by the patient rules, which name each field at fault. */
const patientFields = {
  nhsNumber: optionalText('10 digits; spaces allowed. Required when registering'),
  givenName: optionalText('Required when registering'),
  familyName: optionalText('Required when registering'),
  dateOfBirth: optionalText('YYYY-MM-DD, within the last 25 years. Required when registering'),
  sex: optionalText(`One of ${sexes.join(', ')}. Required when registering`),
  postcode: optionalText('A UK postcode'),
  registeredPracticeCode: optionalText('Organisation code of the GP practice. Required when registering'),
  symptomOnsetDate: optionalText('YYYY-MM-DD'),
  referralReceivedDate: optionalText('YYYY-MM-DD'),
  firstSeenDate: optionalText('YYYY-MM-DD; not before the referral was received'),
  diagnosisDate: optionalText('YYYY-MM-DD'),
};

const sexOptions = sexes.map((sex) => ({ value: sex, text: sexLabels[sex] }));

async function practiceOptions(deps: AppDeps) {
  const practices = (await listOrganisations(deps.db)).filter((o) => o.kind === 'gp_practice');
  return [
    { value: '', text: 'Choose a GP practice' },
    ...practices
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((o) => ({ value: o.code, text: `${o.name} (${o.code})` })),
  ];
}

interface FormState {
  form: FormValues;
  fields?: { field: string; message: string }[];
  status?: number;
}

async function showRegisterForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
) {
  const team = requireRegisteringTeam(askerFrom(request).viewer);
  const teamName = request.viewer?.memberships.find(
    (m) => m.organisationId === team.organisationId,
  )?.organisationName;
  reply.status(state.status ?? 200);
  return reply.page('patients/views/new.njk', {
    title: 'Register a patient',
    teamName: teamName ?? 'your specialist team',
    practiceOptions: await practiceOptions(deps),
    sexOptions,
    form: state.form,
    fields: state.fields ?? [],
  });
}

async function showEditForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  state?: FormState,
) {
  const asker = askerFrom(request);
  const access = await checkPatientAccess(
    deps.db,
    asker,
    patientId,
    'edit-demographics',
    'view details to edit',
  );
  const [patient, relationships] = await Promise.all([
    findPatient(deps.db, patientId),
    loadRelationships(deps.db, patientId, asker.viewer.id, asker.now),
  ]);
  if (!patient || !relationships) return reply.callNotFound();
  reply.status(state?.status ?? 200);
  return reply.page('patients/views/edit.njk', {
    title: `Change ${patient.givenName} ${patient.familyName}’s details`,
    patient,
    access,
    may: allowedActions(asker.viewer, relationships, asker),
    practiceOptions: await practiceOptions(deps),
    sexOptions,
    form: state?.form ?? patientInputAsForm(recordAsInput(patient)),
    fields: state?.fields ?? [],
  });
}

/** Registering a patient and changing their details: web pages and API. */
export async function registrationRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const allowTestRange = deps.config.demo;

  r.get('/patients/new', { schema: { hide: true } }, async (request, reply) =>
    showRegisterForm(deps, request, reply, { form: {} }),
  );

  r.post('/patients/new', { schema: { hide: true } }, async (request, reply) => {
    const form = postedForm(request.body);
    try {
      const id = await registerPatient(db, askerFrom(request), patientFormAsInput(form), { allowTestRange });
      return reply.redirect(`/patients/${id}`, 303);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      return showRegisterForm(deps, request, reply, { form, fields: error.fields, status: error.status });
    }
  });

  r.post(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: 'Register a patient with your specialist team (their GP practice joins the care team too)',
        body: z.object(patientFields),
      },
    },
    async (request, reply) => {
      const id = await registerPatient(db, askerFrom(request), request.body, { allowTestRange });
      return reply.status(201).header('location', `/api/patients/${id}`).send({ id });
    },
  );

  r.get('/patients/:id/edit', { schema: { hide: true, params: patientParams } }, async (request, reply) =>
    showEditForm(deps, request, reply, request.params.id),
  );

  r.post('/patients/:id/edit', { schema: { hide: true, params: patientParams } }, async (request, reply) => {
    const form = postedForm(request.body);
    const input = patientFormAsInput(form);
    try {
      await editDemographics(db, askerFrom(request), request.params.id, input, {
        allowTestRange,
        partial: false,
      });
      return reply.redirect(`/patients/${request.params.id}`, 303);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      return showEditForm(deps, request, reply, request.params.id, {
        form,
        fields: error.fields,
        status: error.status,
      });
    }
  });

  r.patch(
    '/api/patients/:id',
    {
      schema: {
        tags: ['patients'],
        summary:
          'Change a patient’s details: fields left out keep their values, null clears an optional one. ' +
          'Changing the registered practice does not change the care team.',
        params: patientParams,
        body: z.object(patientFields),
      },
    },
    async (request, reply) => {
      await editDemographics(db, askerFrom(request), request.params.id, request.body, {
        allowTestRange,
        partial: true,
      });
      return reply.status(204).send();
    },
  );
}
