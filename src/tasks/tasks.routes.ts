import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { visiblePatientCondition } from '../access/visibility.ts';
import { recordAudit } from '../audit/audit.store.ts';
import { JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { requireViewer } from '../server/guards.ts';
import { openTasksWithPatients, type TaskListing } from './tasks.store.ts';

/** Tasks about results and the blood tests due: their work is done on the child's results page. */
const bloodTestKinds = [
  'result-red',
  'result-amber',
  'result-red-escalated',
  'repeat-blood-test',
  'blood-test-due',
  'monitoring-overdue',
  'consider-withholding',
];

/** Where a task's work is done: the agreement or medicine it is about, else the patient's record. */
function taskHref(task: TaskListing): string {
  if (task.kind.includes('shared-care')) return `/patients/${task.patientId}/agreements/${task.subjectId}`;
  if (bloodTestKinds.includes(task.kind)) return `/patients/${task.patientId}/results`;
  if (task.kind.startsWith('dose') || task.kind.startsWith('medicine')) {
    return `/patients/${task.patientId}/medicines/${task.subjectId}`;
  }
  return `/patients/${task.patientId}`;
}

/** The open tasks of the viewer's organisations, oldest due first: one query, audited as one list. */
async function tasksFor(deps: AppDeps, request: import('fastify').FastifyRequest) {
  const viewer = requireViewer(request);
  const organisations = viewer.memberships
    .map((m) => m.organisationId)
    .filter((id): id is string => id !== null);
  if (organisations.length === 0)
    throw new JointlyError('FORBIDDEN', 'Tasks belong to organisations; you are not in one.');
  const tasks = await openTasksWithPatients(
    deps.db,
    organisations,
    visiblePatientCondition(viewer, { today: request.today, now: request.now }, 2),
  );
  const first = viewer.memberships[0];
  await recordAudit(deps.db, {
    userId: viewer.id,
    userEmail: viewer.email,
    role: first?.role ?? null,
    organisationId: first?.organisationId ?? null,
    patientId: null,
    action: 'view tasks',
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { count: tasks.length, patientIds: [...new Set(tasks.map((t) => t.patientId))] },
    occurredAt: request.now,
  });
  return tasks.map((t) => ({
    ...t,
    href: taskHref(t),
    overdue: t.dueOn !== null && t.dueOn < request.today,
  }));
}

export async function taskRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/tasks', { schema: { hide: true } }, async (request, reply) =>
    reply.page('tasks/views/tasks.njk', { title: 'Tasks', tasks: await tasksFor(deps, request) }),
  );
  r.get(
    '/api/tasks',
    { schema: { tags: ['tasks'], summary: 'Open tasks of my organisations, oldest due first' } },
    async (request) => ({
      tasks: await tasksFor(deps, request),
    }),
  );
}
