import { z } from 'zod';
import type { PlainDate } from '../kernel/dates.ts';
import { checkNhsNumber, type NhsNumber } from '../kernel/nhs-number.ts';
import { blankToUndefined, isValidDate, optionalDate, parseOrRefuse, requiredDate } from './input.rules.ts';

export const sexes = ['female', 'male', 'indeterminate', 'unknown'] as const;
export type Sex = (typeof sexes)[number];
export const sexLabels: Record<Sex, string> = {
  female: 'Female',
  male: 'Male',
  indeterminate: 'Indeterminate',
  unknown: 'Not known',
};

/** Jointly is a paediatric service: young people stay in it into early adulthood, but not beyond this. */
export const OLDEST_AGE_YEARS = 25;

/** The dates the clinic's audit measures are worked out from (referral to first seen, onset to diagnosis). */
export const auditDateFields = [
  'symptomOnsetDate',
  'referralReceivedDate',
  'firstSeenDate',
  'diagnosisDate',
] as const;
export type AuditDateField = (typeof auditDateFields)[number];
export const auditDateLabels: Record<AuditDateField, string> = {
  symptomOnsetDate: 'Date symptoms started',
  referralReceivedDate: 'Date referral received',
  firstSeenDate: 'Date first seen by the team',
  diagnosisDate: 'Date of diagnosis',
};

/** A patient's details as registered or edited. */
export interface PatientDetails {
  nhsNumber: NhsNumber;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  sex: Sex;
  postcode?: string;
  /** The organisation code of the GP practice the child is registered with. */
  registeredPracticeCode: string;
  symptomOnsetDate?: PlainDate;
  referralReceivedDate?: PlainDate;
  firstSeenDate?: PlainDate;
  diagnosisDate?: PlainDate;
}

export interface PatientInputContext {
  today: PlainDate;
  /** NHS numbers from the 999 test range: only in demo and test mode. */
  allowTestRange: boolean;
  /**
   * When editing, the date of birth already on record. The age limit is not checked again for it,
   * so a young person who has grown past the limit can still have their address corrected.
   */
  recordedDateOfBirth?: PlainDate;
}

const postcodePattern = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

/** "ls14ap" → "LS1 4AP"; anything that is not then a UK postcode is undefined. */
export function normalisePostcode(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  const spaced = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  return postcodePattern.test(spaced) ? spaced : undefined;
}

/** The same day and month, `years` earlier (as text, so 29 February compares correctly without existing). */
function yearsBefore(date: PlainDate, years: number): string {
  return `${String(Number(date.slice(0, 4)) - years).padStart(4, '0')}${date.slice(4)}`;
}

function name(label: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({
        error: (issue) => (issue.input === undefined ? `Enter the ${label}` : `The ${label} must be text`),
      })
      .trim()
      .min(1, `Enter the ${label}`)
      .max(100, `The ${label} must be 100 characters or fewer`),
  );
}

/** The schema for registering or editing a patient, for the date and mode the request is made in. */
export function patientDetailsSchema(context: PatientInputContext) {
  const { today } = context;
  const oldest = yearsBefore(today, OLDEST_AGE_YEARS);
  return z
    .object({
      nhsNumber: z.preprocess(
        blankToUndefined,
        z.string({ error: 'Enter the NHS number' }).transform((text, ctx) => {
          const check = checkNhsNumber(text, { allowTestRange: context.allowTestRange });
          if (check.ok) return check.nhsNumber;
          ctx.addIssue({ code: 'custom', message: check.message });
          return z.NEVER;
        }),
      ),
      givenName: name('given name'),
      familyName: name('family name'),
      dateOfBirth: requiredDate('Date of birth', 'Enter the date of birth')
        .refine((d) => d <= today, 'Date of birth must be today or in the past')
        .refine(
          (d) => d === context.recordedDateOfBirth || d >= oldest,
          `Date of birth must be within the last ${OLDEST_AGE_YEARS} years: Jointly is a service for children and young people`,
        ),
      sex: z.enum(sexes, { error: 'Choose the patient’s sex: female, male, indeterminate or not known' }),
      postcode: z.preprocess(
        blankToUndefined,
        z
          .string({ error: 'Postcode must be text' })
          .transform((text, ctx) => {
            const postcode = normalisePostcode(text);
            if (postcode) return postcode;
            ctx.addIssue({ code: 'custom', message: 'Enter a real UK postcode, like LS1 4AP' });
            return z.NEVER;
          })
          .optional(),
      ),
      registeredPracticeCode: z.preprocess(
        blankToUndefined,
        z
          .string({ error: 'Choose the GP practice the patient is registered with' })
          .trim()
          .toUpperCase()
          .regex(/^[A-Z0-9]{3,10}$/, 'A GP practice code is 3 to 10 letters or digits, like A81001'),
      ),
      symptomOnsetDate: optionalDate(auditDateLabels.symptomOnsetDate),
      referralReceivedDate: optionalDate(auditDateLabels.referralReceivedDate),
      firstSeenDate: optionalDate(auditDateLabels.firstSeenDate),
      diagnosisDate: optionalDate(auditDateLabels.diagnosisDate),
    })
    .superRefine((patient, ctx) => {
      for (const field of auditDateFields) {
        const date = patient[field];
        if (!isValidDate(date)) continue;
        const label = auditDateLabels[field];
        if (date > today)
          ctx.addIssue({ code: 'custom', path: [field], message: `${label} cannot be in the future` });
        else if (isValidDate(patient.dateOfBirth) && date < patient.dateOfBirth) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${label} cannot be before the date of birth`,
          });
        }
      }
      const { referralReceivedDate: referral, firstSeenDate: firstSeen } = patient;
      if (isValidDate(referral) && isValidDate(firstSeen) && firstSeen < referral) {
        ctx.addIssue({
          code: 'custom',
          path: ['firstSeenDate'],
          message: 'Date first seen by the team cannot be before the date the referral was received',
        });
      }
    });
}

/** Checks a patient's details, or refuses them naming each field at fault. */
export function parsePatientDetails(input: unknown, context: PatientInputContext): PatientDetails {
  return parseOrRefuse(patientDetailsSchema(context), input, 'Some of the patient’s details need correcting');
}
