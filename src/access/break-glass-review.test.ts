import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reviewerRefusal, reviewProblems } from './break-glass-review.rules.ts';

describe('reviewing a break-glass access', () => {
  test('judged appropriate, it needs no note', () => {
    assert.deepEqual(reviewProblems({ outcome: 'appropriate', note: '' }), {
      ok: true,
      review: { outcome: 'appropriate', note: undefined },
    });
  });

  test('judged inappropriate without a note, it is refused naming the note field', () => {
    const result = reviewProblems({ outcome: 'inappropriate', note: '   ' });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.fields.map((f) => f.field), ['note']);
  });

  test('judged inappropriate with a note, it is accepted with the note trimmed', () => {
    assert.deepEqual(
      reviewProblems({ outcome: 'inappropriate', note: ' Not an emergency; GP was curious. ' }),
      {
        ok: true,
        review: { outcome: 'inappropriate', note: 'Not an emergency; GP was curious.' },
      },
    );
  });

  test('without an outcome, it is refused naming the outcome field', () => {
    const result = reviewProblems({ note: 'Looks fine' });
    assert.deepEqual(!result.ok && result.fields, [
      { field: 'outcome', message: 'Choose whether the access was appropriate' },
    ]);
  });

  test('a note longer than 2000 characters is refused', () => {
    const result = reviewProblems({ outcome: 'appropriate', note: 'x'.repeat(2001) });
    assert.deepEqual(!result.ok && result.fields.map((f) => f.field), ['note']);
  });
});

describe('who may review a grant', () => {
  const grant = { userId: 'gp-1', reviewedAt: null };

  test('another person may review an unreviewed grant', () => {
    assert.equal(reviewerRefusal(grant, 'admin-1'), undefined);
  });

  test('nobody reviews their own break-glass access', () => {
    assert.match(reviewerRefusal(grant, 'gp-1') ?? '', /your own break-glass access/);
  });

  test('a grant is reviewed once', () => {
    assert.match(
      reviewerRefusal({ ...grant, reviewedAt: new Date() }, 'admin-1') ?? '',
      /already been reviewed/,
    );
  });
});
