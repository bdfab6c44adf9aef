import { isCurrent } from '../access/access.rules.ts';
import { type Asker, authorisePatientChange } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import { type AgreementRecord, agreementsForPatient, findAgreement } from '../agreements/agreements.store.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database, Queryable } from '../db/database.ts';
import { formatDate } from '../kernel/dates.ts';
import { invalidField, JointlyError } from '../kernel/errors.ts';
import { parseOrRefuse } from '../patients/input.rules.ts';
import type { SignedInUser } from '../people/people.store.ts';
import { patientsOrder } from './dose-changes.ts';
import { passedOrRefuse } from './order.rules.ts';
import { prescriptionInput } from './order-input.rules.ts';
import type { OrderRecord } from './orders.store.ts';
import {
  checkQuantity,
  defaultQuantityUnit,
  describePrescriber,
  type PrescribingParty,
  prescribingMembership,
  prescribingParty,
} from './prescription.rules.ts';
import { insertPrescription, type PrescriptionRecord, prescriptionsForOrder } from './prescriptions.store.ts';

/** Who prescribes an order now, in words and as the party. */
export interface Prescriber {
  party: PrescribingParty;
  practice: { code: string; name: string } | null;
  description: string;
}

function prescriberUnder(agreement: AgreementRecord | undefined): Prescriber {
  const party = prescribingParty(agreement);
  const practice =
    party === 'gp-practice' && agreement
      ? { code: agreement.gpPracticeCode, name: agreement.gpPracticeName }
      : null;
  return { party, practice, description: describePrescriber(party, practice ?? undefined) };
}

export async function prescriberOf(q: Queryable, order: OrderRecord): Promise<Prescriber> {
  return prescriberUnder(order.agreementId ? await findAgreement(q, order.agreementId) : undefined);
}

/** Who prescribes each of a patient's orders, by order id, from one read of the patient's agreements. */
export async function prescribersFor(
  q: Queryable,
  patientId: string,
  orders: readonly OrderRecord[],
): Promise<Map<string, Prescriber>> {
  const agreements = new Map((await agreementsForPatient(q, patientId)).map((a) => [a.id, a]));
  return new Map(
    orders.map((o) => [o.id, prescriberUnder(o.agreementId ? agreements.get(o.agreementId) : undefined)]),
  );
}

/** Whether this person may record a prescription for the order today (what the order page offers). */
export async function mayPrescribe(
  db: Database,
  asker: Asker,
  order: OrderRecord,
): Promise<{ agreement: AgreementRecord | undefined; membership: ReturnType<typeof prescribingMembership> }> {
  const agreement = order.agreementId ? await findAgreement(db, order.agreementId) : undefined;
  const relationships = await loadRelationships(db, order.patientId, asker.viewer.id, asker.now);
  const currentTeam = new Set(
    (relationships?.careTeam ?? []).filter((m) => isCurrent(m, asker.today)).map((m) => m.organisationId),
  );
  return { agreement, membership: prescribingMembership(asker.viewer.memberships, agreement, currentTeam) };
}

function notThePrescriber(viewer: SignedInUser, prescriber: Prescriber): string {
  const codes = [...new Set(viewer.memberships.map((m) => m.organisationCode).filter(Boolean))].join(', ');
  const yours = codes ? ` Your organisation (${codes}) does not.` : '';
  return prescriber.party === 'gp-practice'
    ? `Prescriptions for this medicine are issued by ${prescriber.description}, not by the specialist team.${yours}`
    : `Prescriptions for this medicine are issued by the specialist team until shared care with the GP practice is active.${yours}`;
}

/**
 * Records a prescription issued for an order, by someone who may prescribe (record-prescription) and who
 * belongs to the party that prescribes it now; anyone else is refused with who does, and the refusal audited.
 */
export async function recordPrescription(
  db: Database,
  asker: Asker,
  patientId: string,
  orderId: string,
  input: unknown,
): Promise<PrescriptionRecord> {
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    'record-prescription',
    'record prescription',
    { orderId },
  );
  const order = await patientsOrder(db, patientId, orderId);
  const { agreement, membership } = await mayPrescribe(db, asker, order);
  if (!membership) {
    const reason = notThePrescriber(asker.viewer, prescriberUnder(agreement));
    await recordAudit(db, {
      userId: asker.viewer.id,
      userEmail: asker.viewer.email,
      role: change.access.role,
      organisationId: change.access.organisationId,
      patientId,
      action: 'record prescription',
      outcome: 'refused',
      relationship: change.access.relationship,
      breakGlassReason: null,
      details: { orderId, reason },
      occurredAt: asker.now,
    });
    throw new JointlyError('FORBIDDEN', reason);
  }
  const asked = parseOrRefuse(prescriptionInput, input, 'The prescription needs correcting');
  if (order.stopDate && order.stopDate < asker.today) {
    throw invalidField('issuedOn', `This medicine stopped on ${formatDate(order.stopDate)}.`);
  }
  if (asked.issuedOn > asker.today) throw invalidField('issuedOn', 'Date issued cannot be in the future.');
  const quantity = passedOrRefuse(checkQuantity(order.form, asked.quantity));
  const id = await db.transaction(async (tx) => {
    const prescriptionId = await insertPrescription(tx, {
      orderId: order.id,
      issuedOn: asked.issuedOn,
      quantity,
      quantityUnit: asked.quantityUnit ?? defaultQuantityUnit(order.form),
      prescriberId: asker.viewer.id,
      organisationId: membership.organisationId!,
    });
    await change.audit(tx, { orderId: order.id, prescriptionId });
    return prescriptionId;
  });
  return (await prescriptionsForOrder(db, order.id)).find((p) => p.id === id)!;
}
