import { decideAccess, type PatientAction } from '../access/access.rules.ts';
import { type Asker, checkPatientAccess } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import type { Database } from '../db/database.ts';
import { addDays, isPlainDate, type PlainDate } from '../kernel/dates.ts';
import type { FieldProblem } from '../kernel/errors.ts';
import { findPatient, type PatientRecord } from '../patients/patients.store.ts';
import {
  findProtocolVersion,
  type ProtocolVersionRecord,
  usableProtocolVersions,
} from '../protocols/protocols.store.ts';
import type { DoseCalculation } from './dose.rules.ts';
import { workOutDose } from './dose-calculation.ts';
import { closedReason, patientsOrder } from './dose-changes.ts';
import { currentOrdersForPatient, type OrderRecord, ordersForPatient } from './orders.store.ts';
import { prescriptionsForOrder } from './prescriptions.store.ts';
import { mayPrescribe, type Prescriber, prescriberOf, prescribersFor } from './prescriptions.ts';

const medicineActions = ['manage-medicines', 'override-dose', 'record-prescription'] as const;
export type MedicineActions = Record<(typeof medicineActions)[number], boolean>;

/** What the pages offer this person, decided by the same rule that guards each action. */
async function allowedMedicineActions(
  db: Database,
  asker: Asker,
  patientId: string,
): Promise<MedicineActions> {
  const relationships = await loadRelationships(db, patientId, asker.viewer.id, asker.now);
  const may = (action: PatientAction) =>
    relationships ? decideAccess(asker.viewer, relationships, action, asker).allowed : false;
  return Object.fromEntries(medicineActions.map((a) => [a, may(a)])) as MedicineActions;
}

async function patientOf(db: Database, patientId: string): Promise<PatientRecord> {
  return (await findPatient(db, patientId))!;
}

/** An order as the JSON API gives it, with who prescribes it now. */
export function orderAsJson(order: OrderRecord, prescriber: Prescriber, today: PlainDate) {
  const { createdAt, ...rest } = order;
  return {
    ...rest,
    status: orderStatus(order, today),
    prescriber,
    createdAt: createdAt.toISOString(),
  };
}

export function orderStatus(order: OrderRecord, today: PlainDate): 'current' | 'starts-later' | 'stopped' {
  if (order.stopDate && order.stopDate < today) return 'stopped';
  return order.startDate > today ? 'starts-later' : 'current';
}

/** The medicines page: current orders (with those due to start) and past ones, for anyone who may read. */
export async function loadMedicines(db: Database, asker: Asker, patientId: string) {
  const access = await checkPatientAccess(db, asker, patientId, 'read', 'view medicines');
  const all = await ordersForPatient(db, patientId);
  const prescribers = await prescribersFor(db, patientId, all);
  const listed = all.map((o) => ({
    order: o,
    status: orderStatus(o, asker.today),
    prescriber: prescribers.get(o.id)!,
  }));
  return {
    access,
    patient: await patientOf(db, patientId),
    current: listed.filter((o) => o.status !== 'stopped').reverse(),
    past: listed.filter((o) => o.status === 'stopped'),
    may: await allowedMedicineActions(db, asker, patientId),
  };
}

/** One order's page: the order, how its dose was worked out, who prescribes, and the prescriptions issued. */
export async function loadOrder(db: Database, asker: Asker, patientId: string, orderId: string) {
  const access = await checkPatientAccess(db, asker, patientId, 'read', 'view medicine order', { orderId });
  const order = await patientsOrder(db, patientId, orderId);
  const may = await allowedMedicineActions(db, asker, patientId);
  const prescribing = may['record-prescription'] ? await mayPrescribe(db, asker, order) : undefined;
  return {
    access,
    patient: await patientOf(db, patientId),
    order,
    status: orderStatus(order, asker.today),
    version: (await findProtocolVersion(db, order.protocolVersionId))!,
    prescriber: await prescriberOf(db, order),
    prescriptions: await prescriptionsForOrder(db, order.id),
    may,
    mayRecordPrescription: Boolean(prescribing?.membership),
  };
}

/** A protocol and start date as chosen on the form, with what is wrong with them (if anything). */
export interface DoseQuestion {
  protocolId?: string | undefined;
  startDate?: string | undefined;
}

export interface DoseAnswer {
  version: ProtocolVersionRecord | undefined;
  startDate: PlainDate | undefined;
  calculation: { ok: true; dose: DoseCalculation } | { ok: false; message: string } | undefined;
  fields: FieldProblem[];
}

/** Works out the dose for the protocol and date asked about, or says what is missing to do so. */
async function answer(
  db: Database,
  patientId: string,
  version: ProtocolVersionRecord | undefined,
  startDate: string | undefined,
  fields: FieldProblem[],
): Promise<DoseAnswer> {
  const date = startDate && isPlainDate(startDate) ? startDate : undefined;
  if (startDate !== undefined && !date)
    fields.push({ field: 'startDate', message: 'Start date must be a real date' });
  if (!version || !date) return { version, startDate: date, calculation: undefined, fields };
  const worked = await workOutDose(db, patientId, version, date);
  return {
    version,
    startDate: date,
    calculation: worked.ok ? worked : { ok: false, message: worked.problem.message },
    fields,
  };
}

/** The start page: the protocols that may be used, and the calculation once a protocol and date are chosen. */
export async function loadStartPage(db: Database, asker: Asker, patientId: string, asked: DoseQuestion) {
  const access = await checkPatientAccess(db, asker, patientId, 'manage-medicines', 'view start medicine');
  const protocols = await usableProtocolVersions(db);
  const fields: FieldProblem[] = [];
  const version = protocols.find((p) => p.protocolId === asked.protocolId);
  if (asked.protocolId !== undefined && !version) {
    fields.push({ field: 'protocolId', message: 'Choose the protocol the medicine is given under' });
  }
  return {
    access,
    patient: await patientOf(db, patientId),
    protocols,
    may: await allowedMedicineActions(db, asker, patientId),
    ...(await answer(db, patientId, version, asked.startDate, fields)),
  };
}

/** The change-dose page: the current order, and the calculation for the date the new dose would start. */
export async function loadChangePage(
  db: Database,
  asker: Asker,
  patientId: string,
  orderId: string,
  startDate: string | undefined,
) {
  const access = await checkPatientAccess(db, asker, patientId, 'manage-medicines', 'view change dose', {
    orderId,
  });
  const order = await patientsOrder(db, patientId, orderId);
  const version = (await findProtocolVersion(db, order.protocolVersionId))!;
  // A new dose starts after the current one did, and not in the past unless the prescriber says so.
  const earliest = addDays(order.startDate, 1);
  return {
    access,
    patient: await patientOf(db, patientId),
    order,
    closed: closedReason(order),
    may: await allowedMedicineActions(db, asker, patientId),
    ...(await answer(db, patientId, version, startDate ?? [earliest, asker.today].sort().at(-1), [])),
  };
}

/**
 * The current medicines as the patient summary lists them. The summary has already checked and audited the
 * viewer's access to the record, so this reads without a check of its own.
 */
export async function medicinesForSummary(db: Database, patientId: string, today: PlainDate) {
  const orders = await currentOrdersForPatient(db, patientId, today);
  const prescribers = await prescribersFor(db, patientId, orders);
  return orders.map((order) => ({
    order,
    status: orderStatus(order, today),
    prescriber: prescribers.get(order.id)!,
  }));
}
