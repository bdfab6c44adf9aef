import { z } from 'zod';
import { daysBetween, type PlainDate } from '../kernel/dates.ts';
import { blankToUndefined, parseOrRefuse, requiredDate } from './input.rules.ts';

/** One weighing and measuring of a child, as recorded. */
export interface GrowthMeasurement {
  measuredOn: PlainDate;
  weightKg: number;
  heightCm: number;
}

/** The body surface area a dose can be worked out from, and how old the measurement behind it is. */
export interface BsaOnDate {
  squareMetres: number;
  measuredOn: PlainDate;
  /** Days from the measurement to the date asked about, so a caller can refuse a stale weight. */
  ageInDays: number;
}

/** Body surface area by Mosteller: sqrt(height cm × weight kg / 3600), in m² to 2 decimal places. */
export function bodySurfaceArea(heightCm: number, weightKg: number): number {
  return roundTo(Math.sqrt((heightCm * weightKg) / 3600), 2);
}

/** The BSA from the latest measurement on or before `date`, or undefined if there is none by then. */
export function bsaOn(measurements: readonly GrowthMeasurement[], date: PlainDate): BsaOnDate | undefined {
  let latest: GrowthMeasurement | undefined;
  for (const m of measurements) {
    if (m.measuredOn <= date && (!latest || m.measuredOn > latest.measuredOn)) latest = m;
  }
  if (!latest) return undefined;
  return {
    squareMetres: bodySurfaceArea(latest.heightCm, latest.weightKg),
    measuredOn: latest.measuredOn,
    ageInDays: daysBetween(latest.measuredOn, date),
  };
}

/** Rounds half away from zero; the epsilon stops 1.005 becoming 1.00 through binary representation. */
export function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round((value + Number.EPSILON) * factor) / factor;
}

/** A measurement as typed in, before it is checked against the child's date of birth and today. */
export interface GrowthInputContext {
  today: PlainDate;
  dateOfBirth: PlainDate;
}

/** A form box holds text; the API sends numbers. Either way, blank is "not given". */
function numberFrom(value: unknown): unknown {
  const given = blankToUndefined(value);
  return typeof given === 'string' ? Number(given.trim()) : given;
}

function measure(
  label: string,
  unit: string,
  example: string,
  range: { min: number; below: number },
  places: number,
) {
  return z.preprocess(
    numberFrom,
    z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? `Enter the ${label} in ${unit}`
            : `${capitalise(label)} must be a number, like ${example}`,
      })
      // Rounded first to what the record holds, so the range check sees the value that will be stored.
      .transform((v) => roundTo(v, places))
      .refine(
        (v) => v >= range.min && v < range.below,
        `${capitalise(label)} must be at least ${range.min} and less than ${range.below} ${unit === 'kilograms' ? 'kg' : 'cm'}`,
      ),
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function growthInputSchema(context: GrowthInputContext) {
  return z.object({
    measuredOn: requiredDate('Date measured', 'Enter the date the child was measured')
      .refine((d) => d <= context.today, 'Date measured cannot be in the future')
      .refine((d) => d >= context.dateOfBirth, 'Date measured cannot be before the date of birth'),
    weightKg: measure('weight', 'kilograms', '32.5', { min: 0.5, below: 250 }, 2),
    heightCm: measure('height', 'centimetres', '141.5', { min: 30, below: 230 }, 1),
  });
}

/** Checks a new measurement, or refuses it naming each field at fault. */
export function parseGrowthInput(input: unknown, context: GrowthInputContext): GrowthMeasurement {
  return parseOrRefuse(growthInputSchema(context), input, 'The measurement needs correcting');
}
