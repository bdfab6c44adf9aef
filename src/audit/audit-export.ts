import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../db/database.ts';
import { type AuditFilter, auditFilterCondition } from './audit-search.store.ts';

export const auditCsvColumns = [
  'seq',
  'occurred_at',
  'user_email',
  'role',
  'organisation_code',
  'patient_id',
  'action',
  'outcome',
  'relationship',
  'break_glass_reason',
  'details',
  'hash',
] as const;

/** Optional bounds on an export, as plain UK calendar dates (inclusive). */
export interface AuditPeriod {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Streams the audit trail as CSV, a page at a time in chain order, so an export of millions of
 * entries needs no more memory than one page. Returns the number of entries written.
 * A period is the simplest filter; the administrator's search filters narrow it the same way.
 */
export async function exportAuditCsv(
  db: Queryable,
  filter: AuditFilter,
  out: Writable,
  pageSize = 5000,
): Promise<number> {
  const condition = auditFilterCondition(filter, 3);
  out.write(stringify([auditCsvColumns as unknown as string[]]));
  let afterSeq = 0;
  let written = 0;
  for (;;) {
    const rows = await db.query<Record<(typeof auditCsvColumns)[number], unknown>>(
      `select a.seq, a.occurred_at, a.user_email, a.role, o.code as organisation_code, a.patient_id, a.action,
              a.outcome, a.relationship, a.break_glass_reason, a.details, a.hash
       from audit_event a left join organisation o on o.id = a.organisation_id
       where a.seq > $1 and ${condition.sql}
       order by a.seq limit $2`,
      [afterSeq, pageSize, ...condition.params],
    );
    if (rows.length === 0) return written;
    const records = rows.map((r) =>
      auditCsvColumns.map((c) => {
        const v = r[c];
        if (v instanceof Date) return v.toISOString();
        if (c === 'details') return safeCell(JSON.stringify(v));
        return typeof v === 'string' ? safeCell(v) : (v ?? '');
      }),
    );
    if (!out.write(stringify(records))) await new Promise((resolve) => out.once('drain', resolve));
    written += rows.length;
    afterSeq = Number(rows.at(-1)!.seq);
  }
}

/**
 * Free text (a break-glass reason) starting with = + - @ would run as a formula when the export is
 * opened in a spreadsheet; a leading apostrophe keeps it as text.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
