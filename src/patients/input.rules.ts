import { z } from 'zod';
import { isPlainDate, type PlainDate } from '../kernel/dates.ts';
import { type FieldProblem, fieldProblems, JointlyError } from '../kernel/errors.ts';

/** An empty form box means "not given", the same as leaving the field out of a JSON body. */
export function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** A required date typed as YYYY-MM-DD that must exist on the calendar. */
export function requiredDate(label: string, enter: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: (issue) => (issue.input === undefined ? enter : `${label} must be a date`) })
      .trim()
      .refine(isPlainDate, `${label} must be a real date`)
      .transform((v) => v as PlainDate),
  );
}

/** An optional date: left out, blank or null means not known. */
export function optionalDate(label: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: `${label} must be a date` })
      .trim()
      .refine(isPlainDate, `${label} must be a real date`)
      .transform((v) => v as PlainDate)
      .optional(),
  );
}

/** Is this a calendar date that has passed its own check (so it is safe to compare)? */
export function isValidDate(value: unknown): value is PlainDate {
  return typeof value === 'string' && isPlainDate(value);
}

/**
 * Parses input with a schema, or refuses it naming every field at fault, so nothing partial is written.
 * `summary` heads the message when several fields are wrong.
 */
export function parseOrRefuse<T extends z.ZodType>(schema: T, input: unknown, summary: string): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = firstProblemPerField(fieldProblems(result.error));
  const message =
    fields.length === 1 ? fields[0]!.message : `${summary}: ${fields.map((f) => f.message).join('; ')}`;
  throw new JointlyError('INVALID_INPUT', message, fields);
}

/** One message per field is what a person can act on; the rest follow once it is fixed. */
function firstProblemPerField(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field) && seen.add(p.field));
}
