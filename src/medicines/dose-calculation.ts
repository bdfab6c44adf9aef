import { isUuid } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { invalidField } from '../kernel/errors.ts';
import { listGrowth } from '../patients/clinical.store.ts';
import { bsaOn, type GrowthMeasurement } from '../patients/growth.rules.ts';
import {
  findProtocolVersion,
  type ProtocolVersionRecord,
  usableProtocolVersion,
} from '../protocols/protocols.store.ts';
import { calculateDose, type DoseCalculation, type DoseProblem, type Measurement } from './dose.rules.ts';
import type { OrderCalculation } from './orders.store.ts';

/** The latest measurement on or before `date`: the one a dose starting that day is worked out from. */
export function measurementOn(
  measurements: readonly GrowthMeasurement[],
  date: PlainDate,
): Measurement | undefined {
  const latest = bsaOn(measurements, date);
  return latest && measurements.find((m) => m.measuredOn === latest.measuredOn);
}

/**
 * The protocol version a new order is made under: the newest approved version of the protocol asked for.
 * When the prescriber names the version they saw the calculation under, it must still be that one.
 */
export async function protocolForNewOrder(
  db: Database,
  protocolId: string,
  protocolVersionId: string | undefined,
): Promise<ProtocolVersionRecord> {
  const usable = await usableProtocolVersion(db, protocolId);
  if (protocolVersionId !== undefined) {
    const asked = isUuid(protocolVersionId) ? await findProtocolVersion(db, protocolVersionId) : undefined;
    if (!asked || asked.protocolId !== protocolId) {
      throw invalidField('protocolVersionId', `There is no such version of the protocol “${protocolId}”.`);
    }
    if (asked.status !== 'approved') {
      const status = asked.status === 'rejected' ? 'was rejected' : 'is awaiting approval';
      throw invalidField(
        'protocolVersionId',
        `Version ${asked.version} of “${asked.title}” ${status} by a clinical safety officer, so no medicine can be started under it.`,
      );
    }
    if (usable && usable.id !== asked.id) {
      throw invalidField(
        'protocolVersionId',
        `Version ${usable.version} of “${usable.title}” has been approved since the dose was worked out: work it out again under the new version.`,
      );
    }
  }
  if (!usable) throw invalidField('protocolId', `There is no approved protocol “${protocolId}”.`);
  return usable;
}

/** The dose the protocol allows for the child on `on`, from their latest measurement by then. */
export async function workOutDose(
  db: Database,
  patientId: string,
  version: ProtocolVersionRecord,
  on: PlainDate,
): Promise<{ ok: true; dose: DoseCalculation } | { ok: false; problem: DoseProblem }> {
  const measurement = measurementOn(await listGrowth(db, patientId), on);
  return calculateDose(version.protocol.dosing, measurement, on);
}

/** The calculation as it is kept with an order, refusing (on the `weight` field) when there is none. */
export async function calculationForOrder(
  db: Database,
  patientId: string,
  version: ProtocolVersionRecord,
  on: PlainDate,
): Promise<Omit<OrderCalculation, 'outsideProtocol'>> {
  const worked = await workOutDose(db, patientId, version, on);
  if (!worked.ok) throw invalidField('weight', worked.problem.message);
  return {
    protocol: { id: version.protocolId, version: version.version, title: version.title },
    dose: worked.dose,
    roundToMg: version.protocol.dosing.roundToMg.value,
  };
}
