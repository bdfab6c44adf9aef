import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Asker, checkPatientAccess } from '../access/patient-access.ts';
import { type FieldProblem, JointlyError } from '../kernel/errors.ts';
import { findPatient } from '../patients/patients.store.ts';
import type { AppDeps } from '../server/context.ts';
import { requireViewer } from '../server/guards.ts';
import {
  type CareTeamMember,
  carerRelationshipLabels,
  carerRelationships,
  careTeamRoleLabels,
  careTeamRoles,
  periodOf,
} from './care-team.rules.ts';
import { type LinkedCarer, listCarers, listCareTeam, listOrganisations } from './care-team.store.ts';
import {
  addCareTeamMember,
  endCareTeamMember,
  endMemberSchema,
  mayEditCareTeam,
  newMemberSchema,
} from './care-team.ts';

export const patientParams = z.object({ id: z.string().describe('The patient’s identifier') });
const memberParams = patientParams.extend({
  memberId: z.string().describe('The care team member’s identifier'),
});

export function askerOf(request: FastifyRequest): Asker {
  return { now: request.now, today: request.today, viewer: requireViewer(request) };
}

/**
 * Makes a change posted from a form, then goes back to `doneHref`. Bad input or a duplicate shows the form
 * again with the problems and what was typed; any other refusal goes to the error page.
 */
export async function submitForm(
  reply: FastifyReply,
  change: () => Promise<unknown>,
  doneHref: string,
  showAgain: (fields: FieldProblem[]) => Promise<unknown>,
) {
  try {
    await change();
    return reply.redirect(doneHref, 303);
  } catch (error) {
    if (!(error instanceof JointlyError) || !['INVALID_INPUT', 'CONFLICT'].includes(error.code)) throw error;
    reply.status(error.status);
    return showAgain(error.fields);
  }
}

const memberJson = z.object({
  id: z.string(),
  organisation: z.object({ code: z.string(), name: z.string(), kind: z.string() }),
  role: z.enum(careTeamRoles),
  namedPerson: z.object({ userId: z.string(), name: z.string() }).nullable(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  period: z.enum(['current', 'upcoming', 'past']),
});
const carerJson = z.object({
  userId: z.string(),
  name: z.string(),
  relationship: z.enum(carerRelationships),
  hasProxyAccess: z.boolean(),
});
export const careTeamJson = z.object({ members: z.array(memberJson), carers: z.array(carerJson) });

function toMemberJson(m: CareTeamMember, today: FastifyRequest['today']): z.infer<typeof memberJson> {
  return {
    id: m.id,
    organisation: { code: m.organisationCode, name: m.organisationName, kind: m.organisationKind },
    role: m.role,
    namedPerson: m.namedPerson,
    startDate: m.startDate,
    endDate: m.endDate,
    period: periodOf(m, today),
  };
}

/** What the care team page shows again after a refused change: the problems and what was typed. */
export interface FormState {
  fields?: FieldProblem[];
  member?: Record<string, unknown>;
  carer?: Record<string, unknown>;
}

/** The care team page: everyone who may read the record sees it; the forms only for those who may change it. */
export async function showCareTeam(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  form: FormState = {},
) {
  const asker = askerOf(request);
  const access = await checkPatientAccess(deps.db, asker, patientId, 'read', 'view care team');
  const patient = await findPatient(deps.db, patientId);
  const members = await listCareTeam(deps.db, patientId);
  const carers: LinkedCarer[] = await listCarers(deps.db, patientId);
  const mayEdit = await mayEditCareTeam(deps.db, asker, patientId);
  const byPeriod = (period: string) => members.filter((m) => periodOf(m, request.today) === period);
  return reply.page('care-team/views/care-team.njk', {
    title: 'Care team',
    access,
    patient,
    current: byPeriod('current'),
    upcoming: byPeriod('upcoming'),
    past: byPeriod('past'),
    carers,
    mayEdit,
    organisationItems: mayEdit ? choices('Choose an organisation', await organisationChoices(deps)) : [],
    roleItems: choices('Choose their part in care', Object.entries(careTeamRoleLabels)),
    relationshipItems: choices('Choose a relationship', Object.entries(carerRelationshipLabels)),
    roleLabels: careTeamRoleLabels,
    relationshipLabels: carerRelationshipLabels,
    today: request.today,
    fields: form.fields,
    member: form.member ?? {},
    carer: form.carer ?? {},
  });
}

/** Items for an NHS select, starting with a prompt that has no value. */
function choices(prompt: string, options: [value: string, text: string][]) {
  return [{ value: '', text: prompt }, ...options.map(([value, text]) => ({ value, text }))];
}

async function organisationChoices(deps: AppDeps): Promise<[string, string][]> {
  return (await listOrganisations(deps.db)).map((o) => [o.code, `${o.name} (${o.code})`]);
}

async function showEndForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  { id, memberId }: { id: string; memberId: string },
  form: { fields?: FieldProblem[]; values?: Record<string, unknown> } = {},
) {
  const access = await checkPatientAccess(deps.db, askerOf(request), id, 'edit-care-team', 'view care team');
  const member = (await listCareTeam(deps.db, id)).find((m) => m.id === memberId);
  if (!member) throw new JointlyError('NOT_FOUND', 'This patient’s care team has no such member.');
  return reply.page('care-team/views/end-member.njk', {
    title: `End ${member.organisationName}’s part in care`,
    access,
    patient: await findPatient(deps.db, id),
    member,
    roleLabel: careTeamRoleLabels[member.role],
    today: request.today,
    fields: form.fields,
    values: form.values ?? {},
  });
}

export async function careTeamRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  r.get('/patients/:id/care-team', { schema: { hide: true, params: patientParams } }, (request, reply) =>
    showCareTeam(deps, request, reply, request.params.id),
  );

  r.post('/patients/:id/care-team', { schema: { hide: true, params: patientParams } }, (request, reply) => {
    const { id } = request.params;
    return submitForm(
      reply,
      () => addCareTeamMember(deps.db, askerOf(request), id, body(request)),
      `/patients/${id}/care-team`,
      (fields) => showCareTeam(deps, request, reply, id, { fields, member: body(request) }),
    );
  });

  r.get(
    '/patients/:id/care-team/:memberId/end',
    { schema: { hide: true, params: memberParams } },
    (request, reply) => showEndForm(deps, request, reply, request.params),
  );

  r.post(
    '/patients/:id/care-team/:memberId/end',
    { schema: { hide: true, params: memberParams } },
    (request, reply) => {
      const { id, memberId } = request.params;
      return submitForm(
        reply,
        () => endCareTeamMember(deps.db, askerOf(request), id, memberId, body(request)),
        `/patients/${id}/care-team`,
        (fields) => showEndForm(deps, request, reply, request.params, { fields, values: body(request) }),
      );
    },
  );

  r.get(
    '/api/patients/:id/care-team',
    {
      schema: {
        tags: ['care team'],
        summary: 'The patient’s care team, past and present, and the parents and carers linked to them',
        params: patientParams,
        response: { 200: careTeamJson },
      },
    },
    async (request) => {
      const patientId = request.params.id;
      await checkPatientAccess(deps.db, askerOf(request), patientId, 'read', 'view care team');
      const members = await listCareTeam(deps.db, patientId);
      return {
        members: members.map((m) => toMemberJson(m, request.today)),
        carers: await listCarers(deps.db, patientId),
      };
    },
  );

  r.post(
    '/api/patients/:id/care-team',
    {
      schema: {
        tags: ['care team'],
        summary: 'Add an organisation (and perhaps a named person in it) to the care team',
        params: patientParams,
        body: newMemberSchema,
        response: { 201: memberJson },
      },
    },
    async (request, reply) => {
      const memberId = await addCareTeamMember(deps.db, askerOf(request), request.params.id, request.body);
      const member = (await listCareTeam(deps.db, request.params.id)).find((m) => m.id === memberId);
      return reply.status(201).send(toMemberJson(member!, request.today));
    },
  );

  r.post(
    '/api/patients/:id/care-team/:memberId/end',
    {
      schema: {
        tags: ['care team'],
        summary: 'End a member’s part in the child’s care (their access ends after the end date)',
        params: memberParams,
        body: endMemberSchema,
        response: { 200: memberJson },
      },
    },
    async (request) => {
      const { id, memberId } = request.params;
      const member = await endCareTeamMember(deps.db, askerOf(request), id, memberId, request.body);
      return toMemberJson(member, request.today);
    },
  );
}
