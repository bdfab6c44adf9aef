import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';

/** An agreement the response clock has just moved, as it was before the move, with what its task needs. */
export interface ClockedAgreement {
  id: string;
  patientId: string;
  gpPracticeId: string;
  gpPracticeCode: string;
  specialistOrganisationId: string;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  transferDate: PlainDate | null;
  consented: boolean;
  reminderDay: number | null;
  medicine: string;
}

/** Each returns the agreements it changed, from `agreement a` joined to its protocol version `pv`. */
const returning = `returning a.id, a.patient_id as "patientId", a.gp_practice_id as "gpPracticeId",
  (select o.code from organisation o where o.id = a.gp_practice_id) as "gpPracticeCode",
  a.specialist_organisation_id as "specialistOrganisationId", a.requested_on as "requestedOn",
  a.response_due_on as "responseDueOn", a.transfer_date as "transferDate", a.consented,
  (pv.content #>> '{gpResponse,reminderDay,value}')::int as "reminderDay",
  (select string_agg(m->>'name', ', ') from jsonb_array_elements(pv.content->'medicines') m) as medicine`;

/**
 * Requests whose reminder day (the protocol's, counted from the request) has come, that have had no
 * reminder and are not yet overdue: marks the reminder sent today.
 */
export async function markRemindersDue(tx: Queryable, today: PlainDate): Promise<ClockedAgreement[]> {
  return tx.query<ClockedAgreement>(
    `update agreement a set reminder_sent_on = $1::date, updated_at = now()
     from protocol_version pv
     where pv.id = a.protocol_version_id and a.state = 'requested' and a.reminder_sent_on is null
       and a.requested_on + (pv.content #>> '{gpResponse,reminderDay,value}')::int <= $1::date
       and $1::date <= a.response_due_on
     ${returning}`,
    [today],
  );
}

/** Requests past their response date with no answer: the same rule as the lifecycle's 'mark-no-response'. */
export async function markUnanswered(tx: Queryable, today: PlainDate): Promise<ClockedAgreement[]> {
  return tx.query<ClockedAgreement>(
    `update agreement a set state = 'no-response', updated_at = now()
     from protocol_version pv
     where pv.id = a.protocol_version_id and a.state = 'requested'
       and (a.response_due_on is null or a.response_due_on < $1::date)
     ${returning}`,
    [today],
  );
}

/** Consented agreements whose transfer date has come: the same rule as the lifecycle's 'activate'. */
export async function activateDue(tx: Queryable, today: PlainDate): Promise<ClockedAgreement[]> {
  return tx.query<ClockedAgreement>(
    `update agreement a set state = 'active', updated_at = now()
     from protocol_version pv
     where pv.id = a.protocol_version_id and a.state = 'consented'
       and (a.transfer_date is null or a.transfer_date <= $1::date)
     ${returning}`,
    [today],
  );
}
