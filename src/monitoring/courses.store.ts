import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { Panel, Protocol } from '../protocols/protocol.schema.ts';
import type { AgreementForTests, BloodTestPlace } from './responsibility.rules.ts';
import type { MonitoringStatus } from './schedule.rules.ts';

/** One medication order with the protocol it was given under, for building a child's courses. */
export interface OrderForCourse {
  medicine: string;
  startDate: PlainDate;
  stopDate: PlainDate | null;
  doseMg: number;
  route: string;
  protocolVersionId: string;
  protocolId: string;
  protocolVersion: string;
  protocol: Protocol;
  agreement: (AgreementForTests & { id: string }) | null;
}

export async function ordersForCourses(q: Queryable, patientId: string): Promise<OrderForCourse[]> {
  const rows = await q.query<
    Omit<OrderForCourse, 'agreement' | 'protocol'> & {
      agreementId: string | null;
      state: string | null;
      transferDate: PlainDate | null;
      gpPracticeId: string | null;
      specialistOrganisationId: string | null;
      bloodTestsAt: BloodTestPlace | null;
    }
  >(
    `select lower(o.medicine) as medicine, o.start_date as "startDate", o.stop_date as "stopDate",
       o.dose_mg::float8 as "doseMg", o.route, o.protocol_version_id as "protocolVersionId",
       pv.protocol_id as "protocolId", pv.version as "protocolVersion",
       a.id as "agreementId", a.state, a.transfer_date as "transferDate", a.gp_practice_id as "gpPracticeId",
       a.specialist_organisation_id as "specialistOrganisationId", a.blood_tests_at as "bloodTestsAt"
     from medication_order o
     join protocol_version pv on pv.id = o.protocol_version_id
     left join agreement a on a.id = o.agreement_id
     where o.patient_id = $1
     order by o.start_date, o.created_at`,
    [patientId],
  );
  const protocols = await protocolVersions(
    q,
    rows.map((r) => r.protocolVersionId),
  );
  return rows.map(
    ({ agreementId, state, transferDate, gpPracticeId, specialistOrganisationId, bloodTestsAt, ...o }) => ({
      ...o,
      protocol: protocols.get(o.protocolVersionId)!,
      agreement:
        agreementId && state && gpPracticeId && specialistOrganisationId && bloodTestsAt
          ? { id: agreementId, state, transferDate, gpPracticeId, specialistOrganisationId, bloodTestsAt }
          : null,
    }),
  );
}

/**
 * Stored protocol versions never change (their content hash is checked), so each is read from the database
 * once per process and kept: results and schedules need them on every change to a child's record.
 */
const protocolCache = new Map<string, Protocol>();

async function protocolVersions(q: Queryable, ids: readonly string[]): Promise<Map<string, Protocol>> {
  const missing = [...new Set(ids)].filter((id) => !protocolCache.has(id));
  if (missing.length > 0) {
    const rows = await q.query<{ id: string; content: Protocol }>(
      'select id, content from protocol_version where id = any($1::uuid[])',
      [missing],
    );
    for (const r of rows) protocolCache.set(r.id, r.content);
  }
  return new Map(ids.map((id) => [id, protocolCache.get(id)!]));
}

/** The specialist centre in the child's current care team, when there is one. */
export async function specialistTeamOf(
  q: Queryable,
  patientId: string,
  today: PlainDate,
): Promise<string | null> {
  const [row] = await q.query<{ organisation_id: string }>(
    `select c.organisation_id from care_team_member c join organisation o on o.id = c.organisation_id
     where c.patient_id = $1 and o.kind = 'specialist_centre' and c.start_date <= $2
       and (c.end_date is null or c.end_date >= $2)
     order by c.start_date limit 1`,
    [patientId, today],
  );
  return row?.organisation_id ?? null;
}

export interface CourseRow {
  patientId: string;
  medicine: string;
  protocolVersionId: string;
  agreementId: string | null;
  specialistOrganisationId: string | null;
  responsibleOrganisationId: string | null;
  place: BloodTestPlace;
  startedOn: PlainDate;
  stoppedOn: PlainDate | null;
  nextDueOn: PlainDate | null;
  nextDuePanels: Panel[];
  lastTestedOn: PlainDate | null;
  ladder: {
    reminderDaysBefore: number;
    practiceTaskDaysAfter: number;
    teamAlertDaysAfter: number;
    withholdAdviceDaysAfter: number;
  };
  status: MonitoringStatus;
  statusOn: PlainDate;
  /** The next day an order starts or stops, when the schedule must be worked out again. */
  recomputeOn: PlainDate | null;
}

/** Writes a child's courses as the schedule rules worked them out, in one statement; returns their ids. */
export async function saveCourses(
  tx: Queryable,
  courses: readonly CourseRow[],
): Promise<{ id: string; medicine: string }[]> {
  if (courses.length === 0) return [];
  return tx.query(
    `insert into monitoring_course as c (patient_id, medicine, protocol_version_id, agreement_id,
       specialist_organisation_id, responsible_organisation_id, place, started_on, stopped_on, next_due_on,
       next_due_panels, last_tested_on, reminder_days_before, practice_task_days_after, team_alert_days_after,
       withhold_advice_days_after, status, status_on, recompute_on)
     select t.patient_id, t.medicine, t.protocol_version_id, t.agreement_id, t.specialist_organisation_id,
       t.responsible_organisation_id, t.place, t.started_on, t.stopped_on, t.next_due_on,
       string_to_array(t.next_due_panels, ','), t.last_tested_on, t.reminder, t.practice, t.team, t.withhold,
       t.status, t.status_on, t.recompute_on
     from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::date[],
       $9::date[], $10::date[], $11::text[], $12::date[], $13::int[], $14::int[], $15::int[], $16::int[],
       $17::text[], $18::date[], $19::date[])
       as t(patient_id, medicine, protocol_version_id, agreement_id, specialist_organisation_id,
         responsible_organisation_id, place, started_on, stopped_on, next_due_on, next_due_panels, last_tested_on,
         reminder, practice, team, withhold, status, status_on, recompute_on)
     on conflict (patient_id, medicine) do update set
       protocol_version_id = excluded.protocol_version_id, agreement_id = excluded.agreement_id,
       specialist_organisation_id = excluded.specialist_organisation_id,
       responsible_organisation_id = excluded.responsible_organisation_id, place = excluded.place,
       started_on = excluded.started_on, stopped_on = excluded.stopped_on, next_due_on = excluded.next_due_on,
       next_due_panels = excluded.next_due_panels, last_tested_on = excluded.last_tested_on,
       reminder_days_before = excluded.reminder_days_before,
       practice_task_days_after = excluded.practice_task_days_after,
       team_alert_days_after = excluded.team_alert_days_after,
       withhold_advice_days_after = excluded.withhold_advice_days_after,
       status = excluded.status, status_on = excluded.status_on, recompute_on = excluded.recompute_on,
       updated_at = now(),
       ladder_step = case when c.next_due_on is distinct from excluded.next_due_on then 0 else c.ladder_step end
     returning id, medicine`,
    [
      courses.map((c) => c.patientId),
      courses.map((c) => c.medicine),
      courses.map((c) => c.protocolVersionId),
      courses.map((c) => c.agreementId),
      courses.map((c) => c.specialistOrganisationId),
      courses.map((c) => c.responsibleOrganisationId),
      courses.map((c) => c.place),
      courses.map((c) => c.startedOn),
      courses.map((c) => c.stoppedOn),
      courses.map((c) => c.nextDueOn),
      courses.map((c) => c.nextDuePanels.join(',')),
      courses.map((c) => c.lastTestedOn),
      courses.map((c) => c.ladder.reminderDaysBefore),
      courses.map((c) => c.ladder.practiceTaskDaysAfter),
      courses.map((c) => c.ladder.teamAlertDaysAfter),
      courses.map((c) => c.ladder.withholdAdviceDaysAfter),
      courses.map((c) => c.status),
      courses.map((c) => c.statusOn),
      courses.map((c) => c.recomputeOn),
    ],
  );
}

/** Overdue-ladder tasks that lapse once the test is no longer due (it was taken, or the medicine stopped). */
export const ladderTaskKinds = ['blood-test-due', 'monitoring-overdue', 'consider-withholding'] as const;

export async function closeLadderTasks(
  tx: Queryable,
  courseIds: readonly string[],
  outcome: string,
): Promise<void> {
  if (courseIds.length === 0) return;
  await tx.query(
    `update task set status = 'done', completed_at = now(), outcome = $3
     where subject_id = any($1::uuid[]) and kind = any($2::text[]) and status = 'open'`,
    [courseIds, ladderTaskKinds, outcome],
  );
}

/** A child's courses, as shown on their page and in the family's view. */
export interface CourseView {
  id: string;
  medicine: string;
  protocolVersionId: string;
  responsibleOrganisationId: string | null;
  responsibleOrganisationName: string | null;
  specialistOrganisationId: string | null;
  place: BloodTestPlace;
  startedOn: PlainDate;
  stoppedOn: PlainDate | null;
  nextDueOn: PlainDate | null;
  nextDuePanels: Panel[];
  lastTestedOn: PlainDate | null;
  status: MonitoringStatus;
}

export async function coursesOfPatient(q: Queryable, patientId: string): Promise<CourseView[]> {
  return q.query<CourseView>(
    `select c.id, c.medicine, c.protocol_version_id as "protocolVersionId",
       c.responsible_organisation_id as "responsibleOrganisationId", o.name as "responsibleOrganisationName",
       c.specialist_organisation_id as "specialistOrganisationId", c.place, c.started_on as "startedOn",
       c.stopped_on as "stoppedOn", c.next_due_on as "nextDueOn", c.next_due_panels as "nextDuePanels",
       c.last_tested_on as "lastTestedOn", c.status
     from monitoring_course c left join organisation o on o.id = c.responsible_organisation_id
     where c.patient_id = $1 order by c.next_due_on nulls last, c.medicine`,
    [patientId],
  );
}

/** The children whose courses change today or earlier (a dose change, restart or stop dated ahead). */
export async function patientsToRecompute(q: Queryable, today: PlainDate): Promise<string[]> {
  const rows = await q.query<{ patient_id: string }>(
    'select distinct patient_id from monitoring_course where recompute_on <= $1',
    [today],
  );
  return rows.map((r) => r.patient_id);
}
