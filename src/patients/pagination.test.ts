import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { paginationFor } from './pagination.ts';

const href = (n: number) => `/patients?page=${n}`;

describe('pagination of the patient list', () => {
  test('the first page links only to the next', () => {
    assert.deepEqual(paginationFor(1, true, href), {
      next: { href: '/patients?page=2', label: { text: 'Page 2' } },
    });
  });

  test('a page in the middle links both ways', () => {
    const paging = paginationFor(10, true, href);
    assert.equal(paging.previous?.href, '/patients?page=9');
    assert.equal(paging.next?.label.text, 'Page 11');
  });

  test('the last page links only back', () => {
    assert.deepEqual(Object.keys(paginationFor(3, false, href)), ['previous']);
  });
});
