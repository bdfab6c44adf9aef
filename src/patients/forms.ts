import type { FastifyRequest } from 'fastify';
import type { Asker } from '../access/patient-access.ts';
import { JointlyError } from '../kernel/errors.ts';
import { requireViewer } from '../server/guards.ts';
import { auditDateFields } from './patient.rules.ts';

/** A posted web form or a page's query string: every value is text. */
export type FormValues = Record<string, unknown>;

const patientFields = [
  'nhsNumber',
  'givenName',
  'familyName',
  'sex',
  'postcode',
  'registeredPracticeCode',
] as const;
const patientDates = ['dateOfBirth', ...auditDateFields] as const;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * A date typed into the three boxes of an NHS date input (`name-day`, `name-month`, `name-year`) as
 * YYYY-MM-DD; a date sent whole as `name` is taken as it is. All boxes empty means no date.
 */
export function dateFromForm(form: FormValues, name: string): string | undefined {
  if (typeof form[name] === 'string') return form[name];
  const [day, month, year] = ['day', 'month', 'year'].map((part) => text(form[`${name}-${part}`]));
  if (!day && !month && !year) return undefined;
  // Anything that is not a day, month and four-digit year becomes text the date check refuses by name.
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) return 'not a date';
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

/** The three boxes of a date input filled in from a YYYY-MM-DD date. */
export function dateIntoForm(name: string, date: string | null | undefined): Record<string, string> {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return {};
  const [year, month, day] = date.split('-');
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year!,
  };
}

/** The patient form's fields as the input the schema checks. */
export function patientFormAsInput(form: FormValues): Record<string, unknown> {
  return {
    ...Object.fromEntries(patientFields.map((field) => [field, form[field]])),
    ...Object.fromEntries(patientDates.map((field) => [field, dateFromForm(form, field)])),
  };
}

/** A patient's details laid out as the edit form's boxes. */
export function patientInputAsForm(input: Record<string, string | undefined>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const field of patientFields) form[field] = input[field] ?? '';
  for (const field of patientDates) Object.assign(form, dateIntoForm(field, input[field]));
  return form;
}

/** Refusals that a form shows beside its fields; anything else (no permission, no patient) is an error page. */
export function isFormRefusal(error: unknown): error is JointlyError {
  return error instanceof JointlyError && (error.code === 'INVALID_INPUT' || error.code === 'CONFLICT');
}

/** The form as posted, without its CSRF token: what a re-shown form is filled in with. */
export function postedForm(body: unknown): FormValues {
  const { _csrf: _, ...form } = (typeof body === 'object' && body !== null ? body : {}) as FormValues;
  return form;
}

/** The signed-in person making the request, and when: what every access check is given. */
export function askerFrom(request: FastifyRequest): Asker {
  return { viewer: requireViewer(request), now: request.now, today: request.today };
}
