import { z } from 'zod';
import type { PlainDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { checkNhsNumber, type NhsNumber } from '../kernel/nhs-number.ts';
import { blankToUndefined, optionalDate, parseOrRefuse } from './input.rules.ts';

/** How many patients one search shows; past this, the person is asked to narrow it. */
export const SEARCH_LIMIT = 50;
/** How many patients one page of a list shows. */
export const PAGE_SIZE = 50;

/** One way of reading a typed name: the start of the family name, perhaps with the start of the given name. */
export interface NameMatch {
  familyPrefix: string;
  givenPrefix?: string;
}

export interface SearchCriteria {
  names?: NameMatch[];
  nhsNumber?: NhsNumber;
  dateOfBirth?: PlainDate;
}

/**
 * "Hart" is the start of a family name; "Hart, Amelia" is family then given; "Amelia Hart" is given then
 * family, but could also be a family name with a space in it ("Van Der"), so both readings are searched.
 */
export function nameMatches(text: string): NameMatch[] {
  const typed = text.trim().replace(/\s+/g, ' ');
  const comma = typed.indexOf(',');
  if (comma >= 0) {
    const family = typed.slice(0, comma).trim();
    const given = typed.slice(comma + 1).trim();
    return [given ? { familyPrefix: family, givenPrefix: given } : { familyPrefix: family }];
  }
  const space = typed.indexOf(' ');
  if (space < 0) return [{ familyPrefix: typed }];
  return [
    { familyPrefix: typed },
    { familyPrefix: typed.slice(space + 1), givenPrefix: typed.slice(0, space) },
  ];
}

/** Makes typed text match itself only in a LIKE pattern (so "%" or "_" in a name are not wildcards). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function searchSchema(allowTestRange: boolean) {
  return z.object({
    name: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'Name must be text' })
        .trim()
        .max(100, 'Name must be 100 characters or fewer')
        .refine((t) => !t.startsWith(','), 'Enter the family name before the comma, like Hart, Amelia')
        .optional(),
    ),
    nhsNumber: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'NHS number must be text' })
        .transform((text, ctx) => {
          const check = checkNhsNumber(text, { allowTestRange });
          if (check.ok) return check.nhsNumber;
          ctx.addIssue({ code: 'custom', message: check.message });
          return z.NEVER;
        })
        .optional(),
    ),
    dateOfBirth: optionalDate('Date of birth'),
  });
}

/** What to search for, from a search form or API query; refuses a search for nothing. */
export function parseSearchCriteria(input: unknown, options: { allowTestRange: boolean }): SearchCriteria {
  const { name, nhsNumber, dateOfBirth } = parseOrRefuse(
    searchSchema(options.allowTestRange),
    input,
    'Check the search',
  );
  if (!name && !nhsNumber && !dateOfBirth) {
    const message = 'Enter a name, NHS number or date of birth to search for';
    throw new JointlyError('INVALID_INPUT', message, [{ field: 'name', message }]);
  }
  return {
    ...(name ? { names: nameMatches(name) } : {}),
    ...(nhsNumber ? { nhsNumber } : {}),
    ...(dateOfBirth ? { dateOfBirth } : {}),
  };
}

/** Which criteria a search used, by name only: what the audit trail may record of it. */
export function criteriaUsed(criteria: SearchCriteria): string[] {
  return [
    criteria.names && 'name',
    criteria.nhsNumber && 'nhsNumber',
    criteria.dateOfBirth && 'dateOfBirth',
  ].filter((c): c is string => typeof c === 'string');
}
