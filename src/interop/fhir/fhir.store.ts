import { auditFilterCondition } from '../../audit/audit-search.store.ts';
import type { Queryable } from '../../db/database.ts';
import type { PlainDate } from '../../kernel/dates.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import type {
  AgreementRow,
  AlertRow,
  AuditRow,
  CareTeamMemberRow,
  MonitoringRow,
  ObservationRow,
  PatientRow,
  TaskRow,
} from './resources.rules.ts';

/** SQL for the FHIR API: what each resource is read from. Access is decided before any of these is called. */

/** A SQL condition with its parameters, numbered from `$1`. */
export interface Condition {
  sql: string;
  params: unknown[];
}

const org = (alias: string) =>
  `case when ${alias}.id is null then null else jsonb_build_object('code', ${alias}.code, 'name', ${alias}.name) end`;

// ---------------------------------------------------------------------------------------------- Patient

const patientColumns = `p.id, p.nhs_number as "nhsNumber", p.given_name as "givenName", p.family_name as "familyName",
  p.date_of_birth as "dateOfBirth", p.sex, p.postcode, ${org('rp')} as "registeredPractice", p.updated_at as "updatedAt"`;
const patientTables = 'patient p left join organisation rp on rp.id = p.registered_practice_id';

export async function findPatientRow(q: Queryable, id: string): Promise<PatientRow | undefined> {
  const [row] = await q.query<PatientRow>(`select ${patientColumns} from ${patientTables} where p.id = $1`, [
    id,
  ]);
  return row;
}

export interface PatientCriteria {
  ids?: string[];
  nhsNumbers?: string[];
  /** Starts of any part of the name (family or given), any of which may match. */
  names?: string[];
  families?: string[];
  givens?: string[];
  birthFrom?: PlainDate;
  birthTo?: PlainDate;
}

/**
 * One page of the patients the viewer may see that match every criterion given, in the order people look
 * for names (the order of the family-name index). `visible` is the access rule, numbered from $1.
 */
export async function searchPatientRows(
  q: Queryable,
  visible: Condition,
  criteria: PatientCriteria,
  page: { limit: number; offset: number },
): Promise<PatientRow[]> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const starts = (column: string, prefixes: string[]) =>
    `(${prefixes.map((p) => `lower(${column}) like ${param(escapeLike(p.toLowerCase()))} || '%'`).join(' or ')})`;
  const conditions = [visible.sql];
  if (criteria.ids) conditions.push(`p.id = any(${param(criteria.ids)}::uuid[])`);
  if (criteria.nhsNumbers) conditions.push(`p.nhs_number = any(${param(criteria.nhsNumbers)}::text[])`);
  if (criteria.families) conditions.push(starts('p.family_name', criteria.families));
  if (criteria.givens) conditions.push(starts('p.given_name', criteria.givens));
  if (criteria.names) {
    conditions.push(
      `(${starts('p.family_name', criteria.names)} or ${starts('p.given_name', criteria.names)})`,
    );
  }
  if (criteria.birthFrom) conditions.push(`p.date_of_birth >= ${param(criteria.birthFrom)}::date`);
  if (criteria.birthTo) conditions.push(`p.date_of_birth <= ${param(criteria.birthTo)}::date`);
  return q.query<PatientRow>(
    `select ${patientColumns} from ${patientTables} where ${conditions.join(' and ')}
     order by lower(p.family_name) using ~<~, lower(p.given_name), p.id
     limit ${param(page.limit)} offset ${param(page.offset)}`,
    params,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ------------------------------------------------------------------------------------------- Observation

const observationColumns = `r.id, r.patient_id as "patientId", r.analyte, r.value::float8 as value, r.unit,
  r.range_low::float8 as "rangeLow", r.range_high::float8 as "rangeHigh", r.range_source as "rangeSource",
  r.specimen_date as "specimenDate", r.outcome, r.findings, r.source, r.external_id as "externalId",
  r.recorded_at as "recordedAt", ${org('eo')} as organisation`;
const observationTables = 'lab_result r left join organisation eo on eo.id = r.entered_by_organisation_id';

export async function findObservationRows(q: Queryable, ids: readonly string[]): Promise<ObservationRow[]> {
  return q.query<ObservationRow>(
    `select ${observationColumns} from ${observationTables} where r.id = any($1::uuid[])
     order by r.specimen_date desc, r.id desc`,
    [ids],
  );
}

export interface ObservationQuery {
  patientId: string;
  analytes?: Analyte[];
  from?: PlainDate;
  to?: PlainDate;
}

function observationCondition(query: ObservationQuery): Condition {
  const params: unknown[] = [query.patientId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions = ['r.patient_id = $1'];
  if (query.analytes) conditions.push(`r.analyte = any(${param(query.analytes)}::text[])`);
  if (query.from) conditions.push(`r.specimen_date >= ${param(query.from)}::date`);
  if (query.to) conditions.push(`r.specimen_date <= ${param(query.to)}::date`);
  return { sql: conditions.join(' and '), params };
}

/**
 * One page of a child's results by specimen date (newest first unless `ascending`), keyed on (specimen_date,
 * id) so that every page costs the same: an index probe on (patient_id, specimen_date, id) and `limit` rows.
 */
export async function observationPage(
  q: Queryable,
  query: ObservationQuery,
  page: { after: [string, string] | undefined; ascending: boolean; limit: number },
): Promise<ObservationRow[]> {
  const condition = observationCondition(query);
  const params = [...condition.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const direction = page.ascending ? 'asc' : 'desc';
  const keyed = page.after
    ? ` and (r.specimen_date, r.id) ${page.ascending ? '>' : '<'} (${param(page.after[0])}::date, ${param(page.after[1])}::uuid)`
    : '';
  return q.query<ObservationRow>(
    `select ${observationColumns} from ${observationTables}
     where ${condition.sql}${keyed}
     order by r.specimen_date ${direction}, r.id ${direction}
     limit ${param(page.limit)}`,
    params,
  );
}

export async function countObservations(q: Queryable, query: ObservationQuery): Promise<number> {
  const condition = observationCondition(query);
  const [row] = await q.query<{ n: number }>(
    `select count(*)::int as n from lab_result r where ${condition.sql}`,
    condition.params,
  );
  return row?.n ?? 0;
}

/** Which patient each result is about, for the access check before reading it. */
export async function patientOfRecord(
  q: Queryable,
  table: 'lab_result' | 'agreement' | 'monitoring_course' | 'medication_order' | 'task' | 'result_alert',
  id: string,
): Promise<string | undefined> {
  const [row] = await q.query<{ patient_id: string }>(`select patient_id from ${table} where id = $1`, [id]);
  return row?.patient_id;
}

// ---------------------------------------------------------------------------------------------- CareTeam

export async function careTeamRows(q: Queryable, patientId: string): Promise<CareTeamMemberRow[]> {
  return q.query<CareTeamMemberRow>(
    `select c.id, jsonb_build_object('code', o.code, 'name', o.name) as organisation, c.role,
       u.display_name as "namedPerson", c.start_date as "startDate", c.end_date as "endDate"
     from care_team_member c join organisation o on o.id = c.organisation_id
     left join app_user u on u.id = c.user_id
     where c.patient_id = $1
     order by o.kind <> 'specialist_centre', c.start_date, o.code, c.role`,
    [patientId],
  );
}

// ---------------------------------------------------------------------------------------------- CarePlan

const agreementSelect = `select a.id, a.patient_id as "patientId", a.state, pv.title as "protocolTitle",
    pv.protocol_id as "protocolId", pv.version as "protocolVersion",
    jsonb_build_object('code', sc.code, 'name', sc.name) as specialist,
    jsonb_build_object('code', gp.code, 'name', gp.name) as "gpPractice",
    a.requested_on as "requestedOn", a.response_due_on as "responseDueOn", a.transfer_date as "transferDate",
    a.created_at as "createdAt"
  from agreement a join protocol_version pv on pv.id = a.protocol_version_id
  join organisation sc on sc.id = a.specialist_organisation_id
  join organisation gp on gp.id = a.gp_practice_id`;

export async function agreementRows(
  q: Queryable,
  where: { patientId?: string; id?: string },
): Promise<AgreementRow[]> {
  return q.query<AgreementRow>(
    `${agreementSelect} where ${where.id ? 'a.id = $1' : 'a.patient_id = $1'} order by a.created_at desc, a.id`,
    [where.id ?? where.patientId],
  );
}

const monitoringSelect = `select c.id, c.patient_id as "patientId", c.medicine, c.agreement_id as "agreementId",
    ${org('so')} as specialist, ${org('ro')} as responsible, c.place, c.started_on as "startedOn",
    c.stopped_on as "stoppedOn", c.next_due_on as "nextDueOn", c.next_due_panels as "nextDuePanels",
    c.last_tested_on as "lastTestedOn", c.status, c.updated_at as "updatedAt"
  from monitoring_course c left join organisation so on so.id = c.specialist_organisation_id
  left join organisation ro on ro.id = c.responsible_organisation_id`;

export async function monitoringRows(
  q: Queryable,
  where: { patientId?: string; id?: string },
): Promise<MonitoringRow[]> {
  return q.query<MonitoringRow>(
    `${monitoringSelect} where ${where.id ? 'c.id = $1' : 'c.patient_id = $1'}
     order by c.next_due_on nulls last, c.medicine`,
    [where.id ?? where.patientId],
  );
}

// -------------------------------------------------------------------------------------------------- Task

const taskSelect = `select t.id, t.patient_id as "patientId", jsonb_build_object('code', o.code, 'name', o.name) as organisation,
    t.organisation_id as "organisationId", t.kind, t.title, t.subject_id as "subjectId", t.due_on as "dueOn",
    t.status, t.created_at as "createdAt", t.completed_at as "completedAt", t.outcome
  from task t join organisation o on o.id = t.organisation_id`;

export type StoredTask = TaskRow & { organisationId: string };

export async function findTaskRow(q: Queryable, id: string): Promise<StoredTask | undefined> {
  const [row] = await q.query<StoredTask>(`${taskSelect} where t.id = $1`, [id]);
  return row;
}

/**
 * A page of the tasks owned by the given organisations, for the patients the viewer may see (`visible`, a
 * condition on `patient p`, numbered from $1), due first.
 */
export async function taskPage(
  q: Queryable,
  visible: Condition,
  filter: { organisationIds: string[]; patientId?: string; statuses?: string[] },
  page: { limit: number; offset: number },
): Promise<StoredTask[]> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions = [`t.organisation_id = any(${param(filter.organisationIds)}::uuid[])`, visible.sql];
  if (filter.patientId) conditions.push(`t.patient_id = ${param(filter.patientId)}::uuid`);
  if (filter.statuses) conditions.push(`t.status = any(${param(filter.statuses)}::text[])`);
  return q.query<StoredTask>(
    `${taskSelect} join patient p on p.id = t.patient_id
     where ${conditions.join(' and ')}
     order by t.status <> 'open', t.due_on nulls last, t.created_at, t.id
     limit ${param(page.limit)} offset ${param(page.offset)}`,
    params,
  );
}

/** Closes an open task; false when it was not open any more (someone closed it first). */
export async function closeTask(
  tx: Queryable,
  id: string,
  close: { status: 'done' | 'cancelled'; by: string; at: Date; outcome: string },
): Promise<boolean> {
  const rows = await tx.query(
    `update task set status = $2, completed_at = $3, completed_by = $4, outcome = $5
     where id = $1 and status = 'open' returning id`,
    [id, close.status, close.at, close.by, close.outcome],
  );
  return rows.length === 1;
}

// -------------------------------------------------------------------------------------------------- Flag

export type StoredAlert = Omit<AlertRow, 'title'> & {
  analyte: Analyte;
  value: number;
  unit: string;
  specimenDate: PlainDate;
  findings: import('../../results/thresholds.rules.ts').Finding[];
};

const alertSelect = `select a.id, a.patient_id as "patientId", a.result_id as "resultId", a.outcome,
    ${org('so')} as specialist, a.created_at as "createdAt", a.acknowledged_at as "acknowledgedAt",
    r.analyte, r.value::float8 as value, r.unit, r.specimen_date as "specimenDate", r.findings
  from result_alert a join lab_result r on r.id = a.result_id
  left join organisation so on so.id = a.specialist_organisation_id`;

export async function alertRows(
  q: Queryable,
  where: { patientId: string; activeOnly: true } | { id: string },
): Promise<StoredAlert[]> {
  if ('id' in where) return q.query<StoredAlert>(`${alertSelect} where a.id = $1`, [where.id]);
  return q.query<StoredAlert>(
    `${alertSelect} where a.patient_id = $1 and a.acknowledged_at is null
     order by a.outcome = 'amber', a.created_at, a.id`,
    [where.patientId],
  );
}

// -------------------------------------------------------------------------------------------- AuditEvent

/**
 * A page of the audit trail, newest first, keyed on `seq` so that any page of millions of entries costs the
 * same; optionally one patient's entries and a range of UK days.
 */
export async function auditPage(
  q: Queryable,
  filter: { patientId?: string; from?: PlainDate; to?: PlainDate },
  page: { before: number | undefined; limit: number },
): Promise<AuditRow[]> {
  const condition = auditFilterCondition(filter, 3);
  return q.query<AuditRow>(
    `select a.seq, a.occurred_at as "occurredAt", a.user_id as "userId", a.user_email as "userEmail", a.role,
       ${org('o')} as organisation, a.patient_id as "patientId", a.action, a.outcome, a.relationship,
       a.break_glass_reason as "breakGlassReason", a.details
     from audit_event a left join organisation o on o.id = a.organisation_id
     where a.seq < $1 and ${condition.sql}
     order by a.seq desc limit $2`,
    [page.before ?? Number.MAX_SAFE_INTEGER, page.limit, ...condition.params],
  );
}

export async function findAuditRow(q: Queryable, seq: number): Promise<AuditRow | undefined> {
  const rows = await auditPage(q, {}, { before: seq + 1, limit: 1 });
  return rows[0]?.seq === seq ? rows[0] : undefined;
}
