import { Hl7Message, type Hl7Segment } from '@medplum/core';
import { isPlainDate, type PlainDate } from '../../kernel/dates.ts';
import { checkNhsNumber } from '../../kernel/nhs-number.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import type { ReportedResult } from '../../results/result-input.rules.ts';

/**
 * Reading a laboratory's ORU^R01 message (HL7 v2.3 to v2.5.1) and turning its OBX segments into the results
 * Jointly records. Pure: no I/O; the code map is passed in.
 *
 * Decisions:
 * - Only final (F) and corrected (C) results are recorded. A correction is a new result (results are never
 *   changed). Preliminary (P), partial (S), unverified (R), in-lab (I), cannot-obtain (X), wrong (W), deleted (D)
 *   and the rest are acknowledged and kept with the message but not recorded: the final result follows, and
 *   a preliminary value must not raise alerts nobody has verified.
 * - A result is an OBX whose value type is numeric (NM, SN) or whose code maps to a Jointly analyte; its value
 *   must then be one number. "<5" is refused (AE), never guessed. Other text OBX (comments, film reports) are
 *   kept with the message only.
 * - OBX after an SPM segment describe the specimen (v2.5.1) and are not results.
 * - The specimen date is OBX-14, else SPM-17 of the order, else OBR-7; the date the laboratory wrote, time and
 *   zone dropped.
 * - A laboratory's range in OBX-7 ("1.5-8.0", "<5", ">10") is used when it can be read; one that cannot is
 *   ignored and the child's paediatric range is used instead.
 * - Problems with the header (framing, MSH, type, version) reject the message (AR); problems with its content
 *   (PID, OBR, OBX) are an application error (AE). Either way nothing is written.
 */

export const supportedVersions = ['2.3', '2.3.1', '2.4', '2.5', '2.5.1'] as const;

/** OBX-11 statuses whose results are recorded. */
export const recordedStatuses: readonly string[] = ['F', 'C'];
/** HL7 table 0085, observation result status. */
const knownStatuses = new Set(['C', 'D', 'F', 'I', 'N', 'O', 'P', 'R', 'S', 'U', 'W', 'X']);
const numericTypes = new Set(['NM', 'SN']);

/** HL7 table 0357 (message error condition codes), as written in ERR. */
export const hl7ErrorCodes = {
  segmentSequence: { code: '100', text: 'Segment sequence error' },
  requiredField: { code: '101', text: 'Required field missing' },
  dataType: { code: '102', text: 'Data type error' },
  tableValue: { code: '103', text: 'Table value not found' },
  unsupportedMessageType: { code: '200', text: 'Unsupported message type' },
  unsupportedEvent: { code: '201', text: 'Unsupported event code' },
  unsupportedVersion: { code: '203', text: 'Unsupported version id' },
  duplicateKey: { code: '205', text: 'Duplicate key identifier' },
  internal: { code: '207', text: 'Application internal error' },
} as const;
export type Hl7ErrorKind = keyof typeof hl7ErrorCodes;

/** One thing wrong with a message, where it is, for an ERR segment. */
export interface Hl7Problem {
  segment: string;
  /** Which occurrence of the segment, from 1. */
  sequence: number;
  field: number | null;
  error: Hl7ErrorKind;
  message: string;
}

export type AckCode = 'AA' | 'AE' | 'AR';

export interface MessageHeader {
  /** MSH-3 and MSH-4 as sent (echoed in the ACK). */
  sendingApplicationField: string;
  sendingFacilityField: string;
  /** MSH-4's namespace (or universal id): whose control ids these are. */
  sendingFacility: string;
  controlId: string;
  messageType: string;
  version: string;
}

export interface MessagePatient {
  /** The NHS number as sent (digits only), or null when PID-3 has none. */
  nhsNumber: string | null;
  nhsNumberProblem: string | null;
  dateOfBirth: PlainDate | null;
  /** For the person reconciling only: never stored elsewhere or logged. */
  name: string;
  otherIdentifiers: { value: string; authority: string; type: string }[];
}

/** A test code as the laboratory wrote it, with the code system Jointly keys its map by. */
export interface TestCode {
  /** 'LN' (LOINC), 'SCT' (SNOMED CT) or 'local:<sending facility>'. */
  system: string;
  code: string;
  text: string;
}

export interface MessageObservation {
  /** Which OBR group, from 1. */
  obrIndex: number;
  setId: string;
  /** Which OBX in the whole message, from 1 (for ERR). */
  segmentSequence: number;
  /** OBX-3's identifier, then its alternate identifier. */
  codes: TestCode[];
  valueType: string;
  rawValue: string;
  value: number | null;
  valueProblem: string | null;
  unit: string;
  rangeLow: number | null;
  rangeHigh: number | null;
  rangeText: string;
  abnormalFlags: string;
  status: string;
  specimenDate: PlainDate;
  externalId: string;
  comments: string[];
}

export interface OruMessage {
  header: MessageHeader;
  patient: MessagePatient;
  orders: { index: number; test: string; comments: string[] }[];
  observations: MessageObservation[];
}

export type ParsedOru =
  | { ok: true; message: OruMessage }
  | { ok: false; ack: 'AR' | 'AE'; header: MessageHeader | null; problems: Hl7Problem[] };

const ENCODING_CHARACTERS = '^~\\&';

/** Reads an ORU^R01 message: either every problem found, or the header, patient and observations. */
export function parseOru(text: string, options: { allowTestRange: boolean }): ParsedOru {
  const framing = framingProblems(text);
  if (framing.length) return { ok: false, ack: 'AR', header: null, problems: framing };
  let parsed: Hl7Message;
  try {
    parsed = Hl7Message.parse(withoutTrailingBreaks(text));
  } catch {
    return {
      ok: false,
      ack: 'AR',
      header: null,
      problems: [problem('MSH', 1, null, 'segmentSequence', 'The message could not be read as HL7 v2')],
    };
  }
  const segments = parsed.segments;
  const badSegment = segments.findIndex((s) => !/^[A-Z][A-Z0-9]{2}$/.test(s.name));
  if (badSegment >= 0) {
    return {
      ok: false,
      ack: 'AR',
      header: null,
      problems: [
        problem(
          'MSH',
          1,
          null,
          'segmentSequence',
          `Segment ${badSegment + 1} is not an HL7 segment (it should start with three capital letters)`,
        ),
      ],
    };
  }
  const { header, problems: headerProblems } = readMsh(segments[0]!);
  if (headerProblems.length) return { ok: false, ack: 'AR', header, problems: headerProblems };
  const body = readBody(segments, header, options);
  if (body.problems.length) return { ok: false, ack: 'AE', header, problems: body.problems };
  return {
    ok: true,
    message: { header, patient: body.patient!, orders: body.orders, observations: body.observations },
  };
}

/** The header alone, when the message starts like one: for answering a message too large or unreadable. */
export function readHeader(text: string): MessageHeader | null {
  const firstSegment = text.split(/[\r\n]/, 1)[0] ?? '';
  if (framingProblems(firstSegment).length) return null;
  try {
    const msh = Hl7Message.parse(firstSegment).segments[0];
    return msh ? readMsh(msh).header : null;
  } catch {
    return null;
  }
}

function framingProblems(text: string): Hl7Problem[] {
  if (!text.startsWith('MSH')) {
    return [problem('MSH', 1, null, 'segmentSequence', 'The message must begin with an MSH segment')];
  }
  if (text.charAt(3) !== '|') {
    return [problem('MSH', 1, 1, 'dataType', 'MSH-1, the field separator, must be "|"')];
  }
  if (text.slice(4, 8) !== ENCODING_CHARACTERS || text.charAt(8) !== '|') {
    return [problem('MSH', 1, 2, 'dataType', 'MSH-2, the encoding characters, must be "^~\\&"')];
  }
  return [];
}

function withoutTrailingBreaks(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

function problem(
  segment: string,
  sequence: number,
  field: number | null,
  error: Hl7ErrorKind,
  message: string,
): Hl7Problem {
  return { segment, sequence, field, error, message };
}

/** One component of a field (both from 1), unescaped; '' when absent. */
function component(segment: Hl7Segment, field: number, comp = 1, repetition = 0): string {
  const f = segment.getField(field);
  return unescapeHl7(f?.components[repetition]?.[comp - 1] ?? '').trim();
}

function repetitions(segment: Hl7Segment, field: number): string[][] {
  return segment.getField(field)?.components ?? [];
}

/** HL7 escape sequences in text: \F\ \S\ \T\ \R\ \E\ and line breaks; others dropped. */
export function unescapeHl7(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([^\\]*)\\/g, (_, code: string) => {
    switch (code) {
      case 'F':
        return '|';
      case 'S':
        return '^';
      case 'T':
        return '&';
      case 'R':
        return '~';
      case 'E':
        return '\\';
      case '.br':
        return '\n';
      default:
        return '';
    }
  });
}

function readMsh(msh: Hl7Segment): { header: MessageHeader; problems: Hl7Problem[] } {
  const raw = (field: number) => msh.getField(field)?.toString() ?? '';
  const facility = component(msh, 4, 1) || component(msh, 4, 2);
  const header: MessageHeader = {
    sendingApplicationField: raw(3),
    sendingFacilityField: raw(4),
    sendingFacility: facility,
    controlId: component(msh, 10),
    messageType: [component(msh, 9, 1), component(msh, 9, 2)].filter(Boolean).join('^'),
    version: component(msh, 12),
  };
  const problems: Hl7Problem[] = [];
  const at = (field: number, error: Hl7ErrorKind, message: string) =>
    problems.push(problem('MSH', 1, field, error, message));
  if (!facility) at(4, 'requiredField', 'MSH-4, the sending facility, is missing');
  else if (facility.length > 227) at(4, 'dataType', 'MSH-4, the sending facility, is too long');
  if (component(msh, 9, 1) !== 'ORU') {
    at(
      9,
      'unsupportedMessageType',
      `MSH-9: Jointly accepts ORU^R01 only, not “${header.messageType || 'nothing'}”`,
    );
  } else if (component(msh, 9, 2) !== 'R01') {
    at(9, 'unsupportedEvent', `MSH-9: Jointly accepts ORU^R01 only, not “${header.messageType}”`);
  }
  if (!header.controlId) at(10, 'requiredField', 'MSH-10, the message control id, is missing');
  else if (header.controlId.length > 199) at(10, 'dataType', 'MSH-10, the message control id, is too long');
  if (!(supportedVersions as readonly string[]).includes(header.version)) {
    at(
      12,
      'unsupportedVersion',
      `MSH-12: version “${header.version || 'none'}” is not supported; send ${supportedVersions.join(', ')}`,
    );
  }
  return { header, problems };
}

interface Group {
  index: number;
  obr: Hl7Segment;
  obrSequence: number;
  comments: string[];
  observations: { segment: Hl7Segment; sequence: number; comments: string[] }[];
  specimens: Hl7Segment[];
}

function readBody(
  segments: readonly Hl7Segment[],
  header: MessageHeader,
  options: { allowTestRange: boolean },
): {
  problems: Hl7Problem[];
  patient: MessagePatient | null;
  orders: OruMessage['orders'];
  observations: MessageObservation[];
} {
  const problems: Hl7Problem[] = [];
  const counts = new Map<string, number>();
  const groups: Group[] = [];
  let pid: Hl7Segment | null = null;
  let afterSpecimen = false;
  for (const segment of segments.slice(1)) {
    const sequence = (counts.get(segment.name) ?? 0) + 1;
    counts.set(segment.name, sequence);
    const group = groups.at(-1);
    switch (segment.name) {
      case 'PID':
        if (pid)
          problems.push(problem('PID', sequence, null, 'segmentSequence', 'Send one patient per message'));
        else if (group)
          problems.push(problem('PID', sequence, null, 'segmentSequence', 'PID must come before OBR'));
        pid = segment;
        break;
      case 'OBR':
        groups.push({
          index: groups.length + 1,
          obr: segment,
          obrSequence: sequence,
          comments: [],
          observations: [],
          specimens: [],
        });
        afterSpecimen = false;
        break;
      case 'OBX':
        if (!group)
          problems.push(problem('OBX', sequence, null, 'segmentSequence', 'OBX must follow an OBR'));
        else if (!afterSpecimen) group.observations.push({ segment, sequence, comments: [] });
        break;
      case 'SPM':
        if (group) group.specimens.push(segment);
        afterSpecimen = true;
        break;
      case 'NTE': {
        const note = repetitions(segment, 3)
          .map((r) => unescapeHl7(r.join('^')).trim())
          .join(' ')
          .trim();
        const target = group?.observations.at(-1)?.comments ?? group?.comments;
        if (note && target && !afterSpecimen) target.push(note);
        break;
      }
      default:
        break;
    }
  }
  if (!pid)
    problems.push(problem('PID', 1, null, 'requiredField', 'The PID segment (the patient) is missing'));
  if (groups.length === 0)
    problems.push(problem('OBR', 1, null, 'requiredField', 'The message has no OBR segment'));
  else if (groups.every((g) => g.observations.length === 0)) {
    problems.push(problem('OBX', 1, null, 'requiredField', 'The message has no results (OBX segments)'));
  }
  const patient = pid ? readPatient(pid, options, problems) : null;
  const observations = groups.flatMap((g) => readGroup(g, header, problems));
  const orders = groups.map((g) => ({
    index: g.index,
    test: component(g.obr, 4, 2) || component(g.obr, 4, 1),
    comments: g.comments,
  }));
  return { problems, patient, orders, observations };
}

/** The NHS number's assigning authority: named, or by its OID. */
const nhsAuthorities = new Set(['NHS', '2.16.840.1.113883.2.1.4.1']);

function readPatient(
  pid: Hl7Segment,
  options: { allowTestRange: boolean },
  problems: Hl7Problem[],
): MessagePatient {
  const identifiers = repetitions(pid, 3).map((cx) => ({
    value: unescapeHl7(cx[0] ?? '').trim(),
    authority: unescapeHl7((cx[3] ?? '').split('&')[0] ?? '').trim(),
    authorityId: unescapeHl7((cx[3] ?? '').split('&')[1] ?? '').trim(),
    type: unescapeHl7(cx[4] ?? '').trim(),
  }));
  const isNhs = (i: (typeof identifiers)[number]) =>
    i.value !== '' &&
    (nhsAuthorities.has(i.authority.toUpperCase()) ||
      nhsAuthorities.has(i.authorityId) ||
      i.type.toUpperCase() === 'NH');
  const nhs = [...new Set(identifiers.filter(isNhs).map((i) => i.value.replace(/[\s-]/g, '')))];
  if (nhs.length > 1)
    problems.push(problem('PID', 1, 3, 'dataType', 'PID-3 holds two different NHS numbers'));
  const nhsNumber = nhs[0] ?? null;
  const check = nhsNumber ? checkNhsNumber(nhsNumber, options) : null;

  const born = component(pid, 7);
  let dateOfBirth: PlainDate | null = null;
  if (born) {
    dateOfBirth = hl7Date(born);
    if (!dateOfBirth) {
      problems.push(problem('PID', 1, 7, 'dataType', 'PID-7, the date of birth, is not a date (YYYYMMDD)'));
    }
  }
  const family = component(pid, 5, 1);
  const given = component(pid, 5, 2);
  return {
    nhsNumber,
    nhsNumberProblem: check && !check.ok ? check.message : null,
    dateOfBirth,
    name: [family.toUpperCase(), given].filter(Boolean).join(', '),
    otherIdentifiers: identifiers
      .filter((i) => !isNhs(i) && i.value)
      .map(({ value, authority, type }) => ({ value, authority, type })),
  };
}

/** An HL7 date or timestamp's calendar date, or null when it has no valid YYYYMMDD. */
export function hl7Date(value: string): PlainDate | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{0,6}(\.\d{1,4})?)?([+-]\d{4})?$/.exec(value.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return isPlainDate(date) ? date : null;
}

function readGroup(group: Group, header: MessageHeader, problems: Hl7Problem[]): MessageObservation[] {
  const obrDateText = component(group.obr, 7);
  const obrDate = obrDateText ? hl7Date(obrDateText) : null;
  if (obrDateText && !obrDate) {
    problems.push(
      problem('OBR', group.obrSequence, 7, 'dataType', 'OBR-7, the observation date, is not a date'),
    );
  }
  const spmText = group.specimens.map((s) => component(s, 17)).find(Boolean) ?? '';
  const spmDate = spmText ? hl7Date(spmText) : null;
  const seen = new Set<string>();
  return group.observations.flatMap(({ segment, sequence, comments }, position) => {
    const at = (field: number | null, error: Hl7ErrorKind, message: string) =>
      problems.push(problem('OBX', sequence, field, error, message));
    const before = problems.length;
    const setId = component(segment, 1) || String(position + 1);
    if (seen.has(setId))
      at(1, 'duplicateKey', `OBX-1: set id ${setId} appears twice under OBR ${group.index}`);
    seen.add(setId);
    const codes = testCodes(segment, header.sendingFacility);
    if (codes.length === 0) at(3, 'requiredField', 'OBX-3, the test code, is missing');
    const status = component(segment, 11).toUpperCase();
    if (!status) at(11, 'requiredField', 'OBX-11, the result status, is missing');
    else if (!knownStatuses.has(status)) at(11, 'tableValue', `OBX-11: “${status}” is not a result status`);
    const obxDateText = component(segment, 14);
    const obxDate = obxDateText ? hl7Date(obxDateText) : null;
    if (obxDateText && !obxDate) at(14, 'dataType', 'OBX-14, the observation date, is not a date');
    const specimenDate = obxDate ?? spmDate ?? obrDate;
    const obrDateWrong = obrDateText !== '' && !obrDate;
    if (!specimenDate && problems.length === before && !obrDateWrong) {
      at(14, 'requiredField', 'No specimen date: send OBR-7, SPM-17 or OBX-14');
    }
    if (problems.length > before || !specimenDate) return [];
    const valueType = component(segment, 2).toUpperCase();
    const rawValue = repetitions(segment, 5)[0]?.join('^') ?? '';
    const value = readValue(valueType, unescapeHl7(rawValue).trim());
    const rangeText = component(segment, 7);
    const range = readRange(rangeText);
    return [
      {
        obrIndex: group.index,
        setId,
        segmentSequence: sequence,
        codes,
        valueType,
        rawValue: unescapeHl7(rawValue).trim(),
        value: value.value,
        valueProblem: value.problem,
        unit: component(segment, 6, 1) || component(segment, 6, 2),
        rangeLow: range?.low ?? null,
        rangeHigh: range?.high ?? null,
        rangeText,
        abnormalFlags: component(segment, 8),
        status,
        specimenDate,
        externalId: `${header.sendingFacility}|${header.controlId}|${group.index}|${setId}`,
        comments,
      },
    ];
  });
}

/** The code system Jointly files a code under: LOINC and SNOMED CT by any usual name; the rest are the lab's own. */
export function codeSystem(sent: string, facility: string): string {
  const s = sent.trim().toUpperCase();
  if (['LN', 'LOINC', 'HTTP://LOINC.ORG', '2.16.840.1.113883.6.1'].includes(s)) return 'LN';
  if (
    [
      'SCT',
      'SNOMED',
      'SNOMEDCT',
      'SNOMED CT',
      'SNM',
      'HTTP://SNOMED.INFO/SCT',
      '2.16.840.1.113883.6.96',
    ].includes(s)
  )
    return 'SCT';
  return `local:${facility}`;
}

function testCodes(obx: Hl7Segment, facility: string): TestCode[] {
  const codes: TestCode[] = [];
  for (const first of [1, 4]) {
    const code = component(obx, 3, first);
    if (code) {
      codes.push({
        system: codeSystem(component(obx, 3, first + 2), facility),
        code,
        text: component(obx, 3, first + 1),
      });
    }
  }
  return codes;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function readValue(valueType: string, raw: string): { value: number | null; problem: string | null } {
  if (raw === '') return { value: null, problem: 'OBX-5 has no value' };
  if (valueType === 'SN') {
    // Structured numeric: comparator^number; only a plain number (no comparator, or "=") is one value.
    const [comparator = '', number = '', separator = ''] = raw.split('^');
    if ((comparator === '' || comparator === '=') && separator === '' && NUMBER.test(number.trim())) {
      return { value: Number(number.trim()), problem: null };
    }
    return { value: null, problem: `“${raw.replace(/\^/g, '')}” is not a single number` };
  }
  if (NUMBER.test(raw)) return { value: Number(raw), problem: null };
  return { value: null, problem: `“${raw}” is not a single number` };
}

/** "1.5-8.0", "1.5 - 8.0", "<5", "<=5", ">10"; anything else is not read. */
export function readRange(text: string): { low: number | null; high: number | null } | null {
  const t = text.trim();
  const between = /^([+-]?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*([+-]?\d+(?:\.\d+)?)$/.exec(t);
  if (between) return { low: Number(between[1]), high: Number(between[2]) };
  const below = /^<=?\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (below) return { low: null, high: Number(below[1]) };
  const above = /^>=?\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (above) return { low: Number(above[1]), high: null };
  return null;
}

/** Which analyte a laboratory code means, from the administrator's map and then the defaults. */
export type CodeLookup = (code: TestCode) => Analyte | undefined;

export interface MappedResult {
  observation: MessageObservation;
  analyte: Analyte;
  reported: ReportedResult & { rangeLow: number | null; rangeHigh: number | null; externalId: string };
}

export interface MappedMessage {
  results: MappedResult[];
  /** Codes of results no map knows: the message waits until an administrator maps them. */
  unmapped: TestCode[];
  /** Observations kept with the message but not recorded, and why. */
  notRecorded: { observation: MessageObservation; why: string }[];
  problems: Hl7Problem[];
}

/** Turns observations into results to record: mapped by code, numeric, final or corrected. */
export function mapResults(observations: readonly MessageObservation[], lookup: CodeLookup): MappedMessage {
  const mapped: MappedMessage = { results: [], unmapped: [], notRecorded: [], problems: [] };
  const unmapped = new Map<string, TestCode>();
  for (const o of observations) {
    if (!recordedStatuses.includes(o.status)) {
      mapped.notRecorded.push({ observation: o, why: `result status ${o.status}: not final` });
      continue;
    }
    const analyte = o.codes.map(lookup).find((a) => a !== undefined);
    if (!analyte) {
      if (numericTypes.has(o.valueType)) {
        const code = o.codes[0]!;
        unmapped.set(`${code.system}|${code.code}`, code);
      } else {
        mapped.notRecorded.push({
          observation: o,
          why: `a ${o.valueType || 'text'} observation, not a result`,
        });
      }
      continue;
    }
    if (o.value === null) {
      mapped.problems.push(
        problem(
          'OBX',
          o.segmentSequence,
          5,
          'dataType',
          `OBX-5 (${o.codes[0]!.text || o.codes[0]!.code}): ${o.valueProblem}; Jointly records numeric results only`,
        ),
      );
      continue;
    }
    mapped.results.push({
      observation: o,
      analyte,
      reported: {
        analyte,
        value: o.value,
        unit: o.unit,
        rangeLow: o.rangeLow,
        rangeHigh: o.rangeHigh,
        specimenDate: o.specimenDate,
        externalId: o.externalId,
      },
    });
  }
  mapped.unmapped = [...unmapped.values()];
  return mapped;
}

/** Where a result's field came from in the message, to point an ERR segment at it. */
const fieldOfResult: Record<string, number> = {
  analyte: 3,
  value: 5,
  unit: 6,
  rangeLow: 7,
  rangeHigh: 7,
  specimenDate: 14,
  externalId: 1,
};

/**
 * The results path's refusals ("results.2.unit") as HL7 problems at the OBX they came from, so a laboratory is
 * told exactly which result is wrong.
 */
export function resultProblemsAsHl7(
  fields: readonly { field: string; message: string }[],
  results: readonly MappedResult[],
): Hl7Problem[] {
  return fields.map((f) => {
    const [, index, name] = /^results\.(\d+)\.(\w+)/.exec(f.field) ?? [];
    const result = index === undefined ? undefined : results[Number(index)];
    if (!result) return problem('OBX', 1, null, 'dataType', f.message);
    return problem(
      'OBX',
      result.observation.segmentSequence,
      fieldOfResult[name ?? ''] ?? null,
      'dataType',
      f.message,
    );
  });
}
