import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';

/**
 * Every course's status on `today`, in one statement over all children. Only rows whose status changes are
 * written, so a daily sweep touches the few courses that moved.
 */
export async function updateStatuses(tx: Queryable, today: PlainDate): Promise<number> {
  const rows = await tx.query(
    `with computed as (
       select id,
         case
           when next_due_on is null then 'not-monitored'
           when $1::date < next_due_on - reminder_days_before then 'up-to-date'
           when $1::date < next_due_on then 'due-soon'
           when $1::date - next_due_on <= practice_task_days_after then 'due'
           when $1::date - next_due_on < withhold_advice_days_after then 'overdue'
           else 'seriously-overdue'
         end as status
       from monitoring_course
     )
     update monitoring_course c set status = computed.status, status_on = $1
     from computed
     where computed.id = c.id and computed.status <> c.status
     returning c.id`,
    [today],
  );
  return rows.length;
}

export type LadderStep = 'family-reminder' | 'practice-task' | 'team-alert' | 'withhold-advice';

/** Each ladder step: its rung, and the day it is taken as the expression its partial index is built on. */
const rungs: Record<LadderStep, { rung: number; reachedOn: string }> = {
  'family-reminder': { rung: 1, reachedOn: '(next_due_on - reminder_days_before)' },
  'practice-task': { rung: 2, reachedOn: '(next_due_on + practice_task_days_after)' },
  'team-alert': { rung: 3, reachedOn: '(next_due_on + team_alert_days_after)' },
  'withhold-advice': { rung: 4, reachedOn: '(next_due_on + withhold_advice_days_after)' },
};

export interface StepTaken {
  courseId: string;
  dueOn: PlainDate;
  patientId: string;
  medicine: string;
  panels: string[];
  responsibleOrganisationId: string | null;
  specialistOrganisationId: string | null;
  place: string;
}

/**
 * Takes one ladder step for every course that has reached it and not yet climbed to it for this due date, in
 * one statement that reads only those courses (a partial index per step); records it in the ladder's history
 * and returns the courses that took it now, so each is acted on once. A family reminder is only sent before the
 * due date: a course first seen when already due skips it.
 */
export async function takeStep(tx: Queryable, step: LadderStep, today: PlainDate): Promise<StepTaken[]> {
  const { rung, reachedOn } = rungs[step];
  return tx.query<StepTaken>(
    `with climbed as (
       update monitoring_course set ladder_step = ${rung}
       where ladder_step < ${rung} and next_due_on is not null and ${reachedOn} <= $1::date
         ${step === 'family-reminder' ? 'and next_due_on >= $1::date' : ''}
       returning id, next_due_on, patient_id, medicine, next_due_panels, responsible_organisation_id,
         specialist_organisation_id, place
     ), recorded as (
       insert into monitoring_step (course_id, due_on, step)
       select id, next_due_on, $2 from climbed
       on conflict do nothing
     )
     select id as "courseId", next_due_on as "dueOn", patient_id as "patientId", medicine,
       next_due_panels as panels, responsible_organisation_id as "responsibleOrganisationId",
       specialist_organisation_id as "specialistOrganisationId", place
     from climbed`,
    [today, step],
  );
}

/**
 * Queues the family's reminder e-mail for each course that reached its reminder day: to every parent or carer
 * with access to the child's record, and to the young person's own account. A link only.
 */
export async function queueFamilyReminders(
  tx: Queryable,
  courseIds: readonly string[],
  dueOns: readonly PlainDate[],
): Promise<number> {
  if (courseIds.length === 0) return 0;
  const rows = await tx.query(
    `insert into email_outbox (to_address, subject, body, kind, about_id)
     select u.email, 'Jointly: a blood test is due soon',
       'A blood test is due soon for a child you care for. Sign in to Jointly to see when and where: {{link:/family}}',
       'blood-test-reminder', md5(t.course_id::text || t.due_on::text)::uuid
     from unnest($1::uuid[], $2::date[]) as t(course_id, due_on)
     join monitoring_course c on c.id = t.course_id
     join patient p on p.id = c.patient_id
     cross join lateral (
       select p.user_id where p.user_id is not null
       union
       select pc.user_id from patient_carer pc where pc.patient_id = p.id and pc.has_proxy_access
     ) family
     join app_user u on u.id = family.user_id and u.is_active
     on conflict do nothing
     returning id`,
    [courseIds, dueOns],
  );
  return rows.length;
}

/** Tells the specialist team's consultants, by e-mail, that a red result has waited too long for a decision. */
export async function queueEscalationEmails(tx: Queryable, alertIds: readonly string[]): Promise<number> {
  if (alertIds.length === 0) return 0;
  const rows = await tx.query(
    `insert into email_outbox (to_address, subject, body, kind, about_id)
     select distinct u.email, 'Jointly: a red result is waiting for a decision',
       'A red blood test result has not been acknowledged in time. Sign in to Jointly to decide: {{link:/tasks}}',
       'result-red-escalated', a.id
     from result_alert a
     join membership m on m.organisation_id = a.specialist_organisation_id and m.role = 'consultant'
     join app_user u on u.id = m.user_id and u.is_active
     where a.id = any($1::uuid[])
     on conflict do nothing
     returning id`,
    [alertIds],
  );
  return rows.length;
}

/**
 * Moves each course's blood tests to whoever arranges them now that its agreement has changed, for agreements
 * the response clock has just activated (many children at once). The SQL twin of `whoArrangesBloodTests` in
 * responsibility.rules.ts: change both together.
 */
export async function followAgreements(
  tx: Queryable,
  today: PlainDate,
  agreementIds: readonly string[],
): Promise<number> {
  if (agreementIds.length === 0) return 0;
  const rows = await tx.query(
    `with now_arranging as (
       select c.id,
         case when a.state = 'active' and (a.transfer_date is null or a.transfer_date <= $1::date)
                   and a.blood_tests_at <> 'hospital'
              then a.gp_practice_id else a.specialist_organisation_id end as organisation_id,
         case when a.state = 'active' and (a.transfer_date is null or a.transfer_date <= $1::date)
              then a.blood_tests_at else 'hospital' end as place
       from monitoring_course c join agreement a on a.id = c.agreement_id
       where a.id = any($2::uuid[])
     )
     update monitoring_course c set responsible_organisation_id = n.organisation_id, place = n.place,
       updated_at = now()
     from now_arranging n
     where n.id = c.id and (c.responsible_organisation_id is distinct from n.organisation_id or c.place <> n.place)
     returning c.id`,
    [today, agreementIds],
  );
  return rows.length;
}
