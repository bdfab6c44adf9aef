import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { AgreementFacts, AgreementParty, AgreementState } from './agreement.rules.ts';

/** One shared care agreement: for one child's medicine, between a specialist centre and a GP practice. */
export interface AgreementRecord {
  id: string;
  patientId: string;
  protocolVersionId: string;
  protocolId: string;
  protocolVersion: string;
  gpPracticeId: string;
  gpPracticeCode: string;
  gpPracticeName: string;
  specialistOrganisationId: string;
  specialistOrganisationCode: string;
  specialistOrganisationName: string;
  state: AgreementState;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  reminderSentOn: PlainDate | null;
  transferDate: PlainDate | null;
  consented: boolean;
  createdAt: Date;
}

const agreementColumns = `a.id, a.patient_id as "patientId", a.protocol_version_id as "protocolVersionId",
  pv.protocol_id as "protocolId", pv.version as "protocolVersion",
  a.gp_practice_id as "gpPracticeId", gp.code as "gpPracticeCode", gp.name as "gpPracticeName",
  a.specialist_organisation_id as "specialistOrganisationId", sc.code as "specialistOrganisationCode",
  sc.name as "specialistOrganisationName", a.state, a.requested_on as "requestedOn",
  a.response_due_on as "responseDueOn", a.reminder_sent_on as "reminderSentOn",
  a.transfer_date as "transferDate", a.consented, a.created_at as "createdAt"`;

const agreementJoins = `from agreement a
  join protocol_version pv on pv.id = a.protocol_version_id
  join organisation gp on gp.id = a.gp_practice_id
  join organisation sc on sc.id = a.specialist_organisation_id`;

export async function findAgreement(q: Queryable, id: string): Promise<AgreementRecord | undefined> {
  const [row] = await q.query<AgreementRecord>(
    `select ${agreementColumns} ${agreementJoins} where a.id = $1`,
    [id],
  );
  return row;
}

/** Every agreement made for the child, newest first. */
export async function agreementsForPatient(q: Queryable, patientId: string): Promise<AgreementRecord[]> {
  return q.query<AgreementRecord>(
    `select ${agreementColumns} ${agreementJoins} where a.patient_id = $1 order by a.created_at desc, a.id`,
    [patientId],
  );
}

/** The GP practice in the child's current care team (the one that has been in it longest, if ever two). */
export async function currentGpPractice(
  q: Queryable,
  patientId: string,
  today: PlainDate,
): Promise<{ id: string; code: string; name: string } | undefined> {
  const [row] = await q.query<{ id: string; code: string; name: string }>(
    `select o.id, o.code, o.name from care_team_member c join organisation o on o.id = c.organisation_id
     where c.patient_id = $1 and o.kind = 'gp_practice'
       and c.start_date <= $2::date and (c.end_date is null or c.end_date >= $2::date)
     order by c.start_date, o.code limit 1`,
    [patientId, today],
  );
  return row;
}

/** Holds other starts for the same order back until this transaction ends, so an order gets one open agreement. */
export async function lockOrderForAgreement(tx: Queryable, orderId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('agreement for order ' || $1::text))", [orderId]);
}

export async function insertAgreement(
  tx: Queryable,
  agreement: {
    patientId: string;
    protocolVersionId: string;
    specialistOrganisationId: string;
    gpPracticeId: string;
    createdBy: string;
  },
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into agreement (patient_id, protocol_version_id, specialist_organisation_id, gp_practice_id, state, created_by)
     values ($1, $2, $3, $4, 'draft', $5) returning id`,
    [
      agreement.patientId,
      agreement.protocolVersionId,
      agreement.specialistOrganisationId,
      agreement.gpPracticeId,
      agreement.createdBy,
    ],
  );
  return row!.id;
}

/**
 * Writes a step's outcome, only if the agreement is still in the state the step was taken from;
 * false when someone else changed it first. A new request restarts the reminder.
 */
export async function saveStep(
  tx: Queryable,
  agreementId: string,
  fromState: AgreementState,
  facts: AgreementFacts,
  restartReminder: boolean,
): Promise<boolean> {
  const rows = await tx.query(
    `update agreement set state = $3, requested_on = $4, response_due_on = $5, transfer_date = $6, consented = $7,
       reminder_sent_on = case when $8 then null else reminder_sent_on end, updated_at = now()
     where id = $1 and state = $2 returning id`,
    [
      agreementId,
      fromState,
      facts.state,
      facts.requestedOn,
      facts.responseDueOn,
      facts.transferDate,
      facts.consented,
      restartReminder,
    ],
  );
  return rows.length === 1;
}

export interface NewAgreementEvent {
  agreementId: string;
  kind: string;
  onDate: PlainDate;
  byUser: string | null;
  party: AgreementParty;
  reason: string | null;
  details: Record<string, unknown>;
}

export async function insertAgreementEvent(tx: Queryable, event: NewAgreementEvent): Promise<void> {
  await tx.query(
    `insert into agreement_event (agreement_id, kind, on_date, by_user, party, reason, details)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.agreementId,
      event.kind,
      event.onDate,
      event.byUser,
      event.party,
      event.reason,
      JSON.stringify(event.details),
    ],
  );
}

/** The same event for many agreements at once (the response clock's steps). */
export async function insertSystemEvents(
  tx: Queryable,
  agreementIds: readonly string[],
  kind: string,
  onDate: PlainDate,
): Promise<void> {
  if (agreementIds.length === 0) return;
  await tx.query(
    `insert into agreement_event (agreement_id, kind, on_date, party)
     select id, $2, $3::date, 'system' from unnest($1::uuid[]) as id`,
    [agreementIds, kind, onDate],
  );
}

/** One entry on an agreement's timeline. */
export interface TimelineEntry {
  kind: string;
  onDate: PlainDate;
  occurredAt: Date;
  party: AgreementParty;
  byName: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

export async function agreementTimeline(q: Queryable, agreementId: string): Promise<TimelineEntry[]> {
  return q.query<TimelineEntry>(
    `select e.kind, e.on_date as "onDate", e.occurred_at as "occurredAt", e.party, u.display_name as "byName",
       e.reason, e.details
     from agreement_event e left join app_user u on u.id = e.by_user
     where e.agreement_id = $1 order by e.on_date, e.occurred_at`,
    [agreementId],
  );
}
