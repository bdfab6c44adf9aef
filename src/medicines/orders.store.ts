import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { DoseCalculation, Weekday } from './dose.rules.ts';
import { describeOrder, type Frequency } from './order.rules.ts';

/** One medication order: what is given, how, from when to when, under which protocol version. */
export interface MedicationOrderRecord {
  id: string;
  patientId: string;
  agreementId: string | null;
  protocolVersionId: string;
  medicine: string;
  form: string;
  route: string;
  strengthMg: number;
  doseMg: number;
  frequency: Frequency;
  dayOfWeek: string | null;
  /** The day folic acid is taken with a weekly medicine, never the medicine's own day. */
  folicAcidDay: string | null;
  timesPerDay: number | null;
  everyNDays: number | null;
  startDate: PlainDate;
  stopDate: PlainDate | null;
  /** The order in words, e.g. "6 × 2.5 mg tablets (15 mg) once weekly on Monday". */
  description: string;
}

/** What the dose was worked out from, kept with the order exactly as the prescriber saw it. */
export interface OrderCalculation {
  protocol: { id: string; version: string; title: string };
  dose: DoseCalculation;
  roundToMg: number;
  /** Why the dose needed an override, when it did. */
  outsideProtocol: string | null;
}

/** An order with how it came about: the calculation, any override, and the orders before and after it. */
export interface OrderRecord extends MedicationOrderRecord {
  calculation: OrderCalculation;
  override: { reason: string; byName: string } | null;
  replacesOrderId: string | null;
  replacedByOrderId: string | null;
  createdByName: string;
  createdAt: Date;
}

export interface NewOrder {
  patientId: string;
  agreementId: string | null;
  protocolVersionId: string;
  medicine: string;
  form: string;
  route: string;
  strengthMg: number;
  doseMg: number;
  frequency: Frequency;
  dayOfWeek: Weekday | null;
  folicAcidDay: Weekday | null;
  timesPerDay: number | null;
  everyNDays: number | null;
  startDate: PlainDate;
  calculation: OrderCalculation;
  override: { reason: string; byUserId: string } | null;
  replacesOrderId: string | null;
  createdBy: string;
}

interface Row extends Omit<OrderRecord, 'description' | 'override'> {
  overrideReason: string | null;
  overriddenByName: string | null;
}

const columns = `o.id, o.patient_id as "patientId", o.agreement_id as "agreementId",
  o.protocol_version_id as "protocolVersionId", o.medicine, o.form, o.route,
  o.strength_mg::float8 as "strengthMg", o.dose_mg::float8 as "doseMg", o.frequency,
  o.day_of_week as "dayOfWeek", o.folic_acid_day as "folicAcidDay", o.times_per_day as "timesPerDay", o.every_n_days as "everyNDays",
  o.start_date as "startDate", o.stop_date as "stopDate", o.calculation,
  o.override_reason as "overrideReason", ob.display_name as "overriddenByName",
  o.replaces_order_id as "replacesOrderId",
  (select n.id from medication_order n where n.replaces_order_id = o.id limit 1) as "replacedByOrderId",
  cb.display_name as "createdByName", o.created_at as "createdAt"`;

const tables = `medication_order o
  join app_user cb on cb.id = o.created_by
  left join app_user ob on ob.id = o.overridden_by`;

function toRecord(row: Row): OrderRecord {
  const { overrideReason, overriddenByName, ...order } = row;
  return {
    ...order,
    description: describeOrder({
      ...order,
      dayOfWeek: order.dayOfWeek as Weekday | null,
      per: order.calculation.dose.per,
    }),
    override: overrideReason ? { reason: overrideReason, byName: overriddenByName ?? 'unknown' } : null,
  };
}

export async function insertOrder(tx: Queryable, order: NewOrder): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into medication_order (patient_id, agreement_id, protocol_version_id, medicine, form, route,
       strength_mg, dose_mg, frequency, day_of_week, times_per_day, every_n_days, start_date, calculation,
       override_reason, overridden_by, replaces_order_id, created_by, folic_acid_day)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     returning id`,
    [
      order.patientId,
      order.agreementId,
      order.protocolVersionId,
      order.medicine,
      order.form,
      order.route,
      order.strengthMg,
      order.doseMg,
      order.frequency,
      order.dayOfWeek,
      order.timesPerDay,
      order.everyNDays,
      order.startDate,
      JSON.stringify(order.calculation),
      order.override?.reason ?? null,
      order.override?.byUserId ?? null,
      order.replacesOrderId,
      order.createdBy,
      order.folicAcidDay,
    ],
  );
  return row!.id;
}

export async function findOrder(q: Queryable, id: string): Promise<OrderRecord | undefined> {
  const [row] = await q.query<Row>(`select ${columns} from ${tables} where o.id = $1`, [id]);
  return row ? toRecord(row) : undefined;
}

/**
 * Locks an order for a change, so that two people changing or stopping it at once cannot both succeed;
 * returns it as it stands once locked.
 */
export async function lockOrder(tx: Queryable, id: string): Promise<OrderRecord | undefined> {
  await tx.query('select id from medication_order where id = $1 for update', [id]);
  return findOrder(tx, id);
}

/** Every order of the patient, the latest start first. */
export async function ordersForPatient(q: Queryable, patientId: string): Promise<OrderRecord[]> {
  const rows = await q.query<Row>(
    `select ${columns} from ${tables} where o.patient_id = $1 order by o.start_date desc, o.created_at desc`,
    [patientId],
  );
  return rows.map(toRecord);
}

/** The orders not stopped before `today`: those being given, and those due to start. */
export async function currentOrdersForPatient(
  q: Queryable,
  patientId: string,
  today: PlainDate,
): Promise<OrderRecord[]> {
  const rows = await q.query<Row>(
    `select ${columns} from ${tables}
     where o.patient_id = $1 and (o.stop_date is null or o.stop_date >= $2)
     order by o.start_date, o.created_at`,
    [patientId, today],
  );
  return rows.map(toRecord);
}

/**
 * Holds back anyone else starting the same medicine for the same child until this transaction ends, so that
 * two people cannot both start it (one would be a double dose).
 */
export async function lockMedicineFor(tx: Queryable, patientId: string, medicine: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('medicine ' || $1::text || ' ' || lower($2)))", [
    patientId,
    medicine,
  ]);
}

/** The child's orders for this medicine that are still to be given on or after `from`. */
export async function ordersRunningFrom(
  q: Queryable,
  patientId: string,
  medicine: string,
  from: PlainDate,
): Promise<OrderRecord[]> {
  const rows = await q.query<Row>(
    `select ${columns} from ${tables}
     where o.patient_id = $1 and lower(o.medicine) = lower($2) and (o.stop_date is null or o.stop_date >= $3)
     order by o.start_date`,
    [patientId, medicine, from],
  );
  return rows.map(toRecord);
}

export async function setStopDate(tx: Queryable, orderId: string, stopDate: PlainDate): Promise<void> {
  await tx.query('update medication_order set stop_date = $2 where id = $1', [orderId, stopDate]);
}

/**
 * Puts an order under a shared care agreement, with every later dose that replaced it (a dose changed
 * while the agreement was being made stays under it). Earlier doses keep what they were given under.
 */
export async function linkOrderToAgreement(
  tx: Queryable,
  orderId: string,
  agreementId: string,
): Promise<void> {
  await tx.query(
    `with recursive later(id) as (
       select id from medication_order where id = $1
       union
       select o.id from medication_order o join later l on o.replaces_order_id = l.id
     )
     update medication_order set agreement_id = $2
     where id in (select id from later) and (agreement_id is null or id = $1)`,
    [orderId, agreementId],
  );
}
