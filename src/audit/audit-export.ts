import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../db/database.ts';

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

/** Optional bounds on an export, as plain dates (inclusive). */
export interface AuditPeriod {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Streams the audit trail as CSV, a page at a time in chain order, so an export of millions of
 * entries needs no more memory than one page. Returns the number of entries written.
 */
export async function exportAuditCsv(db: Queryable, period: AuditPeriod, out: Writable, pageSize = 5000): Promise<number> {
  out.write(stringify([auditCsvColumns as unknown as string[]]));
  let afterSeq = 0;
  let written = 0;
  for (;;) {
    const rows = await db.query<Record<(typeof auditCsvColumns)[number], unknown>>(
      `select a.seq, a.occurred_at, a.user_email, a.role, o.code as organisation_code, a.patient_id, a.action,
              a.outcome, a.relationship, a.break_glass_reason, a.details, a.hash
       from audit_event a left join organisation o on o.id = a.organisation_id
       where a.seq > $1
         and ($2::date is null or a.occurred_at >= $2::date)
         and ($3::date is null or a.occurred_at < $3::date + 1)
       order by a.seq limit $4`,
      [afterSeq, period.from ?? null, period.to ?? null, pageSize],
    );
    if (rows.length === 0) return written;
    const records = rows.map((r) =>
      auditCsvColumns.map((c) => {
        const v = r[c];
        if (v instanceof Date) return v.toISOString();
        if (c === 'details') return JSON.stringify(v);
        return v ?? '';
      }),
    );
    if (!out.write(stringify(records))) await new Promise((resolve) => out.once('drain', resolve));
    written += rows.length;
    afterSeq = Number(rows.at(-1)!.seq);
  }
}
