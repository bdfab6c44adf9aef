import { daysBetween, type PlainDate } from '../kernel/dates.ts';
import { bodySurfaceArea } from '../patients/growth.rules.ts';
import type { Protocol } from '../protocols/protocol.schema.ts';

/** The weight and height a dose is worked out from. */
export interface Measurement {
  measuredOn: PlainDate;
  weightKg: number;
  heightCm: number;
}

/** A worked dose, with every number shown so that nothing is rounded silently. */
export interface DoseCalculation {
  /** What the dose was worked out from: "1.17 m²" or "35 kg". */
  basedOn: string;
  bsaM2?: number;
  weightKg: number;
  measuredOn: PlainDate;
  /** The protocol's range for this child, before rounding, in mg per period. */
  exactMinMg: number;
  exactMaxMg: number;
  /** The doses that can be given with the available strengths, within the range and the maximum. */
  prescribableMg: number[];
  maximumMg: number;
  /** The unit the dose covers: "week", "day" or "dose". */
  per: string;
  /** Whether any number used is awaiting local confirmation. */
  unconfirmed: string[];
}

export type DoseProblem =
  | { kind: 'no-measurement'; message: string }
  | { kind: 'stale-measurement'; message: string };

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The dose range a protocol allows for a child measured as given, rounded to the strengths available.
 * Refuses when there is no measurement, or it is older than the protocol allows.
 */
export function calculateDose(
  dosing: Protocol['dosing'],
  measurement: Measurement | undefined,
  today: PlainDate,
): { ok: true; dose: DoseCalculation } | { ok: false; problem: DoseProblem } {
  if (!measurement) {
    return {
      ok: false,
      problem: {
        kind: 'no-measurement',
        message: 'Record the child’s weight and height before working out a dose.',
      },
    };
  }
  const age = daysBetween(measurement.measuredOn, today);
  const limit = dosing.measurementMaxAgeDays.value;
  if (age > limit) {
    return {
      ok: false,
      problem: {
        kind: 'stale-measurement',
        message: `The latest weight and height were measured on ${measurement.measuredOn}, ${age} days ago; this protocol needs a measurement from the last ${limit} days. Measure the child again.`,
      },
    };
  }
  const step = dosing.roundToMg.value;
  const unconfirmed = [dosing.maximumMg, dosing.roundToMg, dosing.measurementMaxAgeDays]
    .filter((n) => !n.confirmed)
    .map((n) => n.source);
  const { min, max, basedOn, bsa } = exactRange(dosing, measurement, unconfirmed);
  const maximumMg = dosing.maximumMg.value;
  const prescribableMg: number[] = [];
  for (let mg = Math.ceil(round2(min / step)) * step; mg <= Math.min(max, maximumMg) + 1e-9; mg += step) {
    prescribableMg.push(round2(mg));
  }
  return {
    ok: true,
    dose: {
      basedOn,
      ...(bsa === undefined ? {} : { bsaM2: round2(bsa) }),
      weightKg: measurement.weightKg,
      measuredOn: measurement.measuredOn,
      exactMinMg: round2(min),
      exactMaxMg: round2(max),
      prescribableMg,
      maximumMg,
      per: dosing.per,
      unconfirmed,
    },
  };
}

function exactRange(dosing: Protocol['dosing'], m: Measurement, unconfirmed: string[]) {
  if (dosing.basis === 'weight-band') {
    const band = dosing.bands.find(
      (b) => m.weightKg >= b.fromKg.value && (b.belowKg === null || m.weightKg < b.belowKg.value),
    );
    const mg = band?.doseMg?.value ?? (band?.mgPerKg ? band.mgPerKg.value * m.weightKg : 0);
    if (band && !(band.doseMg ?? band.mgPerKg)?.confirmed)
      unconfirmed.push((band.doseMg ?? band.mgPerKg)!.source);
    return { min: mg, max: mg, basedOn: `${m.weightKg} kg`, bsa: undefined };
  }
  for (const n of [dosing.rangeMin, dosing.rangeMax]) if (!n.confirmed) unconfirmed.push(n.source);
  if (dosing.basis === 'per-m2') {
    const bsa = bodySurfaceArea(m.heightCm, m.weightKg);
    return {
      min: dosing.rangeMin.value * bsa,
      max: dosing.rangeMax.value * bsa,
      basedOn: `${round2(bsa).toFixed(2)} m² (Mosteller, from ${m.weightKg} kg and ${m.heightCm} cm)`,
      bsa,
    };
  }
  return {
    min: dosing.rangeMin.value * m.weightKg,
    max: dosing.rangeMax.value * m.weightKg,
    basedOn: `${m.weightKg} kg`,
    bsa: undefined,
  };
}

/** How a proposed dose stands against the calculation: fine, or needing a consultant's override. */
export type DoseCheck =
  | { ok: true }
  | { ok: false; needs: 'override'; message: string }
  | { ok: false; needs: 'correction'; message: string };

export function checkProposedDose(dose: DoseCalculation, proposedMg: number, stepMg: number): DoseCheck {
  if (!(proposedMg > 0))
    return { ok: false, needs: 'correction', message: 'Enter a dose in mg greater than zero.' };
  const steps = proposedMg / stepMg;
  if (Math.abs(steps - Math.round(steps)) > 1e-9) {
    return {
      ok: false,
      needs: 'correction',
      message: `${proposedMg} mg cannot be given with the available strengths: use a multiple of ${stepMg} mg.`,
    };
  }
  if (proposedMg > dose.maximumMg) {
    return {
      ok: false,
      needs: 'override',
      message: `${proposedMg} mg is above this protocol’s maximum of ${dose.maximumMg} mg per ${dose.per}: a consultant must override with a reason.`,
    };
  }
  // A dose may round into the range by up to half a step either way; the calculation shows that rounding.
  if (proposedMg < dose.exactMinMg - stepMg / 2 || proposedMg > dose.exactMaxMg + stepMg / 2) {
    return {
      ok: false,
      needs: 'override',
      message: `${proposedMg} mg is outside the protocol range for this child (${dose.exactMinMg}–${dose.exactMaxMg} mg per ${dose.per}, from ${dose.basedOn}): a consultant must override with a reason.`,
    };
  }
  return { ok: true };
}

export const weekdays = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
export type Weekday = (typeof weekdays)[number];

/** "6 × 2.5 mg tablets (15 mg) once weekly on Monday": the NPSA wording, so no one can read it as daily. */
export function describeWeeklyTablets(doseMg: number, tabletMg: number, day: Weekday): string {
  const count = round2(doseMg / tabletMg);
  return `${count} × ${tabletMg} mg tablet${count === 1 ? '' : 's'} (${doseMg} mg) once weekly on ${day}`;
}
