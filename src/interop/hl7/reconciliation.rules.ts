import type { PlainDate } from '../../kernel/dates.ts';
import type { FieldProblem } from '../../kernel/errors.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import { analyteNames } from '../../results/panels.ts';
import { toCanonical } from '../../results/units.rules.ts';
import type { MessageObservation, MessagePatient, TestCode } from './hl7-oru.rules.ts';

/** Why a laboratory message's patient was not matched on arrival. */
export type PatientProblem =
  | 'no-nhs-number'
  | 'nhs-number-invalid'
  | 'not-registered'
  | 'no-date-of-birth'
  | 'date-of-birth-differs';

export const patientProblemWords: Record<PatientProblem, string> = {
  'no-nhs-number': 'The message has no NHS number',
  'nhs-number-invalid': 'The NHS number in the message is not valid',
  'not-registered': 'No child with this NHS number is registered in Jointly',
  'no-date-of-birth': 'The message has no date of birth to check the NHS number against',
  'date-of-birth-differs': 'The date of birth in the message differs from the child’s',
};

/** OBX-11 result statuses (HL7 table 0085) in words. */
export const resultStatusWords: Record<string, string> = {
  F: 'Final',
  C: 'Corrected',
  P: 'Preliminary',
  S: 'Partial',
  R: 'Not verified',
  I: 'In the laboratory',
  X: 'Could not be obtained',
  W: 'Wrong (withdrawn)',
  D: 'Deleted',
  N: 'Not asked',
  O: 'Order detail',
  U: 'Changed to final',
};

export const reasonWords = {
  'patient-not-matched': 'Patient not matched',
  'code-not-mapped': 'Test code not mapped',
} as const;

/**
 * The child a message is about: the NHS number must be valid and registered, and the date of birth in the
 * message must be the child's. Anything less waits for a person: a result is never filed on a guess.
 */
export function matchPatient(
  patient: MessagePatient,
  found: { id: string; dateOfBirth: PlainDate } | null,
): { patientId: string; dateOfBirth: PlainDate } | { problem: PatientProblem } {
  if (!patient.nhsNumber) return { problem: 'no-nhs-number' };
  if (patient.nhsNumberProblem) return { problem: 'nhs-number-invalid' };
  if (!found) return { problem: 'not-registered' };
  if (!patient.dateOfBirth) return { problem: 'no-date-of-birth' };
  if (patient.dateOfBirth !== found.dateOfBirth) return { problem: 'date-of-birth-differs' };
  return { patientId: found.id, dateOfBirth: found.dateOfBirth };
}

/** An unmapped code as the administrator sees it: with the unit and an example of what was sent. */
export interface UnmappedCode extends TestCode {
  unit: string;
}

export function unmappedWithUnits(
  codes: readonly TestCode[],
  observations: readonly MessageObservation[],
): UnmappedCode[] {
  return codes.map((c) => {
    const o = observations.find((x) => x.codes.some((k) => k.system === c.system && k.code === c.code));
    return { ...c, unit: o?.unit ?? '' };
  });
}

/**
 * A code can only be mapped to a test its results fit: the unit the laboratory sends must be one Jointly
 * accepts for that test (so a white cell code is never mapped to haemoglobin by a slip of the mouse).
 */
export function mappingProblems(
  chosen: readonly { field: string; code: UnmappedCode; analyte: Analyte | undefined }[],
): FieldProblem[] {
  return chosen.flatMap(({ field, code, analyte }) => {
    if (!analyte) {
      return [{ field, message: `Choose the test that ${code.text || code.code} (${code.code}) measures` }];
    }
    const fits = toCanonical(analyte, 1, code.unit);
    if (fits.ok) return [];
    return [
      {
        field,
        message: `${code.text || code.code} is sent in “${code.unit || 'no unit'}”, which is not a unit for ${analyteNames[analyte]}: ${fits.message}`,
      },
    ];
  });
}
