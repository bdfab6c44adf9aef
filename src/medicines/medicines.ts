import { type Asker, type AuthorisedChange, authorisePatientChange } from '../access/patient-access.ts';
import type { Database, Queryable } from '../db/database.ts';
import { formatDate, type PlainDate } from '../kernel/dates.ts';
import { type FieldProblem, invalidField, JointlyError } from '../kernel/errors.ts';
import { refreshMonitoring } from '../monitoring/courses.ts';
import { parseOrRefuse } from '../patients/input.rules.ts';
import type { ProtocolVersionRecord } from '../protocols/protocols.store.ts';
import { checkProposedDose } from './dose.rules.ts';
import { calculationForOrder, protocolForNewOrder } from './dose-calculation.ts';
import {
  checkWholeUnits,
  chooseFolicAcidDay,
  choosePreparation,
  chooseSchedule,
  type DoseOverride,
  decideDose,
  medicineTitle,
  type Preparation,
  passedOrRefuse,
  type RuleResult,
  type Schedule,
} from './order.rules.ts';
import { type StartMedicineInput, startMedicineInput } from './order-input.rules.ts';
import {
  findOrder,
  insertOrder,
  lockMedicineFor,
  type OrderCalculation,
  type OrderRecord,
  ordersRunningFrom,
} from './orders.store.ts';

/** The parts of a dose the prescriber chooses, before they are checked against the protocol. */
export interface AskedDose {
  doseMg: number;
  startDate: PlainDate;
  override: boolean;
  overrideReason?: string | undefined;
}

/** A dose that has passed the protocol's checks, with what it was worked out from and any override. */
export interface CheckedDose {
  calculation: OrderCalculation;
  override: DoseOverride | null;
  /** The consultant's permission to override, audited with the order; null when no override was needed. */
  overrideChange: AuthorisedChange | null;
}

/** Refuses with every problem found, each against its field, so the form can show them all at once. */
export function refuseAll(results: RuleResult<unknown>[]): void {
  const problems: FieldProblem[] = results.flatMap((r) =>
    r.ok ? [] : [{ field: r.field, message: r.message }],
  );
  if (problems.length === 0) return;
  const message = problems.length === 1 ? problems[0]!.message : problems.map((p) => p.message).join(' ');
  throw new JointlyError('INVALID_INPUT', message, problems);
}

/**
 * Checks a dose against the protocol for this child on its start date: a recent enough measurement, whole
 * units, within the range and maximum, or else a consultant's override with a reason (audited as
 * 'override dose'; anyone else is refused, and that refusal is audited too).
 */
export async function checkDose(
  db: Database,
  asker: Asker,
  patientId: string,
  version: ProtocolVersionRecord,
  given: { preparation: Preparation; schedule: Schedule },
  asked: AskedDose,
): Promise<CheckedDose> {
  const base = await calculationForOrder(db, patientId, version, asked.startDate);
  const check = checkProposedDose(base.dose, asked.doseMg, base.roundToMg);
  if (!check.ok && check.needs === 'correction') throw invalidField('doseMg', check.message);
  passedOrRefuse(checkWholeUnits(given.preparation, asked.doseMg, base.dose.per, given.schedule));
  const override = passedOrRefuse(
    decideDose(check, { override: asked.override, reason: asked.overrideReason }),
  );
  const calculation = { ...base, outsideProtocol: override?.why ?? null };
  if (!override) return { calculation, override: null, overrideChange: null };
  const overrideChange = await authorisePatientChange(
    db,
    asker,
    patientId,
    'override-dose',
    'override dose',
    {
      doseMg: asked.doseMg,
      maximumMg: base.dose.maximumMg,
    },
  );
  return { calculation, override, overrideChange };
}

/** Writes the audit entries of a new order: the change itself, and the override when there was one. */
export async function auditOrder(
  tx: Queryable,
  change: AuthorisedChange,
  checked: CheckedDose,
  details: Record<string, unknown>,
): Promise<void> {
  await change.audit(tx, details);
  if (checked.overrideChange && checked.override) {
    await checked.overrideChange.audit(tx, {
      orderId: details.orderId,
      reason: checked.override.reason,
      outsideProtocol: checked.override.why,
    });
  }
}

/** A second running order of the same medicine would be a double dose: the dose is changed instead. */
async function refuseSecondOrder(tx: Queryable, patientId: string, medicine: string, from: PlainDate) {
  await lockMedicineFor(tx, patientId, medicine);
  const [running] = await ordersRunningFrom(tx, patientId, medicine, from);
  if (running) {
    const message = `${medicineTitle(medicine)} is already prescribed from ${formatDate(running.startDate)} (${running.description}): change that order’s dose, or stop it before starting again.`;
    throw new JointlyError('CONFLICT', message, [{ field: 'medicine', message }]);
  }
}

function parseStart(input: unknown): StartMedicineInput {
  return parseOrRefuse(startMedicineInput, input, 'The medicine needs correcting');
}

/**
 * Starts a medicine under the newest approved version of a protocol. Only the specialist team may; the
 * preparation, frequency and dose must be what the protocol allows. Nothing is written unless all is well.
 */
export async function startMedicine(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
): Promise<OrderRecord> {
  const change = await authorisePatientChange(db, asker, patientId, 'manage-medicines', 'start medicine');
  const asked = parseStart(input);
  const version = await protocolForNewOrder(db, asked.protocolId, asked.protocolVersionId);
  const preparation = choosePreparation(version.protocol, asked);
  const medicine = preparation.ok ? preparation.value.medicine : (version.protocol.medicines[0]?.name ?? '');
  const schedule = chooseSchedule(version.protocol, medicine, asked);
  const folicAcidDay = chooseFolicAcidDay(
    version.protocol,
    schedule.ok ? schedule.value : { dayOfWeek: null },
    asked.folicAcidDay,
  );
  refuseAll([preparation, schedule, folicAcidDay]);
  const given = { preparation: passedOrRefuse(preparation), schedule: passedOrRefuse(schedule) };
  const checked = await checkDose(db, asker, patientId, version, given, asked);

  const orderId = await db.transaction(async (tx) => {
    await refuseSecondOrder(tx, patientId, given.preparation.medicine, asked.startDate);
    const id = await insertOrder(tx, {
      patientId,
      agreementId: null,
      protocolVersionId: version.id,
      ...given.preparation,
      ...given.schedule,
      folicAcidDay: passedOrRefuse(folicAcidDay),
      doseMg: asked.doseMg,
      startDate: asked.startDate,
      calculation: checked.calculation,
      override: checked.override ? { reason: checked.override.reason, byUserId: asker.viewer.id } : null,
      replacesOrderId: null,
      createdBy: asker.viewer.id,
    });
    await refreshMonitoring(tx, patientId, asker.today);
    await auditOrder(tx, change, checked, {
      orderId: id,
      protocolId: version.protocolId,
      protocolVersion: version.version,
    });
    return id;
  });
  return (await findOrder(db, orderId))!;
}
