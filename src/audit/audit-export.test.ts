import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeCell } from './audit-export.ts';

test('free text that a spreadsheet would run as a formula is kept as text in the CSV export', () => {
  assert.equal(safeCell('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
  assert.equal(safeCell('+44 phone call'), `'+44 phone call`);
  assert.equal(safeCell('@SUM(A1)'), `'@SUM(A1)`);
  assert.equal(safeCell('Seen in A&E, unwell'), 'Seen in A&E, unwell');
});
