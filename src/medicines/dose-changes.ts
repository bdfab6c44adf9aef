import { type Asker, authorisePatientChange, isUuid } from '../access/patient-access.ts';
import type { AgreementState } from '../agreements/agreement.rules.ts';
import { findAgreement } from '../agreements/agreements.store.ts';
import type { Database, Queryable } from '../db/database.ts';
import { addDays, formatDate, type PlainDate } from '../kernel/dates.ts';
import { invalidField, JointlyError } from '../kernel/errors.ts';
import { refreshMonitoring } from '../monitoring/courses.ts';
import { parseOrRefuse } from '../patients/input.rules.ts';
import { findProtocolVersion } from '../protocols/protocols.store.ts';
import { openTask } from '../tasks/tasks.store.ts';
import { auditOrder, checkDose, refuseAll } from './medicines.ts';
import {
  chooseFolicAcidDay,
  choosePreparation,
  chooseSchedule,
  medicineTitle,
  passedOrRefuse,
} from './order.rules.ts';
import { changeDoseInput, stopMedicineInput } from './order-input.rules.ts';
import { findOrder, insertOrder, lockOrder, type OrderRecord, setStopDate } from './orders.store.ts';

/** Agreements under which the GP practice has taken on, or agreed to take on, the medicine: it must be told. */
const practiceInvolved: readonly AgreementState[] = ['accepted', 'consented', 'active'];

/** The patient's order, or a 404 (an order of another patient is as good as missing). */
export async function patientsOrder(q: Queryable, patientId: string, orderId: string): Promise<OrderRecord> {
  const order = isUuid(orderId) ? await findOrder(q, orderId) : undefined;
  if (!order || order.patientId !== patientId) {
    throw new JointlyError('NOT_FOUND', 'This patient has no medication order with that identifier.');
  }
  return order;
}

/** Why this order cannot be changed or stopped any more, if it cannot. */
export function closedReason(order: OrderRecord): string | undefined {
  if (order.replacedByOrderId) {
    return 'This dose has already been changed: change or stop the newer order instead.';
  }
  if (order.stopDate) return `This medicine stops on ${formatDate(order.stopDate)}: start it again instead.`;
  return undefined;
}

function refuseIfClosed(order: OrderRecord, field: string): void {
  const reason = closedReason(order);
  if (reason) throw invalidField(field, reason);
}

/** The GP practice must hear of a change when it prescribes, or has agreed to. */
async function practiceToTell(tx: Queryable, order: OrderRecord) {
  const agreement = order.agreementId ? await findAgreement(tx, order.agreementId) : undefined;
  return agreement && practiceInvolved.includes(agreement.state) ? agreement : undefined;
}

/**
 * Changes the dose from a date: a new order replaces the current one, which stops the day before, so the
 * history stays. The new dose passes the same checks as a new medicine, under the protocol version the
 * medicine was started under; a GP practice sharing its care gets a task saying what changed and from when.
 */
export async function changeDose(
  db: Database,
  asker: Asker,
  patientId: string,
  orderId: string,
  input: unknown,
): Promise<OrderRecord> {
  const change = await authorisePatientChange(db, asker, patientId, 'manage-medicines', 'change dose', {
    orderId,
  });
  const current = await patientsOrder(db, patientId, orderId);
  const asked = parseOrRefuse(changeDoseInput, input, 'The new dose needs correcting');
  refuseIfClosed(current, 'doseMg');
  if (asked.startDate <= current.startDate) {
    throw invalidField(
      'startDate',
      `The new dose must start after the current one, which started on ${formatDate(current.startDate)}.`,
    );
  }
  const version = (await findProtocolVersion(db, current.protocolVersionId))!;
  const preparation = choosePreparation(version.protocol, {
    ...current,
    strengthMg: asked.strengthMg ?? current.strengthMg,
  });
  const schedule = chooseSchedule(version.protocol, current.medicine, {
    frequency: current.frequency,
    dayOfWeek: asked.dayOfWeek ?? current.dayOfWeek ?? undefined,
    timesPerDay: asked.timesPerDay ?? current.timesPerDay ?? undefined,
    everyNDays: asked.everyNDays ?? current.everyNDays ?? undefined,
  });
  const folicAcidDay = chooseFolicAcidDay(
    version.protocol,
    schedule.ok ? schedule.value : { dayOfWeek: null },
    asked.folicAcidDay ?? current.folicAcidDay ?? undefined,
  );
  refuseAll([preparation, schedule, folicAcidDay]);
  const given = { preparation: passedOrRefuse(preparation), schedule: passedOrRefuse(schedule) };
  const unchanged =
    asked.doseMg === current.doseMg &&
    given.preparation.strengthMg === current.strengthMg &&
    given.schedule.dayOfWeek === current.dayOfWeek &&
    given.schedule.timesPerDay === current.timesPerDay &&
    given.schedule.everyNDays === current.everyNDays &&
    passedOrRefuse(folicAcidDay) === current.folicAcidDay;
  if (unchanged) throw invalidField('doseMg', 'This is the dose already prescribed: enter the new dose.');
  const checked = await checkDose(db, asker, patientId, version, given, asked);

  const newId = await db.transaction(async (tx) => {
    const locked = (await lockOrder(tx, current.id))!;
    refuseIfClosed(locked, 'doseMg');
    const id = await insertOrder(tx, {
      patientId,
      agreementId: locked.agreementId,
      protocolVersionId: locked.protocolVersionId,
      ...given.preparation,
      ...given.schedule,
      folicAcidDay: passedOrRefuse(folicAcidDay),
      doseMg: asked.doseMg,
      startDate: asked.startDate,
      calculation: checked.calculation,
      override: checked.override ? { reason: checked.override.reason, byUserId: asker.viewer.id } : null,
      replacesOrderId: locked.id,
      createdBy: asker.viewer.id,
    });
    await setStopDate(tx, locked.id, addDays(asked.startDate, -1));
    await refreshMonitoring(tx, patientId, asker.today);
    const practice = await practiceToTell(tx, locked);
    if (practice) {
      const changed = (await findOrder(tx, id))!;
      await openTask(tx, {
        organisationId: practice.gpPracticeId,
        patientId,
        kind: 'dose-changed',
        title: `${medicineTitle(changed.medicine)} dose changed to ${changed.description} from ${formatDate(asked.startDate)}`,
        subjectId: id,
        dueOn: asked.startDate,
      });
    }
    await auditOrder(tx, change, checked, {
      orderId: id,
      replacesOrderId: locked.id,
      gpPracticeTold: practice?.gpPracticeCode ?? null,
    });
    return id;
  });
  return (await findOrder(db, newId))!;
}

/** Stops a medicine after a given day, with the reason (kept in the audit trail); the practice is told. */
export async function stopMedicine(
  db: Database,
  asker: Asker,
  patientId: string,
  orderId: string,
  input: unknown,
): Promise<OrderRecord> {
  const change = await authorisePatientChange(db, asker, patientId, 'manage-medicines', 'stop medicine', {
    orderId,
  });
  const order = await patientsOrder(db, patientId, orderId);
  const asked = parseOrRefuse(stopMedicineInput, input, 'Stopping the medicine needs correcting');
  refuseIfClosed(order, 'stopDate');
  if (asked.stopDate < order.startDate) {
    throw invalidField(
      'stopDate',
      `The last day cannot be before the medicine started, on ${formatDate(order.startDate)}.`,
    );
  }
  await db.transaction(async (tx) => {
    const locked = (await lockOrder(tx, order.id))!;
    refuseIfClosed(locked, 'stopDate');
    await setStopDate(tx, locked.id, asked.stopDate);
    await refreshMonitoring(tx, patientId, asker.today);
    const practice = await practiceToTell(tx, locked);
    if (practice) {
      await openTask(tx, {
        organisationId: practice.gpPracticeId,
        patientId,
        kind: 'medicine-stopped',
        title: `${medicineTitle(locked.medicine)} stopped by the specialist team: last day ${formatDate(asked.stopDate)}`,
        subjectId: locked.id,
        dueOn: asked.stopDate as PlainDate,
      });
    }
    await change.audit(tx, { orderId: locked.id, stopDate: asked.stopDate, reason: asked.reason });
  });
  return (await findOrder(db, order.id))!;
}
