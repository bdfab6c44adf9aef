import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { AgreementState } from './agreement.rules.ts';

/** One agreement on an organisation's worklist, with the child it is for and its latest step. */
export interface WorklistRow {
  agreementId: string;
  patientId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  state: AgreementState;
  medicine: string;
  protocolTitle: string;
  gpPracticeCode: string;
  gpPracticeName: string;
  specialistOrganisationName: string;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  transferDate: PlainDate | null;
  /** The date of the latest step, and its reason (a decline's, a suspension's…). */
  lastStepOn: PlainDate;
  lastReason: string | null;
}

/** A SQL condition on `patient p` with its parameters from $1 (the visibility rule). */
export interface PatientCondition {
  sql: string;
  params: unknown[];
}

/**
 * The agreements of the given organisations — as the specialist centre that asked, or as the practice
 * asked — for the children the viewer may see, in one query: the oldest response date first.
 */
export async function agreementsForWorklist(
  q: Queryable,
  visible: PatientCondition,
  organisationIds: readonly string[],
  side: 'specialist' | 'practice',
  states?: readonly AgreementState[],
): Promise<WorklistRow[]> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const column = side === 'specialist' ? 'a.specialist_organisation_id' : 'a.gp_practice_id';
  const stateFilter = states ? `and a.state = any(${param(states)}::text[])` : '';
  return q.query<WorklistRow>(
    `select a.id as "agreementId", p.id as "patientId", p.given_name as "givenName", p.family_name as "familyName",
       p.nhs_number as "nhsNumber", a.state,
       (select string_agg(m->>'name', ', ') from jsonb_array_elements(pv.content->'medicines') m) as medicine,
       pv.title as "protocolTitle", gp.code as "gpPracticeCode", gp.name as "gpPracticeName",
       sc.name as "specialistOrganisationName", a.requested_on as "requestedOn",
       a.response_due_on as "responseDueOn", a.transfer_date as "transferDate",
       coalesce(latest.on_date, a.created_at::date) as "lastStepOn", latest.reason as "lastReason"
     from agreement a
     join patient p on p.id = a.patient_id
     join protocol_version pv on pv.id = a.protocol_version_id
     join organisation gp on gp.id = a.gp_practice_id
     join organisation sc on sc.id = a.specialist_organisation_id
     left join lateral (select e.on_date, e.reason from agreement_event e where e.agreement_id = a.id
                        order by e.on_date desc, e.occurred_at desc limit 1) latest on true
     where ${visible.sql} and ${column} = any(${param(organisationIds)}::uuid[]) ${stateFilter}
     order by a.response_due_on nulls last, a.requested_on nulls last, lower(p.family_name), a.id`,
    params,
  );
}
