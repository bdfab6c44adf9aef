import { z } from 'zod';
import type { PlainDate } from '../kernel/dates.ts';
import { type DiagnosisCode, findDiagnosis } from './diagnoses.ts';
import { blankToUndefined, optionalDate, parseOrRefuse } from './input.rules.ts';

export interface DiagnosisInput {
  diagnosis: DiagnosisCode;
  diagnosedOn?: PlainDate;
}

/** A diagnosis as recorded for a patient, with its place in Jointly's coded list (if it is still there). */
export interface RecordedDiagnosis {
  snomedCode: string;
  term: string;
  group: string;
  /** False when the code and term have not yet been checked against a source: the page says so. */
  confirmed: boolean;
  diagnosedOn: PlainDate | null;
}

export function diagnosisInputSchema(context: { today: PlainDate; dateOfBirth: PlainDate }) {
  return z.object({
    snomedCode: z.preprocess(
      blankToUndefined,
      z.string({ error: 'Choose a diagnosis from the list' }).transform((code, ctx) => {
        const diagnosis = findDiagnosis(code);
        if (diagnosis) return diagnosis;
        ctx.addIssue({
          code: 'custom',
          message: `${code.trim()} is not a SNOMED CT code in Jointly’s list of diagnoses`,
        });
        return z.NEVER;
      }),
    ),
    diagnosedOn: optionalDate('Date of diagnosis')
      .refine((d) => d === undefined || d <= context.today, 'Date of diagnosis cannot be in the future')
      .refine(
        (d) => d === undefined || d >= context.dateOfBirth,
        'Date of diagnosis cannot be before the date of birth',
      ),
  });
}

/** Checks a diagnosis to record, or refuses it naming each field at fault. */
export function parseDiagnosisInput(
  input: unknown,
  context: { today: PlainDate; dateOfBirth: PlainDate },
): DiagnosisInput {
  const { snomedCode, diagnosedOn } = parseOrRefuse(
    diagnosisInputSchema(context),
    input,
    'The diagnosis needs correcting',
  );
  return diagnosedOn ? { diagnosis: snomedCode, diagnosedOn } : { diagnosis: snomedCode };
}

/** What the page shows for a stored code, even one that has since left the list. */
export function describeDiagnosis(snomedCode: string, diagnosedOn: PlainDate | null): RecordedDiagnosis {
  const known = findDiagnosis(snomedCode);
  return {
    snomedCode,
    term: known?.term ?? `SNOMED CT ${snomedCode} (no longer in Jointly’s list)`,
    group: known?.group ?? 'Other',
    confirmed: known?.confirmed ?? false,
    diagnosedOn,
  };
}
