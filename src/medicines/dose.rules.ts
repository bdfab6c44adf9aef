import { daysBetween, formatDate, type PlainDate } from '../kernel/dates.ts';
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
  /** The protocol's rule as it reads: "10–15 mg/m² per week", "20 mg per dose from 10 kg to under 30 kg". */
  protocolRange: string;
  /** The protocol's range for this child, before rounding, in mg per period. */
  exactMinMg: number;
  exactMaxMg: number;
  /** The doses that can be given with the available strengths, within the range and the maximum. */
  prescribableMg: number[];
  maximumMg: number;
  /** The unit the dose covers: "week", "day" or "dose". */
  per: string;
  /** Each number used that is awaiting local confirmation: what it is, then its source. */
  unconfirmed: string[];
}

export type DoseProblem =
  | { kind: 'no-measurement'; message: string }
  | { kind: 'stale-measurement'; message: string }
  | { kind: 'no-weight-band'; message: string };

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
        message: `The latest weight and height were measured on ${formatDate(measurement.measuredOn)}, ${age} days ago; this protocol needs a measurement from the last ${limit} days. Measure the child again.`,
      },
    };
  }
  const step = dosing.roundToMg.value;
  const unconfirmed = [
    { label: `Maximum ${dosing.maximumMg.value} mg per ${dosing.per}`, n: dosing.maximumMg },
    { label: `Rounding to ${step} mg`, n: dosing.roundToMg },
    { label: `Weight and height measured within ${limit} days`, n: dosing.measurementMaxAgeDays },
  ]
    .filter(({ n }) => !n.confirmed)
    .map(({ label, n }) => `${label}: ${n.source}`);
  const range = exactRange(dosing, measurement, unconfirmed);
  if (!range) {
    return {
      ok: false,
      problem: {
        kind: 'no-weight-band',
        message: `This protocol gives no dose for a weight of ${measurement.weightKg} kg: the specialist team must decide the dose.`,
      },
    };
  }
  const { min, max, basedOn, bsa, protocolRange } = range;
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
      protocolRange,
      exactMinMg: round2(min),
      exactMaxMg: round2(max),
      prescribableMg,
      maximumMg,
      per: dosing.per,
      unconfirmed,
    },
  };
}

interface ExactRange {
  min: number;
  max: number;
  basedOn: string;
  bsa: number | undefined;
  protocolRange: string;
}

function exactRange(
  dosing: Protocol['dosing'],
  m: Measurement,
  unconfirmed: string[],
): ExactRange | undefined {
  if (dosing.basis === 'weight-band') {
    const band = dosing.bands.find(
      (b) => m.weightKg >= b.fromKg.value && (b.belowKg === null || m.weightKg < b.belowKg.value),
    );
    const bandDose = band?.doseMg ?? band?.mgPerKg;
    if (!band || !bandDose) return undefined;
    const mg = band.doseMg ? band.doseMg.value : bandDose.value * m.weightKg;
    const amount = band.doseMg ? `${bandDose.value} mg` : `${bandDose.value} mg/kg`;
    if (!bandDose.confirmed) unconfirmed.push(`${amount} for this weight band: ${bandDose.source}`);
    const weights = band.belowKg
      ? `from ${band.fromKg.value} kg to under ${band.belowKg.value} kg`
      : `from ${band.fromKg.value} kg`;
    return {
      min: mg,
      max: mg,
      basedOn: `${m.weightKg} kg`,
      bsa: undefined,
      protocolRange: `${amount} per dose ${weights}`,
    };
  }
  const unit = dosing.basis === 'per-m2' ? 'mg/m²' : 'mg/kg';
  if (!dosing.rangeMin.confirmed)
    unconfirmed.push(`Lowest dose ${dosing.rangeMin.value} ${unit}: ${dosing.rangeMin.source}`);
  if (!dosing.rangeMax.confirmed)
    unconfirmed.push(`Highest dose ${dosing.rangeMax.value} ${unit}: ${dosing.rangeMax.source}`);
  const protocolRange =
    dosing.rangeMin.value === dosing.rangeMax.value
      ? `${dosing.rangeMin.value} ${unit} per ${dosing.per}`
      : `${dosing.rangeMin.value}–${dosing.rangeMax.value} ${unit} per ${dosing.per}`;
  if (dosing.basis === 'per-m2') {
    const bsa = bodySurfaceArea(m.heightCm, m.weightKg);
    return {
      min: dosing.rangeMin.value * bsa,
      max: dosing.rangeMax.value * bsa,
      basedOn: `${round2(bsa).toFixed(2)} m² (Mosteller, from ${m.weightKg} kg and ${m.heightCm} cm)`,
      bsa,
      protocolRange,
    };
  }
  return {
    min: dosing.rangeMin.value * m.weightKg,
    max: dosing.rangeMax.value * m.weightKg,
    basedOn: `${m.weightKg} kg`,
    bsa: undefined,
    protocolRange,
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
