import type { Resource } from '@medplum/fhirtypes';
import { authorisePatientChange, checkPatientAccess } from '../../access/patient-access.ts';
import type { Database } from '../../db/database.ts';
import { JointlyError } from '../../kernel/errors.ts';
import { alertTaskKinds } from '../../results/acknowledge.ts';
import { storeResults } from '../../results/record-results.ts';
import { closeTask, findObservationRows, findTaskRow } from './fhir.store.ts';
import type { FhirCaller } from './fhir-read.ts';
import { ownTask } from './fhir-read.ts';
import { readObservation } from './observation-input.rules.ts';
import { FhirProblem, invalid, unprocessable } from './outcome.ts';
import { observationResource, taskResource } from './resources.rules.ts';

/** Tasks that only a decision about the result (or the tests being taken) may close. */
const decidedByAcknowledgement: readonly string[] = [
  ...alertTaskKinds,
  'consider-withholding',
  'monitoring-overdue',
  'blood-test-due',
];

export interface ApiClientCaller extends FhirCaller {
  clientId: string;
  clientName: string;
}

/**
 * A laboratory result sent as an Observation goes the one way every result goes (`storeResults`): the
 * client's organisation must be allowed to record results for the child (audited either way), then it is
 * checked, stored, judged, alerted and tasked in one transaction with its audit entry. Returns the stored
 * Observation, with what Jointly made of it, only once that transaction has committed; `created` is false
 * when the same identifier was sent before (the first result is returned and nothing is stored again).
 */
export async function createObservation(
  db: Database,
  caller: ApiClientCaller,
  body: unknown,
  options: { allowTestNhsNumbers: boolean },
): Promise<{ resource: Resource; created: boolean }> {
  const input = readObservation(body, {
    clientId: caller.clientId,
    allowTestNhsNumbers: options.allowTestNhsNumbers,
  });
  const patientId =
    'patientId' in input.subject
      ? input.subject.patientId
      : await patientByNhsNumber(db, input.subject.nhsNumber);
  const change = await authorisePatientChange(
    db,
    caller,
    patientId,
    'record-results',
    'FHIR create Observation',
    {
      via: 'FHIR',
      source: 'fhir',
    },
  ).catch((error: unknown) => {
    if (error instanceof JointlyError && error.code === 'NOT_FOUND') {
      throw unprocessable('There is no patient with this id.', 'Observation.subject.reference', 'not-found');
    }
    throw error;
  });
  const recorded = await db.transaction(async (tx) => {
    // An identifier sent before for another child, or with a different value: refused, never answered with
    // the result stored before.
    const stored = await storeResults(tx, {
      patientId,
      results: [input.result],
      source: 'fhir',
      sender: {
        userId: caller.viewer.id,
        organisationId: change.access.organisationId,
        via: `FHIR client: ${caller.clientName}`,
      },
      now: caller.now,
      today: caller.today,
    }).catch((error: unknown) => {
      if (error instanceof JointlyError && error.code === 'CONFLICT') {
        throw unprocessable(error.message, 'Observation.identifier');
      }
      throw error;
    });
    await change.audit(tx, { stored: stored.results.length - stored.alreadyStored, alerts: stored.alerts });
    return stored;
  });
  const [row] = await findObservationRows(
    db,
    recorded.results.map((r) => r.id),
  );
  return { resource: observationResource(row!), created: recorded.alreadyStored === 0 };
}

async function patientByNhsNumber(db: Database, nhsNumber: string): Promise<string> {
  const [row] = await db.query<{ id: string }>('select id from patient where nhs_number = $1', [nhsNumber]);
  if (!row) {
    throw unprocessable(
      'No child with this NHS number is registered in Jointly.',
      'Observation.subject.identifier.value',
      'not-found',
    );
  }
  return row.id;
}

const closingStatuses = { completed: 'done', cancelled: 'cancelled' } as const;
type ClosingStatus = keyof typeof closingStatuses;

/** The status a client asks for (PUT body or JSON Patch), with any reason it gives. */
export function requestedTaskChange(
  body: unknown,
  how: 'put' | 'patch',
  id: string,
): { status: ClosingStatus; reason: string | undefined } {
  let status: unknown;
  let reason: unknown;
  if (how === 'patch') {
    if (!Array.isArray(body))
      throw invalid(
        'PATCH takes a JSON Patch: [{"op": "replace", "path": "/status", "value": "completed"}].',
      );
    for (const op of body as unknown[]) {
      const o = op as { op?: unknown; path?: unknown; value?: unknown };
      if ((o.op === 'replace' || o.op === 'add') && o.path === '/status') status = o.value;
      else if ((o.op === 'replace' || o.op === 'add') && o.path === '/statusReason')
        reason = (o.value as { text?: unknown })?.text;
      else
        throw unprocessable('Jointly lets a client change a task’s status (and statusReason) only.', 'Task');
    }
  } else {
    const task = body as {
      resourceType?: unknown;
      id?: unknown;
      status?: unknown;
      statusReason?: { text?: unknown };
    };
    if (typeof body !== 'object' || body === null || task.resourceType !== 'Task') {
      throw invalid('PUT takes the Task as a JSON object with resourceType "Task".', 'Task.resourceType');
    }
    if (task.id !== undefined && task.id !== id)
      throw invalid(`The body’s id must be ${id}, the task being updated.`, 'Task.id');
    status = task.status;
    reason = task.statusReason?.text;
  }
  if (typeof status !== 'string') throw invalid('Give the task’s new status.', 'Task.status');
  if (!(status in closingStatuses)) {
    throw unprocessable(
      `A client can close a task (completed or cancelled); not set it to ${status}.`,
      'Task.status',
    );
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) {
    throw invalid('statusReason.text must be text of at most 500 characters.', 'Task.statusReason.text');
  }
  return { status: status as ClosingStatus, reason: reason as string | undefined };
}

/**
 * Closes a task of the client's organisation (completed or cancelled), audited in the same transaction.
 * Closing a result task does not decide about the result: its Flag stays active until someone acknowledges it.
 */
export async function updateTaskStatus(
  db: Database,
  caller: ApiClientCaller,
  id: string,
  change: { status: ClosingStatus; reason: string | undefined },
): Promise<Resource> {
  const task = await ownTask(db, caller, id, 'update');
  const status = closingStatuses[change.status];
  if (task.status === status) {
    await checkPatientAccess(db, caller, task.patientId, 'read', 'FHIR read Task', { via: 'FHIR' });
    return taskResource(task);
  }
  if (task.status !== 'open') {
    throw new FhirProblem(409, [
      {
        code: 'conflict',
        diagnostics: `This task was ${task.status === 'done' ? 'completed' : 'cancelled'} already.`,
        expression: ['Task.status'],
      },
    ]);
  }
  if (decidedByAcknowledgement.includes(task.kind)) {
    throw new FhirProblem(422, [
      {
        code: 'business-rule',
        diagnostics:
          'A red or amber result, or monitoring so late the medicine may need withholding, is closed by a clinician deciding what to do in Jointly, not by a status change.',
        expression: ['Task.status'],
      },
    ]);
  }
  const authorised = await authorisePatientChange(db, caller, task.patientId, 'read', 'FHIR update Task', {
    via: 'FHIR',
    taskId: id,
    status: change.status,
  });
  await db.transaction(async (tx) => {
    const closed = await closeTask(tx, id, {
      status,
      by: caller.viewer.id,
      at: caller.now,
      outcome:
        change.reason ??
        `${change.status === 'completed' ? 'Completed' : 'Cancelled'} by ${caller.clientName}`,
    });
    if (!closed)
      throw new FhirProblem(409, [{ code: 'conflict', diagnostics: 'Someone closed this task first.' }]);
    await authorised.audit(tx);
  });
  return taskResource((await findTaskRow(db, id))!);
}
