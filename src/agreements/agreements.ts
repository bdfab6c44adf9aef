import { z } from 'zod';
import { type Asker, type AuthorisedChange, authorisePatientChange } from '../access/patient-access.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database, Queryable } from '../db/database.ts';
import { fieldProblems, invalidField, JointlyError, refuseFields } from '../kernel/errors.ts';
import { findOrder, linkOrderToAgreement } from '../medicines/orders.store.ts';
import { refreshMonitoring } from '../monitoring/courses.ts';
import { findProtocolVersion, type ProtocolVersionRecord } from '../protocols/protocols.store.ts';
import { closeTasks, openTask } from '../tasks/tasks.store.ts';
import {
  type AgreementEvent,
  type AgreementFacts,
  closedStates,
  partyRefusal,
  takeStep,
} from './agreement.rules.ts';
import { responseDueDate } from './agreement-dates.rules.ts';
import { actionForStep, partyOf } from './agreement-parties.rules.ts';
import { eventDetails, eventReason, stepInputSchema, toAgreementEvent } from './agreement-steps.rules.ts';
import {
  type AgreementRecord,
  currentGpPractice,
  findAgreement,
  insertAgreement,
  insertAgreementEvent,
  lockOrderForAgreement,
  saveStep,
} from './agreements.store.ts';

export const startAgreementSchema = z.object({
  medicationOrderId: z
    .string({ message: 'Choose the medicine to share care for' })
    .trim()
    .uuid('Choose the medicine to share care for'),
});

/**
 * Starts a draft agreement for one of the child's current medicines: under the protocol version the
 * medicine was ordered with, with the GP practice in the child's current care team. The order is linked
 * to the agreement in the same transaction.
 */
export async function startAgreement(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
): Promise<string> {
  const parsed = startAgreementSchema.safeParse(input ?? {});
  if (!parsed.success) throw invalidField('medicationOrderId', 'Choose the medicine to share care for');
  const orderId = parsed.data.medicationOrderId;
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    'manage-medicines',
    'start shared care agreement',
    {
      medicationOrderId: orderId,
    },
  );
  const order = await findOrder(db, orderId);
  if (!order || order.patientId !== patientId) {
    throw invalidField('medicationOrderId', 'This child has no such medicine order');
  }
  if (order.stopDate !== null && order.stopDate < asker.today) {
    throw invalidField(
      'medicationOrderId',
      'This medicine has been stopped: share care only for a current medicine',
    );
  }
  const version = await findProtocolVersion(db, order.protocolVersionId);
  if (!version) throw new Error(`order ${order.id} names a protocol version that does not exist`);
  if (version.trafficLight === 'red' || !version.protocol.gpResponse) {
    throw invalidField(
      'medicationOrderId',
      'This medicine is specialist only (red): it is not shared with primary care',
    );
  }
  const practice = await currentGpPractice(db, patientId, asker.today);
  if (!practice) {
    throw new JointlyError(
      'NOT_NOW',
      'There is no GP practice in this child’s current care team. Add their practice to the care team before asking it to share care.',
      [{ field: 'medicationOrderId', message: 'There is no GP practice in this child’s current care team' }],
    );
  }
  return db.transaction(async (tx) => {
    await lockOrderForAgreement(tx, order.id);
    await refuseIfAlreadyShared(tx, order.id);
    const agreementId = await insertAgreement(tx, {
      patientId,
      protocolVersionId: order.protocolVersionId,
      specialistOrganisationId: change.access.organisationId!,
      gpPracticeId: practice.id,
      createdBy: asker.viewer.id,
    });
    await insertAgreementEvent(tx, {
      agreementId,
      kind: 'create',
      onDate: asker.today,
      byUser: asker.viewer.id,
      party: 'specialist-team',
      reason: null,
      details: { medicationOrderId: order.id, gpPracticeCode: practice.code },
    });
    await linkOrderToAgreement(tx, order.id, agreementId);
    await refreshMonitoring(tx, patientId, asker.today);
    await change.audit(tx, { agreementId });
    return agreementId;
  });
}

async function refuseIfAlreadyShared(tx: Queryable, orderId: string): Promise<void> {
  const order = await findOrder(tx, orderId);
  const existing = order?.agreementId ? await findAgreement(tx, order.agreementId) : undefined;
  if (existing && !closedStates.includes(existing.state)) {
    const message = 'This medicine already has a shared care agreement that is still open';
    throw new JointlyError('CONFLICT', message, [{ field: 'medicationOrderId', message }]);
  }
}

/**
 * Takes one step in an agreement's life for the person signed in: the access gate first (with the
 * permission the step needs), then their part in this agreement, then what they sent, then the lifecycle.
 * The change, its timeline entry, its tasks and its audit entry commit together.
 */
export async function takeAgreementStep(
  db: Database,
  asker: Asker,
  patientId: string,
  agreementId: string,
  input: unknown,
): Promise<AgreementRecord> {
  const parsed = stepInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw refuseFields(fieldProblems(parsed.error));
  }
  const step = parsed.data;
  const roles = asker.viewer.memberships.map((m) => m.role);
  const auditAction = `shared care agreement: ${step.kind}`;
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    actionForStep(step.kind, roles),
    auditAction,
    {
      agreementId,
    },
  );
  const agreement = await findAgreement(db, agreementId);
  if (!agreement || agreement.patientId !== patientId) {
    throw new JointlyError('NOT_FOUND', 'This child has no such shared care agreement.');
  }
  const party = partyOf(change.access, asker.viewer.memberships, agreement);
  if (!party.ok) return refuse(db, asker, change, auditAction, agreementId, party.reason);
  const version = await findProtocolVersion(db, agreement.protocolVersionId);
  if (!version?.protocol.gpResponse) throw new Error(`agreement ${agreementId} has no shared care protocol`);
  const event = toAgreementEvent(step, {
    today: asker.today,
    party: party.party,
    youngPerson: change.access.role === 'young_person',
    responseDueOn: responseDueDate(asker.today, version.protocol.gpResponse),
  });
  const notYours = partyRefusal(step.kind, party.party);
  if (notYours) return refuse(db, asker, change, auditAction, agreementId, notYours);
  if (!event.ok) {
    throw new JointlyError('INVALID_INPUT', event.fields.map((f) => f.message).join('; '), event.fields);
  }
  const before = factsOf(agreement);
  const result = takeStep(before, event.event, party.party);
  if (!result.ok) throw new JointlyError('NOT_NOW', result.reason);
  await db.transaction(async (tx) => {
    const saved = await saveStep(tx, agreementId, before.state, result.facts, step.kind === 'request');
    if (!saved) {
      throw new JointlyError(
        'NOT_NOW',
        'Someone else changed this agreement while you were looking at it. Reload the page to see where it stands now.',
      );
    }
    await insertAgreementEvent(tx, {
      agreementId,
      kind: event.event.kind,
      onDate: asker.today,
      byUser: asker.viewer.id,
      party: party.party,
      reason: eventReason(event.event),
      details: eventDetails(event.event),
    });
    await updateTasks(tx, agreement, version, event.event, asker.viewer.id);
    await refreshMonitoring(tx, agreement.patientId, asker.today);
    await change.audit(tx, { agreementId, from: before.state, to: result.facts.state });
  });
  return (await findAgreement(db, agreementId))!;
}

export function factsOf(agreement: AgreementRecord): AgreementFacts {
  return {
    state: agreement.state,
    requestedOn: agreement.requestedOn,
    responseDueOn: agreement.responseDueOn,
    transferDate: agreement.transferDate,
    consented: agreement.consented,
  };
}

/** A refusal after the access gate let the person in: audited like the gate's own refusals, nothing changed. */
async function refuse(
  db: Database,
  asker: Asker,
  change: AuthorisedChange,
  action: string,
  agreementId: string,
  reason: string,
): Promise<never> {
  await recordAudit(db, {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    role: change.access.role,
    organisationId: change.access.organisationId,
    patientId: change.access.patientId,
    action,
    outcome: 'refused',
    relationship: change.access.relationship,
    breakGlassReason: null,
    details: { agreementId, reason },
    occurredAt: asker.now,
  });
  throw new JointlyError('FORBIDDEN', reason);
}

const requestTasks = ['answer-shared-care-request', 'shared-care-reminder'] as const;

/** The practice's task to answer opens with a request and closes with its answer; the team's no-response task too. */
async function updateTasks(
  tx: Queryable,
  agreement: AgreementRecord,
  version: ProtocolVersionRecord,
  event: AgreementEvent,
  userId: string,
): Promise<void> {
  const close = async (kinds: readonly string[], outcome: string) => {
    for (const kind of kinds) await closeTasks(tx, agreement.id, kind, { userId, outcome });
  };
  switch (event.kind) {
    case 'request':
      await close([...requestTasks, 'shared-care-no-response'], 'request sent again');
      await openTask(tx, {
        organisationId: agreement.gpPracticeId,
        patientId: agreement.patientId,
        kind: 'answer-shared-care-request',
        title: `Answer the shared care request for ${medicineOf(version)} by ${event.responseDueOn}`,
        subjectId: agreement.id,
        dueOn: event.responseDueOn,
      });
      return;
    case 'accept':
    case 'decline':
      await close(
        [...requestTasks, 'shared-care-no-response'],
        event.kind === 'accept' ? 'accepted' : 'declined',
      );
      return;
    case 'withdraw':
      await close([...requestTasks, 'shared-care-no-response'], 'request withdrawn');
      return;
    default:
      return;
  }
}

export function medicineOf(version: ProtocolVersionRecord): string {
  return version.protocol.medicines.map((m) => m.name).join(', ');
}
