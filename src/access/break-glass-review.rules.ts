import { z } from 'zod';
import { type FieldProblem, fieldProblems } from '../kernel/errors.ts';

export const reviewOutcomes = ['appropriate', 'inappropriate'] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

export const reviewOutcomeLabels: Record<ReviewOutcome, string> = {
  appropriate: 'Appropriate',
  inappropriate: 'Inappropriate',
};

/** A reviewer's judgement of one break-glass access. */
export const breakGlassReviewSchema = z.object({
  outcome: z.enum(reviewOutcomes, { message: 'Choose whether the access was appropriate' }),
  note: z
    .string()
    .trim()
    .max(2000, 'Note must be 2000 characters or fewer')
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});
export type BreakGlassReview = z.output<typeof breakGlassReviewSchema>;

/** The grant as the review rule needs it. */
export interface GrantUnderReview {
  userId: string;
  reviewedAt: Date | null;
}

/**
 * Checks a proposed review, field by field: an access judged inappropriate needs a note saying why
 * (it is what the follow-up with the person and their organisation starts from).
 */
export function reviewProblems(
  input: unknown,
): { ok: true; review: BreakGlassReview } | { ok: false; fields: FieldProblem[] } {
  const parsed = breakGlassReviewSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      fields: fieldProblems(parsed.error),
    };
  }
  if (parsed.data.outcome === 'inappropriate' && !parsed.data.note) {
    return {
      ok: false,
      fields: [{ field: 'note', message: 'Say why the access was inappropriate and what will happen next' }],
    };
  }
  return { ok: true, review: parsed.data };
}

/** Why this reviewer may not review this grant, or undefined when they may. */
export function reviewerRefusal(grant: GrantUnderReview, reviewerId: string): string | undefined {
  if (grant.reviewedAt) return 'This break-glass access has already been reviewed.';
  if (grant.userId === reviewerId)
    return 'You cannot review your own break-glass access; ask another administrator.';
  return undefined;
}
