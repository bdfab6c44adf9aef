import { addDays, isPlainDate, type PlainDate, todayInUk } from '../../kernel/dates.ts';
import { invalid } from './outcome.ts';

/** The kinds of FHIR search parameter Jointly takes (FHIR R4 §3.1.1.4). */
export type ParamKind = 'reference' | 'token' | 'date' | 'string';

export interface SearchParamDef {
  name: string;
  kind: ParamKind;
  documentation: string;
}

/** Parameters every search takes, besides its own. */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;
const commonParams = new Set(['_count', '_offset', '_cursor', '_sort', '_total', '_format']);

export interface ParsedSearch {
  /** Each parameter given, by name, with every value (repeats are ANDed; commas within one are ORed). */
  values: Map<string, string[]>;
  count: number;
  offset: number;
  cursor: string | undefined;
  sort: string | undefined;
  /** False when the client asked for no total (`_total=none`). */
  wantsTotal: boolean;
}

type Query = Record<string, unknown>;

/**
 * Reads a search's query string against the parameters the resource supports. An unknown parameter or a
 * modifier is refused (400) rather than ignored, so that a client never takes an unfiltered answer for a
 * filtered one.
 */
export function parseSearch(
  query: Query,
  defs: readonly SearchParamDef[],
  sorts: readonly string[] = [],
): ParsedSearch {
  const known = new Map(defs.map((d) => [d.name, d]));
  const values = new Map<string, string[]>();
  for (const [key, raw] of Object.entries(query)) {
    if (commonParams.has(key)) continue;
    const [name, modifier] = key.split(':');
    if (!known.has(name!)) {
      const supported = defs.map((d) => d.name).join(', ') || 'none';
      throw invalid(`Jointly does not support the search parameter '${key}' here. Supported: ${supported}.`);
    }
    if (modifier !== undefined)
      throw invalid(`Jointly does not support the modifier ':${modifier}' on '${name}'.`);
    const list = (Array.isArray(raw) ? raw : [raw]).map(String);
    if (list.some((v) => v.trim() === '')) throw invalid(`The search parameter '${name}' needs a value.`);
    values.set(name!, list);
  }
  const sort = single(query, '_sort');
  if (sort !== undefined && !sorts.includes(sort)) {
    throw invalid(`_sort can be ${sorts.length ? sorts.join(' or ') : 'nothing'} here; not '${sort}'.`);
  }
  const total = single(query, '_total');
  if (total !== undefined && !['none', 'accurate', 'estimate'].includes(total)) {
    throw invalid(`_total can be none, estimate or accurate; not '${total}'.`);
  }
  return {
    values,
    count: wholeNumber(query, '_count', DEFAULT_COUNT, 1, MAX_COUNT),
    offset: wholeNumber(query, '_offset', 0, 0, 1_000_000),
    cursor: single(query, '_cursor'),
    sort,
    wantsTotal: total !== 'none',
  };
}

function single(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw invalid(`Give ${name} once.`);
  return String(raw);
}

function wholeNumber(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) throw invalid(`${name} must be a whole number from ${min}.`);
  return Math.min(n, max);
}

/** A reference parameter (`patient=ID` or `patient=Patient/ID`) as the id, which must be a Jointly id. */
export function referenceId(value: string, resourceType: string, param: string): string {
  const id = value.startsWith(`${resourceType}/`) ? value.slice(resourceType.length + 1) : value;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw invalid(`${param} must be a ${resourceType} id or ${resourceType}/id; '${value}' is not.`);
  }
  return id.toLowerCase();
}

/** A token parameter's alternatives (`system|code`, `|code`, `code`, separated by commas). */
export function tokens(value: string): { system: string | undefined; code: string }[] {
  return splitOr(value).map((v) => {
    const bar = v.indexOf('|');
    if (bar === -1) return { system: undefined, code: v };
    return { system: v.slice(0, bar), code: v.slice(bar + 1) };
  });
}

function splitOr(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A string parameter's alternatives, matched case-insensitively from the start of the name. */
export function strings(value: string): string[] {
  return splitOr(value);
}

/** Calendar days from..to (inclusive; either open). */
export interface DayRange {
  from: PlainDate | undefined;
  to: PlainDate | undefined;
}

const prefixes = ['eq', 'gt', 'lt', 'ge', 'le'] as const;
const dateValue = /^(\d{4})(-(\d{2})(-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/**
 * Every value of a date parameter (each `[prefix]date`, ANDed) as one range of calendar days. A year or a
 * month stands for all its days; a date-time for its day in the UK. `ne`, `sa`, `eb` and `ap` are refused.
 */
export function dayRange(values: readonly string[], param: string): DayRange {
  let from: PlainDate | undefined;
  let to: PlainDate | undefined;
  for (const raw of values) {
    const prefix = /^[a-z]{2}/.test(raw) ? raw.slice(0, 2) : 'eq';
    if (!(prefixes as readonly string[]).includes(prefix)) {
      throw invalid(`${param} takes the prefixes eq, gt, lt, ge and le; not '${prefix}'.`);
    }
    const days = daysOf(/^[a-z]{2}/.test(raw) ? raw.slice(2) : raw, param);
    const lower = { eq: days.first, ge: days.first, gt: addDays(days.last, 1) }[prefix as 'eq' | 'ge' | 'gt'];
    const upper = { eq: days.last, le: days.last, lt: addDays(days.first, -1) }[prefix as 'eq' | 'le' | 'lt'];
    if (lower && (!from || lower > from)) from = lower;
    if (upper && (!to || upper < to)) to = upper;
  }
  return { from, to };
}

function daysOf(value: string, param: string): { first: PlainDate; last: PlainDate } {
  const m = dateValue.exec(value);
  const bad = () =>
    invalid(`${param} must be a date like 2026-11-20 (or 2026-11, 2026), with a prefix such as ge.`);
  if (!m) throw bad();
  const [, year, , month, , day, time] = m;
  if (time) return one(todayInUk(new Date(value)));
  if (day) {
    const date = `${year}-${month}-${day}`;
    if (!isPlainDate(date)) throw bad();
    return one(date);
  }
  if (month) {
    const first = `${year}-${month}-01`;
    if (!isPlainDate(first)) throw bad();
    const next =
      Number(month) === 12
        ? `${Number(year) + 1}-01-01`
        : `${year}-${String(Number(month) + 1).padStart(2, '0')}-01`;
    return { first, last: addDays(next as PlainDate, -1) };
  }
  return { first: `${year}-01-01` as PlainDate, last: `${year}-12-31` as PlainDate };
}

function one(date: PlainDate): { first: PlainDate; last: PlainDate } {
  return { first: date, last: date };
}

/** A page's place in a keyed list, opaque to the client: the sort key of the last entry it saw. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    ) {
      return key;
    }
  } catch {
    // falls through to the refusal
  }
  throw invalid('_cursor is not one Jointly gave; follow the next link of the previous page.');
}
