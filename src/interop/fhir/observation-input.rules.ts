import { isPlainDate, todayInUk } from '../../kernel/dates.ts';
import { checkNhsNumber } from '../../kernel/nhs-number.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import type { ReportedResult } from '../../results/result-input.rules.ts';
import { unitKey } from '../../results/units.rules.ts';
import { analyteForLoinc, LOINC_SYSTEM } from '../loinc.ts';
import { type FhirIssue, FhirProblem } from './outcome.ts';
import { NHS_NUMBER_SYSTEM, UCUM_SYSTEM } from './resources.rules.ts';

/** Whose result it is: a Jointly patient id, or an NHS number to look up. */
export type ObservationSubject = { patientId: string } | { nhsNumber: string };

export interface ObservationInput {
  subject: ObservationSubject;
  result: ReportedResult & { analyte: Analyte };
}

/** Every element of an R4 Observation; anything else is not an Observation. */
const observationElements = new Set([
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'basedOn',
  'partOf',
  'status',
  'category',
  'code',
  'subject',
  'focus',
  'encounter',
  'effectiveDateTime',
  'effectivePeriod',
  'effectiveTiming',
  'effectiveInstant',
  'issued',
  'performer',
  'valueQuantity',
  'valueCodeableConcept',
  'valueString',
  'valueBoolean',
  'valueInteger',
  'valueRange',
  'valueRatio',
  'valueSampledData',
  'valueTime',
  'valueDateTime',
  'valuePeriod',
  'dataAbsentReason',
  'interpretation',
  'note',
  'bodySite',
  'method',
  'specimen',
  'device',
  'referenceRange',
  'hasMember',
  'derivedFrom',
  'component',
]);

/** Final results only: a preliminary one may change, and Jointly acts on what it stores. */
const acceptedStatuses = ['final', 'amended', 'corrected'];
const fhirDateTime = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a laboratory result sent as a FHIR Observation: subject, LOINC code, valueQuantity with its unit,
 * reference range, specimen date (effectiveDateTime) and the sender's identifier. Every problem is named by
 * its element; malformed input is a 400, input Jointly understands but cannot take (an unknown code, a
 * preliminary result) a 422. Units and values are checked afterwards by the results path, as for any result.
 */
export function readObservation(
  body: unknown,
  options: { clientId: string; allowTestNhsNumbers: boolean },
): ObservationInput {
  const malformed: FhirIssue[] = [];
  const refused: FhirIssue[] = [];
  const bad = (expression: string, diagnostics: string) =>
    malformed.push({ code: 'invalid', diagnostics, expression: [expression] });
  const no = (expression: string, diagnostics: string, code: FhirIssue['code'] = 'processing') =>
    refused.push({ code, diagnostics, expression: [expression] });

  if (!isObject(body))
    throw new FhirProblem(400, [
      { code: 'structure', diagnostics: 'Send one Observation as a JSON object.' },
    ]);
  if (body.resourceType !== 'Observation') {
    throw new FhirProblem(400, [
      {
        code: 'invalid',
        diagnostics: 'resourceType must be "Observation" here.',
        expression: ['Observation.resourceType'],
      },
    ]);
  }
  for (const key of Object.keys(body)) {
    if (!observationElements.has(key)) bad(`Observation.${key}`, `${key} is not an element of Observation.`);
  }
  if (body.modifierExtension !== undefined) {
    no(
      'Observation.modifierExtension',
      'Jointly does not understand modifier extensions, so cannot take this result.',
      'not-supported',
    );
  }

  if (typeof body.status !== 'string')
    bad('Observation.status', 'status is required: final, amended or corrected.');
  else if (!acceptedStatuses.includes(body.status)) {
    no(
      'Observation.status',
      `Only final results are taken (final, amended or corrected); this one is ${body.status}.`,
    );
  }

  const analyte = readCode(body.code, bad, no);
  const subject = readSubject(body.subject, options.allowTestNhsNumbers, bad);
  const specimenDate = readEffective(body, bad, no);
  const value = readValue(body, bad, no);
  const range = readRange(body.referenceRange, value?.unit, bad, no);
  const externalId = readIdentifier(body.identifier, options.clientId, bad, no);

  if (malformed.length) throw new FhirProblem(400, malformed);
  if (refused.length) throw new FhirProblem(422, refused);
  return {
    subject: subject!,
    result: {
      analyte: analyte!,
      value: value!.value,
      unit: value!.unit,
      rangeLow: range.low,
      rangeHigh: range.high,
      specimenDate: specimenDate!,
      externalId,
    },
  };
}

type Report = (expression: string, diagnostics: string, code?: FhirIssue['code']) => void;

function readCode(code: unknown, bad: Report, no: Report): Analyte | undefined {
  if (!isObject(code) || !Array.isArray(code.coding)) {
    bad('Observation.code', 'code is required, with a coding from LOINC (http://loinc.org).');
    return undefined;
  }
  const loinc = code.coding.filter((c): c is Json => isObject(c) && c.system === LOINC_SYSTEM);
  for (const c of loinc) {
    const analyte = typeof c.code === 'string' ? analyteForLoinc(c.code) : undefined;
    if (analyte) return analyte;
  }
  const given = loinc.map((c) => String(c.code)).join(', ');
  no(
    'Observation.code',
    given
      ? `LOINC ${given} is not a test Jointly monitors, so it cannot be taken. Send one of the LOINC codes Jointly knows.`
      : 'code has no LOINC coding (system http://loinc.org); Jointly takes laboratory results coded in LOINC.',
    'code-invalid',
  );
  return undefined;
}

function readSubject(subject: unknown, allowTest: boolean, bad: Report): ObservationSubject | undefined {
  if (!isObject(subject)) {
    bad(
      'Observation.subject',
      'subject is required: a reference to Patient/{id}, or the NHS number as identifier.',
    );
    return undefined;
  }
  if (typeof subject.reference === 'string') {
    const id = subject.reference.replace(/^Patient\//, '');
    if (!subject.reference.startsWith('Patient/') || !uuid.test(id)) {
      bad(
        'Observation.subject.reference',
        'subject.reference must be Patient/{id} with a Jointly patient id.',
      );
      return undefined;
    }
    return { patientId: id.toLowerCase() };
  }
  const identifier = subject.identifier;
  if (
    !isObject(identifier) ||
    identifier.system !== NHS_NUMBER_SYSTEM ||
    typeof identifier.value !== 'string'
  ) {
    bad(
      'Observation.subject.identifier',
      `subject needs a reference (Patient/{id}) or an identifier with system ${NHS_NUMBER_SYSTEM} and the NHS number.`,
    );
    return undefined;
  }
  const checked = checkNhsNumber(identifier.value, { allowTestRange: allowTest });
  if (!checked.ok) {
    bad('Observation.subject.identifier.value', checked.message);
    return undefined;
  }
  return { nhsNumber: checked.nhsNumber };
}

/** The day the blood was taken: the date itself, or a date-time's day in the UK. */
function readEffective(body: Json, bad: Report, no: Report): string | undefined {
  const other = ['effectivePeriod', 'effectiveTiming', 'effectiveInstant'].find((k) => body[k] !== undefined);
  if (other) {
    no(`Observation.${other}`, 'Give the date the blood was taken as effectiveDateTime.');
    return undefined;
  }
  const when = body.effectiveDateTime;
  if (typeof when !== 'string' || !fhirDateTime.test(when)) {
    bad(
      'Observation.effectiveDateTime',
      'effectiveDateTime is required: the date the blood was taken, like 2026-11-20.',
    );
    return undefined;
  }
  if (when.length === 10 && isPlainDate(when)) return when;
  if (when.length > 10) {
    const instant = new Date(when);
    if (!Number.isNaN(instant.getTime()) && isPlainDate(when.slice(0, 10))) return todayInUk(instant);
    bad('Observation.effectiveDateTime', `effectiveDateTime ${when} is not a real date and time.`);
    return undefined;
  }
  if (when.length < 10) {
    no(
      'Observation.effectiveDateTime',
      'effectiveDateTime needs the day the blood was taken, not only the month or year.',
    );
  } else {
    bad('Observation.effectiveDateTime', `effectiveDateTime ${when} is not a real date.`);
  }
  return undefined;
}

function readValue(body: Json, bad: Report, no: Report): { value: number; unit: string } | undefined {
  const otherValue = Object.keys(body).find((k) => k.startsWith('value') && k !== 'valueQuantity');
  if (otherValue) {
    no(
      `Observation.${otherValue}`,
      'Jointly takes numeric results only: send valueQuantity with a value and unit.',
    );
    return undefined;
  }
  const quantity = body.valueQuantity;
  if (!isObject(quantity)) {
    if (body.dataAbsentReason !== undefined) {
      no(
        'Observation.dataAbsentReason',
        'A result without a value cannot be judged; send it when there is a value.',
      );
    } else bad('Observation.valueQuantity', 'valueQuantity is required, with a value and a unit.');
    return undefined;
  }
  if (quantity.comparator !== undefined) {
    no(
      'Observation.valueQuantity.comparator',
      'A value with a comparator (such as < 0.5) cannot be judged against the protocol.',
    );
  }
  const unit = unitOf(quantity);
  if (typeof quantity.value !== 'number' || !Number.isFinite(quantity.value)) {
    bad('Observation.valueQuantity.value', 'valueQuantity.value must be a number.');
  }
  if (!unit) bad('Observation.valueQuantity.unit', 'valueQuantity needs its unit (unit, or a UCUM code).');
  return typeof quantity.value === 'number' && unit ? { value: quantity.value, unit } : undefined;
}

function unitOf(quantity: Json): string | undefined {
  if (typeof quantity.unit === 'string' && quantity.unit.trim()) return quantity.unit.trim();
  if (quantity.system === UCUM_SYSTEM && typeof quantity.code === 'string' && quantity.code.trim()) {
    return quantity.code.trim();
  }
  return undefined;
}

function readRange(
  ranges: unknown,
  unit: string | undefined,
  bad: Report,
  no: Report,
): { low: number | null; high: number | null } {
  const none = { low: null, high: null };
  if (ranges === undefined) return none;
  if (!Array.isArray(ranges)) {
    bad('Observation.referenceRange', 'referenceRange must be a list.');
    return none;
  }
  const first = ranges[0];
  if (first === undefined) return none;
  if (!isObject(first)) {
    bad('Observation.referenceRange', 'referenceRange must hold objects with low and high.');
    return none;
  }
  const end = (side: 'low' | 'high'): number | null => {
    const q = first[side];
    if (q === undefined) return null;
    if (!isObject(q) || typeof q.value !== 'number' || !Number.isFinite(q.value)) {
      bad(`Observation.referenceRange.${side}.value`, `referenceRange.${side}.value must be a number.`);
      return null;
    }
    const endUnit = unitOf(q);
    if (endUnit && unit && unitKey(endUnit) !== unitKey(unit)) {
      no(
        `Observation.referenceRange.${side}.unit`,
        `The range is in ${endUnit} but the value in ${unit}; send them in the same unit.`,
      );
    }
    return q.value;
  };
  return { low: end('low'), high: end('high') };
}

/**
 * The sender's identifier, kept so that a result sent twice is stored once. It is stored with the client's
 * id in front, so one client's identifiers never meet another's.
 */
function readIdentifier(identifier: unknown, clientId: string, bad: Report, no: Report): string | null {
  if (identifier === undefined) return null;
  const first = Array.isArray(identifier) ? identifier[0] : undefined;
  if (
    !Array.isArray(identifier) ||
    (first !== undefined && (!isObject(first) || typeof first.value !== 'string'))
  ) {
    bad('Observation.identifier', 'identifier must be a list of identifiers, each with a value.');
    return null;
  }
  if (!isObject(first)) return null;
  const system = typeof first.system === 'string' ? first.system : '';
  const externalId = `${clientId}|${system}|${first.value}`;
  if (externalId.length > 200) {
    no(
      'Observation.identifier',
      'The identifier (system and value) is too long to keep: at most 160 characters.',
    );
    return null;
  }
  return externalId;
}
