import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { analyteFromName, checkCsvRows, readResultsCsv, rowsFromPreview } from './csv-import.rules.ts';

const context = { today: '2026-11-26' as PlainDate, dateOfBirth: '2016-03-14' as PlainDate };

function rowsOf(text: string) {
  const file = readResultsCsv(text);
  assert.ok(file.ok, file.ok ? '' : file.message);
  return file;
}

describe('reading a results file', () => {
  test('headers in any case and order; rows numbered as in the file, blank lines counted', () => {
    const file = rowsOf(
      '\uFEFFUnit, VALUE ,Analyte,Specimen Date,Lab\n10^9/L,3.1,neutrophils,2026-11-24,North\n\ng/L,120,Haemoglobin,2026-11-24,North\n',
    );
    assert.deepEqual(
      file.rows.map((r) => [r.row, r.analyte, r.value, r.unit, r.specimen_date, r.range_low]),
      [
        [2, 'neutrophils', '3.1', '10^9/L', '2026-11-24', ''],
        [4, 'Haemoglobin', '120', 'g/L', '2026-11-24', ''],
      ],
    );
    assert.deepEqual(file.ignoredColumns, ['Lab']);
  });

  test('a file missing a column, empty, or not CSV at all is refused as a whole', () => {
    const missing = readResultsCsv('analyte,value\nneutrophils,3\n');
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.message, /unit, specimen_date are missing/);
    assert.equal(readResultsCsv('').ok, false);
    assert.equal(readResultsCsv('analyte,value,unit,specimen_date\n').ok, false);
    const broken = readResultsCsv('analyte,value,unit,specimen_date\n"neutrophils,3,10^9/L,2026-11-24\n');
    assert.equal(broken.ok, false);
    assert.match(broken.ok ? '' : broken.message, /could not be read as CSV/);
  });

  test('a test is named by its code or its name', () => {
    assert.equal(analyteFromName('white_cell_count'), 'white_cell_count');
    assert.equal(analyteFromName(' White  cell count '), 'white_cell_count');
    assert.equal(analyteFromName('ALT'), 'alt');
    assert.equal(analyteFromName('Alkaline phosphatase'), 'alkaline_phosphatase');
    assert.equal(analyteFromName('unicorns'), undefined);
  });
});

describe('checking a file’s rows', () => {
  test('each problem names its column; a good row shows what would be stored, in Jointly’s unit', () => {
    const file = rowsOf(
      [
        'analyte,value,unit,specimen_date,range_low,range_high',
        'haemoglobin,12.5,g/dL,20/11/2026,11.5,15.5',
        'platelets,250,mg/dL,2026-11-20,,',
        'unicorns,1,U/L,2026-11-20,,',
        'crp,,mg/L,2026-11-20,,',
        'alt,30,U/L,2026-12-01,,',
        'alt,30,U/L,2026-11-20,40,10',
      ].join('\n'),
    );
    const checked = checkCsvRows(file.rows, context);
    assert.deepEqual(checked[0]!.stored, { name: 'Haemoglobin', value: '125', unit: 'g/L' });
    assert.deepEqual(
      checked.slice(1).map((c) => [c.row.row, c.problems.map((p) => p.column)]),
      [
        [3, ['unit']],
        [4, ['analyte']],
        [5, ['value']],
        [6, ['specimen_date']],
        [7, ['range_high']],
      ],
    );
    assert.match(checked[1]!.problems[0]!.message, /Platelets: “mg\/dL” is not a unit Jointly accepts/);
    assert.match(checked[4]!.problems[0]!.message, /cannot have been taken in the future/);
    assert.ok(checked.slice(1).every((c) => c.input === null && c.stored === null));
  });

  test('rows sent back from a preview are read as untrusted text: anything else is refused', () => {
    const row = {
      row: 2,
      analyte: 'crp',
      value: '4',
      unit: 'mg/L',
      specimen_date: '2026-11-20',
      range_low: '',
      range_high: '',
    };
    assert.deepEqual(rowsFromPreview(JSON.stringify([row])), [row]);
    assert.equal(rowsFromPreview('not json'), null);
    assert.equal(rowsFromPreview(JSON.stringify([])), null);
    assert.equal(rowsFromPreview(JSON.stringify([{ ...row, patientId: 'someone else' }])), null);
    assert.equal(rowsFromPreview(undefined), null);
  });
});
