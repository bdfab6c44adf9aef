import type { Queryable } from '../db/database.ts';

/** What a service administrator narrows the audit trail by. Every part is optional. */
export interface AuditFilter {
  userEmail?: string | undefined;
  patientId?: string | undefined;
  /** Part of the action's words, in any case ("view", "export"). */
  action?: string | undefined;
  outcome?: 'allowed' | 'refused' | undefined;
  /** First and last UK calendar days, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** Only entries of access through break-glass. */
  breakGlassOnly?: boolean | undefined;
}

/**
 * The filter as a SQL condition on `audit_event a`, using placeholders from `$firstParam` on.
 * Only the parts given become SQL, so each search gets a plan for its own indexes.
 */
export function auditFilterCondition(
  filter: AuditFilter,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  if (filter.userEmail) {
    // Through the account's id, so the (user_id, seq) index serves it however long the trail.
    conditions.push(
      `a.user_id = (select u.id from app_user u where u.email = lower(${param(filter.userEmail)}))`,
    );
  }
  if (filter.patientId) conditions.push(`a.patient_id = ${param(filter.patientId)}::uuid`);
  if (filter.action) conditions.push(`strpos(lower(a.action), lower(${param(filter.action)})) > 0`);
  if (filter.outcome) conditions.push(`a.outcome = ${param(filter.outcome)}`);
  if (filter.from) conditions.push(`a.occurred_at >= ${ukMidnight(param(filter.from))}`);
  if (filter.to) conditions.push(`a.occurred_at < ${ukMidnight(`${param(filter.to)}::date + 1`)}`);
  if (filter.breakGlassOnly)
    conditions.push(`(a.relationship = 'break-glass' or a.break_glass_reason is not null)`);
  return { sql: conditions.length ? conditions.join(' and ') : 'true', params };
}

function ukMidnight(dateSql: string): string {
  return `((${dateSql})::date::timestamp at time zone 'Europe/London')`;
}

export interface AuditListEntry {
  seq: number;
  occurredAt: Date;
  userEmail: string | null;
  role: string | null;
  organisationCode: string | null;
  patientId: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  relationship: string | null;
  breakGlassReason: string | null;
  details: unknown;
}

/** Where a page of the trail starts: entries older than `before`, or newer than `after`, or the newest. */
export interface AuditPage {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export interface AuditSearchResult {
  /** Newest first. */
  entries: AuditListEntry[];
  /** Pass as `before` for the next, older page; absent on the oldest page. */
  older?: number;
  /** Pass as `after` for the previous, newer page; absent on the newest page. */
  newer?: number;
}

/**
 * One page of matching entries, newest first. Pages are keyed on `seq` rather than an offset,
 * so the thousandth page costs what the first does on a trail of millions.
 */
export async function searchAudit(
  db: Queryable,
  filter: AuditFilter,
  page: AuditPage,
): Promise<AuditSearchResult> {
  const condition = auditFilterCondition(filter, 3);
  const goingNewer = page.after !== undefined && page.before === undefined;
  const rows = await db.query<AuditListEntry>(
    `select a.seq, a.occurred_at as "occurredAt", a.user_email as "userEmail", a.role,
            o.code as "organisationCode", a.patient_id as "patientId", a.action, a.outcome, a.relationship,
            a.break_glass_reason as "breakGlassReason", a.details
     from audit_event a left join organisation o on o.id = a.organisation_id
     where ${goingNewer ? 'a.seq > $1' : 'a.seq < $1'} and ${condition.sql}
     order by a.seq ${goingNewer ? 'asc' : 'desc'}
     limit $2`,
    [goingNewer ? page.after : (page.before ?? Number.MAX_SAFE_INTEGER), page.limit + 1, ...condition.params],
  );
  const more = rows.length > page.limit;
  const entries = rows.slice(0, page.limit).map((r) => ({ ...r, seq: Number(r.seq) }));
  if (goingNewer) entries.reverse();
  const first = entries[0]?.seq;
  const last = entries.at(-1)?.seq;
  const result: AuditSearchResult = { entries };
  const hasOlder = goingNewer ? true : more;
  const hasNewer = goingNewer ? more : page.before !== undefined;
  if (hasOlder && last !== undefined) result.older = last;
  if (hasNewer && first !== undefined) result.newer = first;
  return result;
}
