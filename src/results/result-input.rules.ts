import { z } from 'zod';
import { isPlainDate, type PlainDate } from '../kernel/dates.ts';
import type { FieldProblem } from '../kernel/errors.ts';
import { type Analyte, analytes } from '../protocols/protocol.schema.ts';
import { analyteNames } from './panels.ts';
import { impossibleValue, toCanonical } from './units.rules.ts';

export const resultSources = ['form', 'csv', 'api', 'hl7', 'fhir'] as const;
export type ResultSource = (typeof resultSources)[number];

const optionalNumber = z.preprocess(
  (v) => (v === '' || v === undefined ? null : v),
  z.coerce.number({ message: 'Must be a number' }).finite().nullable(),
);

/** One result as a person, a file or another system reports it, before units are made one. */
export const reportedResult = z
  .object({
    analyte: z.enum(analytes, { message: `Must be one of: ${analytes.join(', ')}` }),
    value: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number({ message: 'Enter the result as a number' }).finite(),
    ),
    unit: z.string({ message: 'Enter the unit' }).trim().min(1, 'Enter the unit'),
    rangeLow: optionalNumber.optional(),
    rangeHigh: optionalNumber.optional(),
    specimenDate: z
      .string({ message: 'Enter the date the blood was taken' })
      .refine(isPlainDate, 'Enter the date the blood was taken as YYYY-MM-DD'),
    externalId: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();
export type ReportedResult = z.input<typeof reportedResult>;

export const reportedResults = z.object({
  results: z.array(reportedResult).min(1, 'Give at least one result').max(500, 'At most 500 results at once'),
});

/** A result in Jointly's one unit for its analyte, ready to judge and store. */
export interface CheckedResult {
  analyte: Analyte;
  value: number;
  unit: string;
  reportedValue: number;
  reportedUnit: string;
  /** The reporting laboratory's range, in the same unit as `value`. */
  rangeLow: number | null;
  rangeHigh: number | null;
  specimenDate: PlainDate;
  externalId: string | null;
}

/**
 * Makes each result's unit the one Jointly uses and refuses what cannot be true: an unknown unit, an impossible
 * value, a specimen taken in the future or before the child was born, a range whose ends are the wrong way round.
 * Every problem is named by its position (`results.2.unit`), so a form or a file can point at it.
 */
export function checkResults(
  results: readonly z.output<typeof reportedResult>[],
  context: { today: PlainDate; dateOfBirth: PlainDate },
): { checked: CheckedResult[]; problems: FieldProblem[] } {
  const checked: CheckedResult[] = [];
  const problems: FieldProblem[] = [];
  results.forEach((r, i) => {
    const at = (field: string) => `results.${i}.${field}`;
    const name = analyteNames[r.analyte];
    const value = toCanonical(r.analyte, r.value, r.unit);
    if (!value.ok) {
      problems.push({ field: at('unit'), message: value.message });
      return;
    }
    const impossible = impossibleValue(r.analyte, value.value);
    if (impossible) problems.push({ field: at('value'), message: impossible });
    const low = rangeEnd(r.analyte, r.rangeLow, r.unit);
    const high = rangeEnd(r.analyte, r.rangeHigh, r.unit);
    if (low !== null && high !== null && low > high) {
      problems.push({ field: at('rangeHigh'), message: `${name}: the top of the range is below its bottom` });
    }
    const specimenDate = r.specimenDate as PlainDate;
    if (specimenDate > context.today) {
      problems.push({
        field: at('specimenDate'),
        message: `${name}: the blood cannot have been taken in the future`,
      });
    } else if (specimenDate < context.dateOfBirth) {
      problems.push({
        field: at('specimenDate'),
        message: `${name}: the blood cannot have been taken before the child was born`,
      });
    }
    checked.push({
      analyte: r.analyte,
      value: value.value,
      unit: value.unit,
      reportedValue: r.value,
      reportedUnit: r.unit,
      rangeLow: low,
      rangeHigh: high,
      specimenDate,
      externalId: r.externalId ?? null,
    });
  });
  return { checked: problems.length ? [] : checked, problems };
}

function rangeEnd(analyte: Analyte, end: number | null | undefined, unit: string): number | null {
  if (end === null || end === undefined) return null;
  const converted = toCanonical(analyte, end, unit);
  return converted.ok ? converted.value : null;
}
