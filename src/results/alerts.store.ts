import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { Analyte } from '../protocols/protocol.schema.ts';
import type { Finding } from './thresholds.rules.ts';

export const alertDecisions = ['continue', 'withhold', 'reduce', 'repeat-test'] as const;
export type AlertDecision = (typeof alertDecisions)[number];

export interface NewAlert {
  resultId: string;
  patientId: string;
  outcome: 'red' | 'amber';
  specialistOrganisationId: string | null;
  responsibleOrganisationId: string | null;
  respondBy: Date;
}

export async function insertAlerts(
  tx: Queryable,
  alerts: readonly NewAlert[],
): Promise<{ id: string; resultId: string }[]> {
  if (alerts.length === 0) return [];
  return tx.query(
    `insert into result_alert (result_id, patient_id, outcome, specialist_organisation_id,
       responsible_organisation_id, respond_by)
     select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::timestamptz[])
     returning id, result_id as "resultId"`,
    [
      alerts.map((a) => a.resultId),
      alerts.map((a) => a.patientId),
      alerts.map((a) => a.outcome),
      alerts.map((a) => a.specialistOrganisationId),
      alerts.map((a) => a.responsibleOrganisationId),
      alerts.map((a) => a.respondBy),
    ],
  );
}

/** A red or amber result and what has been decided about it. */
export interface AlertView {
  id: string;
  patientId: string;
  resultId: string;
  outcome: 'red' | 'amber';
  analyte: Analyte;
  value: number;
  unit: string;
  specimenDate: PlainDate;
  findings: Finding[];
  specialistOrganisationId: string | null;
  responsibleOrganisationId: string | null;
  respondBy: Date;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedByName: string | null;
  decision: AlertDecision | null;
  decisionNote: string | null;
  escalatedAt: Date | null;
}

const alertColumns = `a.id, a.patient_id as "patientId", a.result_id as "resultId", a.outcome, r.analyte,
  r.value::float8 as value, r.unit, r.specimen_date as "specimenDate", r.findings,
  a.specialist_organisation_id as "specialistOrganisationId",
  a.responsible_organisation_id as "responsibleOrganisationId", a.respond_by as "respondBy",
  a.created_at as "createdAt", a.acknowledged_at as "acknowledgedAt", u.display_name as "acknowledgedByName",
  a.decision, a.decision_note as "decisionNote", a.escalated_at as "escalatedAt"`;
const alertTables = `result_alert a join lab_result r on r.id = a.result_id left join app_user u on u.id = a.acknowledged_by`;

export async function findAlert(q: Queryable, id: string): Promise<AlertView | undefined> {
  const [row] = await q.query<AlertView>(`select ${alertColumns} from ${alertTables} where a.id = $1`, [id]);
  return row;
}

export async function alertsForPatient(q: Queryable, patientId: string): Promise<AlertView[]> {
  return q.query<AlertView>(
    `select ${alertColumns} from ${alertTables} where a.patient_id = $1
     order by a.acknowledged_at is not null, a.created_at desc`,
    [patientId],
  );
}

/** Records the decision unless someone already has; returns whether this decision was the one recorded. */
export async function acknowledgeAlert(
  tx: Queryable,
  id: string,
  by: { userId: string; decision: AlertDecision; note: string | null; at: Date },
): Promise<boolean> {
  const rows = await tx.query(
    `update result_alert set acknowledged_at = $2, acknowledged_by = $3, decision = $4, decision_note = $5
     where id = $1 and acknowledged_at is null returning id`,
    [id, by.at, by.userId, by.decision, by.note],
  );
  return rows.length === 1;
}

/** Red results nobody has decided about by their time: marked escalated, returned so each gets its task. */
export async function escalateOverdueAlerts(
  tx: Queryable,
  now: Date,
): Promise<
  {
    id: string;
    patientId: string;
    specialistOrganisationId: string | null;
    responsibleOrganisationId: string | null;
  }[]
> {
  return tx.query(
    `update result_alert set escalated_at = $1
     where acknowledged_at is null and escalated_at is null and outcome = 'red' and respond_by <= $1
       and coalesce(specialist_organisation_id, responsible_organisation_id) is not null
     returning id, patient_id as "patientId", specialist_organisation_id as "specialistOrganisationId",
       responsible_organisation_id as "responsibleOrganisationId"`,
    [now],
  );
}
