import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { taskNoticesCte } from '../messaging/outbox.store.ts';

/** Work one organisation must do for one patient. */
export interface NewTask {
  organisationId: string;
  patientId: string;
  /** What sort of work: 'answer-shared-care-request', 'shared-care-no-response', 'dose-changed', … */
  kind: string;
  title: string;
  /** What the task is about (an agreement, an order, a result). One open task per kind, subject and organisation. */
  subjectId: string;
  dueOn: PlainDate | null;
}

export interface TaskRecord extends NewTask {
  id: string;
  status: 'open' | 'done' | 'cancelled';
  createdAt: Date;
}

/**
 * Opens a task unless the same one is already open; returns whether a new one was opened. A new task is
 * e-mailed to its organisation in the same statement (see `taskNoticesCte`), so no task goes untold.
 */
export async function openTask(q: Queryable, task: NewTask): Promise<boolean> {
  const notices = taskNoticesCte(7);
  const rows = await q.query(
    `with opened as (
       insert into task (organisation_id, patient_id, kind, title, subject_id, due_on)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (kind, subject_id, organisation_id) where status = 'open' do nothing
       returning id, organisation_id
     ), ${notices.sql}
     select id from opened`,
    [
      task.organisationId,
      task.patientId,
      task.kind,
      task.title,
      task.subjectId,
      task.dueOn,
      ...notices.params,
    ],
  );
  return rows.length > 0;
}

/** Closes the open tasks of a kind about a subject (say, when the GP answers the request). */
export async function closeTasks(
  q: Queryable,
  subjectId: string,
  kind: string,
  by: { userId: string | null; outcome: string },
): Promise<void> {
  await q.query(
    `update task set status = 'done', completed_at = now(), completed_by = $3, outcome = $4
     where subject_id = $1 and kind = $2 and status = 'open'`,
    [subjectId, kind, by.userId, by.outcome],
  );
}

/** An organisation's open tasks, oldest due first. */
export async function openTasksFor(q: Queryable, organisationIds: readonly string[]): Promise<TaskRecord[]> {
  const rows = await q.query<{
    id: string;
    organisation_id: string;
    patient_id: string;
    kind: string;
    title: string;
    subject_id: string;
    due_on: PlainDate | null;
    status: TaskRecord['status'];
    created_at: Date;
  }>(
    `select id, organisation_id, patient_id, kind, title, subject_id, due_on, status, created_at from task
     where organisation_id = any($1::uuid[]) and status = 'open' order by due_on nulls last, created_at`,
    [organisationIds],
  );
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    patientId: r.patient_id,
    kind: r.kind,
    title: r.title,
    subjectId: r.subject_id,
    dueOn: r.due_on,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/**
 * Opens many tasks in one statement (for sweeps over many patients); those already open are left as they are.
 * Each new task is e-mailed to its organisation in the same statement.
 */
export async function openTasksTogether(q: Queryable, tasks: readonly NewTask[]): Promise<number> {
  if (tasks.length === 0) return 0;
  const notices = taskNoticesCte(7);
  const rows = await q.query(
    `with opened as (
       insert into task (organisation_id, patient_id, kind, title, subject_id, due_on)
       select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::date[])
       on conflict (kind, subject_id, organisation_id) where status = 'open' do nothing
       returning id, organisation_id
     ), ${notices.sql}
     select id from opened`,
    [
      tasks.map((t) => t.organisationId),
      tasks.map((t) => t.patientId),
      tasks.map((t) => t.kind),
      tasks.map((t) => t.title),
      tasks.map((t) => t.subjectId),
      tasks.map((t) => t.dueOn),
      ...notices.params,
    ],
  );
  return rows.length;
}

/** An open task with the patient it is about, for a worklist (patients the viewer may see only). */
export interface TaskListing extends TaskRecord {
  organisationCode: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
}

export async function openTasksWithPatients(
  q: Queryable,
  organisationIds: readonly string[],
  visibility: { sql: string; params: unknown[] },
): Promise<TaskListing[]> {
  const rows = await q.query<{
    id: string;
    organisation_id: string;
    organisation_code: string;
    patient_id: string;
    kind: string;
    title: string;
    subject_id: string;
    due_on: PlainDate | null;
    status: TaskRecord['status'];
    created_at: Date;
    given_name: string;
    family_name: string;
    nhs_number: string;
  }>(
    `select t.id, t.organisation_id, o.code as organisation_code, t.patient_id, t.kind, t.title, t.subject_id, t.due_on,
            t.status, t.created_at, p.given_name, p.family_name, p.nhs_number
     from task t join patient p on p.id = t.patient_id join organisation o on o.id = t.organisation_id
     where t.organisation_id = any($1::uuid[]) and t.status = 'open' and ${visibility.sql}
     order by t.due_on nulls last, t.created_at
     limit 500`,
    [organisationIds, ...visibility.params],
  );
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    organisationCode: r.organisation_code,
    patientId: r.patient_id,
    kind: r.kind,
    title: r.title,
    subjectId: r.subject_id,
    dueOn: r.due_on,
    status: r.status,
    createdAt: r.created_at,
    givenName: r.given_name,
    familyName: r.family_name,
    nhsNumber: r.nhs_number,
  }));
}
