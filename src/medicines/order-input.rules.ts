import { z } from 'zod';
import { blankToUndefined, requiredDate } from '../patients/input.rules.ts';

/**
 * What a prescriber sends to start, change or stop a medicine or to record a prescription, checked at the
 * edge. Web forms send text and the API sends numbers and booleans; both arrive here.
 */

function numberFrom(value: unknown): unknown {
  const given = blankToUndefined(value);
  return typeof given === 'string' ? Number(given.trim()) : given;
}

function amount(enter: string, label: string) {
  return z.preprocess(
    numberFrom,
    z
      .number({ error: (issue) => (issue.input === undefined ? enter : `${label} must be a number`) })
      .refine((n) => Number.isFinite(n) && n > 0, `${label} must be more than 0`)
      .refine((n) => n < 100_000, `${label} must be less than 100,000`),
  );
}

function optionalWhole(label: string) {
  return z.preprocess(
    numberFrom,
    z
      .number({ error: `${label} must be a whole number` })
      .int()
      .optional(),
  );
}

function optionalText(max: number) {
  return z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
}

/** A ticked box arrives as "yes" (or any value) from a form, as true from the API. */
const ticked = z.preprocess(
  (v) => v === true || (typeof v === 'string' && v !== '' && v !== 'false'),
  z.boolean(),
);

const doseFields = {
  doseMg: amount('Enter the dose in mg', 'Dose'),
  dayOfWeek: optionalText(20),
  folicAcidDay: optionalText(20),
  timesPerDay: optionalWhole('Times a day'),
  everyNDays: optionalWhole('Every how many days'),
  override: ticked.default(false),
  overrideReason: optionalText(500),
};

export const startMedicineInput = z.object({
  protocolId: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Choose the protocol the medicine is given under' }).trim().max(100),
  ),
  protocolVersionId: optionalText(40),
  medicine: optionalText(100),
  form: z.preprocess(blankToUndefined, z.string({ error: 'Choose the form and strength' }).trim().max(50)),
  route: optionalText(30),
  strengthMg: amount('Choose the form and strength', 'Strength'),
  frequency: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Choose how often it is given' }).trim().max(30),
  ),
  startDate: requiredDate('Start date', 'Enter the date the medicine starts'),
  ...doseFields,
});
export type StartMedicineInput = z.output<typeof startMedicineInput>;

export const changeDoseInput = z.object({
  startDate: requiredDate('Date the new dose starts', 'Enter the date the new dose starts'),
  strengthMg: z.preprocess(numberFrom, z.number({ error: 'Strength must be a number' }).optional()),
  ...doseFields,
});
export type ChangeDoseInput = z.output<typeof changeDoseInput>;

export const STOP_REASON_MIN = 5;

export const stopMedicineInput = z.object({
  stopDate: requiredDate('Stop date', 'Enter the last day the medicine is given'),
  reason: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Give the reason for stopping' })
      .trim()
      .min(STOP_REASON_MIN, `Give the reason for stopping, in at least ${STOP_REASON_MIN} characters`)
      .max(500, 'Keep the reason to 500 characters or fewer'),
  ),
});
export type StopMedicineInput = z.output<typeof stopMedicineInput>;

export const prescriptionInput = z.object({
  issuedOn: requiredDate('Date issued', 'Enter the date the prescription was issued'),
  quantity: amount('Enter the quantity supplied', 'Quantity'),
  quantityUnit: optionalText(30),
});
export type PrescriptionInput = z.output<typeof prescriptionInput>;
