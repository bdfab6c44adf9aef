import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { Analyte, Panel } from '../protocols/protocol.schema.ts';
import type { BloodTestPlace } from './responsibility.rules.ts';
import type { MonitoringStatus } from './schedule.rules.ts';

/** A SQL condition on `patient p` with its parameters from $1 (the visibility rule). */
export interface PatientCondition {
  sql: string;
  params: unknown[];
}

/** The child a worklist row is about. */
interface ChildColumns {
  patientId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
}

/** A red or amber result nobody has decided about yet. */
export interface WaitingAlert extends ChildColumns {
  alertId: string;
  outcome: 'red' | 'amber';
  analyte: Analyte;
  value: number;
  unit: string;
  specimenDate: PlainDate;
  createdAt: Date;
  escalatedAt: Date | null;
}

/** A course on a worklist: when its tests are due, which, where and who arranges them. */
export interface WorklistCourse extends ChildColumns {
  courseId: string;
  medicine: string;
  nextDueOn: PlainDate;
  nextDuePanels: Panel[];
  status: MonitoringStatus;
  place: BloodTestPlace;
  responsibleOrganisationName: string | null;
  responsibleOrganisationCode: string | null;
}

/** Up to `limit` rows of a list, and how many there are in all. */
export interface Limited<Row> {
  rows: Row[];
  total: number;
}

const childColumns = `p.id as "patientId", p.given_name as "givenName", p.family_name as "familyName",
  p.nhs_number as "nhsNumber"`;

/** Whose list: the specialist team that looks after the child, or the organisation that arranges the tests. */
export type WorklistSide = 'specialist' | 'responsible';

/**
 * The unacknowledged red and amber results of the given organisations, for the children the viewer may see:
 * one query, each outcome oldest first and cut at `limit`, with each outcome's true count beside it.
 */
export async function waitingAlerts(
  q: Queryable,
  visible: PatientCondition,
  side: WorklistSide,
  organisationIds: readonly string[],
  limit: number,
): Promise<{ red: Limited<WaitingAlert>; amber: Limited<WaitingAlert> }> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const column = side === 'specialist' ? 'a.specialist_organisation_id' : 'a.responsible_organisation_id';
  const rows = await q.query<WaitingAlert & { total: number; n: number }>(
    `select * from (
       select a.id as "alertId", a.outcome, r.analyte, r.value::float8 as value, r.unit,
         r.specimen_date as "specimenDate", a.created_at as "createdAt", a.escalated_at as "escalatedAt",
         ${childColumns},
         (count(*) over (partition by a.outcome))::int as total,
         row_number() over (partition by a.outcome order by a.created_at, a.id) as n
       from result_alert a
       join lab_result r on r.id = a.result_id
       join patient p on p.id = a.patient_id
       where a.acknowledged_at is null and ${column} = any(${param(organisationIds)}::uuid[]) and ${visible.sql}
     ) waiting
     where n <= ${param(limit)}
     order by n`,
    params,
  );
  const pick = (outcome: 'red' | 'amber'): Limited<WaitingAlert> => {
    const chosen = rows.filter((r) => r.outcome === outcome);
    return { rows: chosen.map(({ total: _total, n: _n, ...row }) => row), total: chosen[0]?.total ?? 0 };
  };
  return { red: pick('red'), amber: pick('amber') };
}

/**
 * Courses of the given organisations (as the specialist team, or as who arranges the tests) for the children
 * the viewer may see: in the given statuses, or due by a date and not yet overdue. Oldest due first, cut at
 * `limit`, with the true count.
 */
export async function coursesForWorklist(
  q: Queryable,
  visible: PatientCondition,
  side: WorklistSide,
  organisationIds: readonly string[],
  which:
    | { statuses: readonly MonitoringStatus[] }
    | { dueBy: PlainDate; notStatuses: readonly MonitoringStatus[] },
  limit: number,
): Promise<Limited<WorklistCourse>> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const column = side === 'specialist' ? 'c.specialist_organisation_id' : 'c.responsible_organisation_id';
  const filter =
    'statuses' in which
      ? `c.status = any(${param(which.statuses)}::text[])`
      : `c.next_due_on <= ${param(which.dueBy)}::date and c.status <> all(${param(which.notStatuses)}::text[])`;
  const rows = await q.query<WorklistCourse & { total: number }>(
    `select c.id as "courseId", c.medicine, c.next_due_on as "nextDueOn", c.next_due_panels as "nextDuePanels",
       c.status, c.place, o.name as "responsibleOrganisationName", o.code as "responsibleOrganisationCode",
       ${childColumns}, (count(*) over ())::int as total
     from monitoring_course c
     join patient p on p.id = c.patient_id
     left join organisation o on o.id = c.responsible_organisation_id
     where c.next_due_on is not null and c.stopped_on is null and ${filter}
       and ${column} = any(${param(organisationIds)}::uuid[]) and ${visible.sql}
     order by c.next_due_on, c.id
     limit ${param(limit)}`,
    params,
  );
  return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
}

/** How many open tasks the organisations have, for the children the viewer may see. */
export async function openTaskCount(
  q: Queryable,
  visible: PatientCondition,
  organisationIds: readonly string[],
): Promise<number> {
  const params = [...visible.params];
  const [row] = await q.query<{ n: number }>(
    `select count(*)::int as n from task t join patient p on p.id = t.patient_id
     where t.status = 'open' and t.organisation_id = any($${params.push(organisationIds)}::uuid[])
       and ${visible.sql}`,
    params,
  );
  return row?.n ?? 0;
}
