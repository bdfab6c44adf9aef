import { z } from 'zod';
import type { AuditFilter } from '../audit/audit-search.store.ts';
import { isPlainDate } from '../kernel/dates.ts';
import { optionalText } from './administrator.ts';

const optionalDate = optionalText.pipe(
  z.string().refine(isPlainDate, 'Enter a real date as YYYY-MM-DD, like 2026-11-26').optional(),
);

/** The audit trail's search, as a query string (web form and API alike). */
export const auditFilterSchema = z
  .object({
    userEmail: optionalText.pipe(
      z.string().max(254, 'E-mail address must be 254 characters or fewer').optional(),
    ),
    patientId: optionalText.pipe(
      z
        .guid(
          'Enter the patient’s identifier in full: 36 characters, like 0b8f6f5e-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
        )
        .optional(),
    ),
    action: optionalText.pipe(z.string().max(100, 'Action must be 100 characters or fewer').optional()),
    outcome: optionalText.pipe(
      z.enum(['allowed', 'refused'], { message: 'Choose allowed or refused' }).optional(),
    ),
    from: optionalDate,
    to: optionalDate,
    breakGlassOnly: z
      .enum(['true', 'false'], { message: 'Break-glass only must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'The “to” date must be the same as or after the “from” date',
      });
    }
  });

/** Where a page of the trail starts, by the entries' sequence numbers. */
export const auditPageSchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().min(0).optional(),
});

/** The filter back as a query string, leaving out what was not given. */
export function auditFilterQuery(filter: AuditFilter, extra: Record<string, string | number> = {}): string {
  const entries = Object.entries({ ...filter, ...extra })
    .filter(([, v]) => v !== undefined && v !== '' && v !== false)
    .map(([k, v]): [string, string] => [k, String(v)]);
  return new URLSearchParams(entries).toString();
}
