import type { Queryable } from '../db/database.ts';
import type { BreakGlassReview, ReviewOutcome } from './break-glass-review.rules.ts';

export type ReviewStatus = 'unreviewed' | 'reviewed' | 'all';

/** One break-glass grant as its reviewer sees it: who, why and when, and the patient's id only. */
export interface BreakGlassGrant {
  id: string;
  grantedAt: Date;
  expiresAt: Date;
  userId: string;
  userEmail: string;
  role: string;
  organisationCode: string | null;
  patientId: string;
  reason: string;
  reviewedAt: Date | null;
  reviewerEmail: string | null;
  outcome: ReviewOutcome | null;
  note: string | null;
}

const grantColumns = `
  b.id, b.granted_at as "grantedAt", b.expires_at as "expiresAt", b.user_id as "userId", u.email as "userEmail",
  b.role, o.code as "organisationCode", b.patient_id as "patientId", b.reason, b.reviewed_at as "reviewedAt",
  r.email as "reviewerEmail", b.review_outcome as outcome, b.review_note as note
  from break_glass b
  join app_user u on u.id = b.user_id
  left join organisation o on o.id = b.organisation_id
  left join app_user r on r.id = b.reviewed_by`;

/** Grants waiting for review first, then newest first. */
export async function listGrants(
  db: Queryable,
  status: ReviewStatus,
  limit: number,
): Promise<BreakGlassGrant[]> {
  return db.query<BreakGlassGrant>(
    `select ${grantColumns}
     where ($1::text = 'all' or ($1::text = 'unreviewed') = (b.reviewed_at is null))
     order by (b.reviewed_at is null) desc, b.granted_at desc, b.id
     limit $2`,
    [status, limit],
  );
}

export async function findGrant(db: Queryable, id: string): Promise<BreakGlassGrant | undefined> {
  const [row] = await db.query<BreakGlassGrant>(`select ${grantColumns} where b.id = $1`, [id]);
  return row;
}

export async function countUnreviewedGrants(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    'select count(*)::int as count from break_glass where reviewed_at is null',
  );
  return row?.count ?? 0;
}

/** Records the review; false when someone else reviewed the grant first. */
export async function saveReview(
  tx: Queryable,
  id: string,
  review: BreakGlassReview,
  reviewer: { userId: string; at: Date },
): Promise<boolean> {
  const rows = await tx.query(
    `update break_glass set reviewed_by = $2, reviewed_at = $3, review_outcome = $4, review_note = $5
     where id = $1 and reviewed_at is null returning id`,
    [id, reviewer.userId, reviewer.at, review.outcome, review.note ?? null],
  );
  return rows.length > 0;
}
