import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { PlainDate } from '../kernel/dates.ts';
import { type Analyte, analytes } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { analyteNames } from './panels.ts';
import { checkResults, reportedResult } from './result-input.rules.ts';

/**
 * A file of one child's results, checked row by row before anything is stored. Rows are numbered as a
 * spreadsheet numbers them (the header is row 1), and every problem names its row and column.
 */

export const csvColumns = ['analyte', 'value', 'unit', 'specimen_date', 'range_low', 'range_high'] as const;
export type CsvColumn = (typeof csvColumns)[number];
const requiredColumns: readonly CsvColumn[] = ['analyte', 'value', 'unit', 'specimen_date'];
export const MAX_CSV_ROWS = 500;

/** One row as the file gave it: text, not yet trusted. Kept in the preview page and sent back on confirm. */
export const csvRow = z
  .object({
    row: z.number().int().min(2),
    analyte: z.string().max(200),
    value: z.string().max(200),
    unit: z.string().max(200),
    specimen_date: z.string().max(200),
    range_low: z.string().max(200),
    range_high: z.string().max(200),
  })
  .strict();
export type CsvRow = z.infer<typeof csvRow>;

export type CsvFile = { ok: true; rows: CsvRow[]; ignoredColumns: string[] } | { ok: false; message: string };

function columnKey(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Reads the file's text; refuses it whole when it cannot be read or lacks a column every row needs. */
export function readResultsCsv(text: string): CsvFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[]; // `info: true` wraps each record
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'it is not a CSV file';
    return { ok: false, message: `The file could not be read as CSV: ${reason}` };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, message: 'The file is empty' };
  const keys = header.record.map(columnKey);
  const missing = requiredColumns.filter((c) => !keys.includes(c));
  if (missing.length) {
    return {
      ok: false,
      message: `The first row must name the columns; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. The columns are ${csvColumns.join(', ')}.`,
    };
  }
  if (body.length === 0) return { ok: false, message: 'The file has a header row but no results' };
  if (body.length > MAX_CSV_ROWS) {
    return {
      ok: false,
      message: `The file has ${body.length} results; at most ${MAX_CSV_ROWS} can be imported at once`,
    };
  }
  const at = (cells: string[], column: CsvColumn) => {
    const i = keys.indexOf(column);
    return i >= 0 ? (cells[i] ?? '') : '';
  };
  const rows = body.map(({ record, info }) => ({
    row: info.lines,
    ...(Object.fromEntries(csvColumns.map((c) => [c, at(record, c)])) as Record<CsvColumn, string>),
  }));
  const ignoredColumns = header.record.filter((h, i) => h && !csvColumns.includes(keys[i] as CsvColumn));
  return { ok: true, rows, ignoredColumns };
}

const byName = new Map<string, Analyte>(
  analytes.flatMap((a) => [
    [a, a],
    [analyteNames[a].toLowerCase(), a],
    [a.replaceAll('_', ' '), a],
  ]),
);

/** A test named by Jointly's code (`neutrophils`, `white_cell_count`) or its name (`White cell count`, `ALT`). */
export function analyteFromName(name: string): Analyte | undefined {
  return byName.get(name.trim().toLowerCase().replace(/\s+/g, ' '));
}

/** 2026-11-20, or 20/11/2026 as UK laboratories write it; anything else is left for the date check to refuse. */
function isoDate(text: string): string {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  return uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : text.trim();
}

const columnOf: Record<string, CsvColumn> = {
  analyte: 'analyte',
  value: 'value',
  unit: 'unit',
  specimenDate: 'specimen_date',
  rangeLow: 'range_low',
  rangeHigh: 'range_high',
};

export interface CheckedCsvRow {
  row: CsvRow;
  problems: { column: CsvColumn; message: string }[];
  /** The result as it would be stored (Jointly's unit), when the row is valid. */
  stored: { name: string; value: string; unit: string } | null;
  /** What the recording path takes, when the row is valid. */
  input: Record<string, unknown> | null;
}

/**
 * Checks each row by the same rules every result meets (units, impossible values, dates), so the preview shows
 * exactly what would be stored or refused.
 */
export function checkCsvRows(
  rows: readonly CsvRow[],
  context: { today: PlainDate; dateOfBirth: PlainDate },
): CheckedCsvRow[] {
  return rows.map((row) => {
    const analyte = analyteFromName(row.analyte);
    const input = {
      analyte: analyte ?? row.analyte,
      value: row.value,
      unit: row.unit,
      rangeLow: row.range_low,
      rangeHigh: row.range_high,
      specimenDate: isoDate(row.specimen_date),
    };
    const problems: CheckedCsvRow['problems'] = [];
    if (!analyte) {
      problems.push({
        column: 'analyte',
        message: row.analyte
          ? `“${row.analyte}” is not a test Jointly knows: use one of ${analytes.join(', ')}`
          : 'Enter the test',
      });
    }
    const parsed = reportedResult.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = columnOf[String(issue.path[0])];
        if (column && column !== 'analyte') problems.push({ column, message: issue.message });
      }
    }
    if (!parsed.success || problems.length)
      return { row, problems: firstPerColumn(problems), stored: null, input: null };
    const { checked, problems: found } = checkResults([parsed.data], context);
    for (const p of found)
      problems.push({ column: columnOf[p.field.split('.')[2] ?? ''] ?? 'value', message: p.message });
    const result = checked[0];
    if (problems.length || !result)
      return { row, problems: firstPerColumn(problems), stored: null, input: null };
    return {
      row,
      problems: [],
      stored: { name: analyteNames[result.analyte], value: formatNumber(result.value), unit: result.unit },
      input,
    };
  });
}

function firstPerColumn(problems: CheckedCsvRow['problems']): CheckedCsvRow['problems'] {
  return problems.filter((p, i) => problems.findIndex((q) => q.column === p.column) === i);
}

/** The rows a preview page sent back, read again as untrusted text: they are checked afresh before storing. */
export function rowsFromPreview(json: unknown): CsvRow[] | null {
  if (typeof json !== 'string') return null;
  try {
    const parsed = z.array(csvRow).min(1).max(MAX_CSV_ROWS).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
