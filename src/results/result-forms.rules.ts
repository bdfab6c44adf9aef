import { formatDate } from '../kernel/dates.ts';
import type { FieldProblem } from '../kernel/errors.ts';
import { type Analyte, type Panel, panels } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { analyteNames, panelAnalytes } from './panels.ts';
import type { ResultSource } from './result-input.rules.ts';
import type { Finding, ResultOutcome } from './thresholds.rules.ts';
import { acceptedUnits, canonicalUnit } from './units.rules.ts';

/** How the results pages lay out what the one recording path takes, and show what it made of each result. */

export const panelLabels: Record<Panel, string> = {
  FBC: 'Full blood count (FBC)',
  LFT: 'Liver function tests (LFT)',
  'U&E': 'Urea and electrolytes (U&E)',
  CRP: 'C-reactive protein (CRP)',
  ESR: 'Erythrocyte sedimentation rate (ESR)',
  lipids: 'Lipids (cholesterol)',
};

export function asPanel(value: unknown): Panel | undefined {
  return panels.find((p) => p === value);
}

const rowFields = ['value', 'unit', 'rangeLow', 'rangeHigh'] as const;
type RowField = (typeof rowFields)[number];

/** The name of one box of the panel form: `neutrophils-value`, `neutrophils-unit`… */
export function boxName(analyte: Analyte, field: RowField): string {
  return `${analyte}-${field}`;
}

/** One row of the panel form: a test, the units it may be given in (Jointly's own first), what was typed. */
export function panelRows(panel: Panel, form: Record<string, unknown>) {
  return panelAnalytes[panel].map((analyte) => {
    const typed = (field: RowField) => text(form[boxName(analyte, field)]);
    const canonical = canonicalUnit(analyte);
    const chosen = typed('unit') || canonical;
    const units = [canonical, ...acceptedUnits(analyte).filter((u) => u !== canonical)];
    // A unit sent that is not on the list is shown as sent, so the refusal can be read against it.
    if (!units.includes(chosen)) units.push(chosen);
    return {
      analyte,
      name: analyteNames[analyte],
      boxes: Object.fromEntries(rowFields.map((f) => [f, boxName(analyte, f)])) as Record<RowField, string>,
      values: { value: typed('value'), rangeLow: typed('rangeLow'), rangeHigh: typed('rangeHigh') },
      unitItems: units.map((u) => ({ value: u, text: u, selected: u === chosen })),
    };
  });
}

/**
 * The panel form as the results the recording path takes: one per test with anything typed in its row, in the
 * panel's order, all with the one specimen date. A row left blank is skipped. Nothing is checked here: the one
 * recording path refuses what is wrong (and audits the refusal), and `problemsOnForm` puts its words by the box.
 */
export function panelInput(
  panel: Panel,
  form: Record<string, unknown>,
  specimenDate: string | undefined,
): { input: { results: Record<string, unknown>[] }; analytes: Analyte[] } {
  const results: Record<string, unknown>[] = [];
  const analytes: Analyte[] = [];
  for (const analyte of panelAnalytes[panel]) {
    const typed = (field: RowField) => text(form[boxName(analyte, field)]);
    if (!typed('value') && !typed('rangeLow') && !typed('rangeHigh')) continue;
    analytes.push(analyte);
    results.push({
      analyte,
      value: typed('value'),
      unit: typed('unit'),
      rangeLow: typed('rangeLow'),
      rangeHigh: typed('rangeHigh'),
      ...(specimenDate === undefined ? {} : { specimenDate }),
    });
  }
  return { input: { results }, analytes };
}

/**
 * Problems the recording path names by position (`results.2.unit`) put against the box they belong to, each
 * naming its test; the specimen date is one box for the whole panel, so its problem is shown once.
 */
export function problemsOnForm(
  problems: readonly FieldProblem[],
  panel: Panel,
  analytes: readonly Analyte[],
): FieldProblem[] {
  const shown: FieldProblem[] = [];
  for (const p of problems) {
    const m = /^results\.(\d+)\.(\w+)$/.exec(p.field);
    const analyte = m ? analytes[Number(m[1])] : undefined;
    if (!m || !analyte) {
      const first = boxName(panelAnalytes[panel][0]!, 'value');
      shown.push(p.field === 'results' ? { field: first, message: 'Enter at least one result' } : p);
      continue;
    }
    const field = m[2]!;
    const name = analyteNames[analyte];
    if (field === 'specimenDate') {
      const message = p.message.includes('YYYY-MM-DD')
        ? 'Enter the date the blood was taken as a real date, for example 20 11 2026'
        : sentence(p.message.replace(`${name}: `, ''));
      shown.push({ field, message });
    } else {
      const message = p.message.startsWith(name) ? p.message : `${name}: ${lowerFirst(p.message)}`;
      shown.push({ field: `${analyte}-${field}`, message });
    }
  }
  return shown.filter((f, i) => shown.findIndex((g) => g.field === f.field) === i);
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A result as the pages show it: what was found, the protocol's action, and whether its numbers are confirmed. */
export interface ResultShown {
  analyte: Analyte;
  value: number;
  unit: string;
  reportedValue: number;
  reportedUnit: string;
  rangeLow: number | null;
  rangeHigh: number | null;
  rangeSource: 'laboratory' | 'paediatric-table' | null;
  specimenDate: string;
  outcome: ResultOutcome;
  findings: readonly Finding[];
  source: ResultSource;
  enteredByName: string | null;
  enteredVia: string | null;
}

export const outcomeTags: Record<ResultOutcome, { text: string; classes: string }> = {
  red: { text: 'Red', classes: 'nhsuk-tag--red' },
  amber: { text: 'Amber', classes: 'nhsuk-tag--orange' },
  'outside-range': { text: 'Outside range', classes: 'nhsuk-tag--yellow' },
  normal: { text: 'Normal', classes: 'nhsuk-tag--green' },
};

const sourceWords: Record<ResultSource, string> = {
  form: 'typed in',
  csv: 'imported from a file',
  api: 'sent through the API',
  hl7: 'from the laboratory (HL7)',
  fhir: 'from the laboratory (FHIR)',
};

export function describeRange(
  r: Pick<ResultShown, 'rangeLow' | 'rangeHigh' | 'rangeSource' | 'unit'>,
): string {
  if (r.rangeLow === null && r.rangeHigh === null) return 'No range known';
  const span =
    r.rangeLow !== null && r.rangeHigh !== null
      ? `${formatNumber(r.rangeLow)}–${formatNumber(r.rangeHigh)}`
      : r.rangeLow !== null
        ? `at least ${formatNumber(r.rangeLow)}`
        : `up to ${formatNumber(r.rangeHigh ?? 0)}`;
  const whose = r.rangeSource === 'laboratory' ? 'the laboratory’s' : 'paediatric range for age';
  return `${span} ${r.unit} (${whose})`;
}

/** "Neutrophils 1.2 ×10⁹/L", with what the laboratory reported when that was another unit. */
export function describeValue(
  r: Pick<ResultShown, 'analyte' | 'value' | 'unit' | 'reportedValue' | 'reportedUnit'>,
) {
  const value = `${formatNumber(r.value)} ${r.unit}`;
  const sameAsReported = r.reportedUnit === r.unit && r.reportedValue === r.value;
  return sameAsReported ? value : `${value} (reported as ${formatNumber(r.reportedValue)} ${r.reportedUnit})`;
}

/** Each finding worth showing: the worst first, with its rule, the protocol's action and its confirmation. */
export function findingsShown(findings: readonly Finding[]) {
  const rank = { red: 0, amber: 1, 'outside-range': 2 } as const;
  return [...findings]
    .sort((a, b) => rank[a.outcome] - rank[b.outcome])
    .map((f) => ({
      outcome: f.outcome,
      rule: f.rule,
      action: f.action,
      medicine: f.medicine,
      source: f.source,
      awaitingConfirmation: !f.confirmed,
    }));
}

export function resultView(r: ResultShown) {
  return {
    ...r,
    name: analyteNames[r.analyte],
    valueText: describeValue(r),
    rangeText: describeRange(r),
    tag: outcomeTags[r.outcome],
    findingsShown: findingsShown(r.findings),
    awaitingConfirmation: r.findings.some((f) => !f.confirmed),
    enteredText: [r.enteredByName, sourceWords[r.source], r.enteredVia ? `via ${r.enteredVia}` : null]
      .filter(Boolean)
      .join(', '),
  };
}

/**
 * One line for the banner after results are recorded: "Neutrophils 1.2 ×10⁹/L (taken 20 November 2026): red —
 * Neutrophils below 1.6 ×10⁹/L. Withhold methotrexate and discuss with the specialist team today."
 */
export function outcomeLine(r: ResultShown): string {
  const head = `${analyteNames[r.analyte]} ${formatNumber(r.value)} ${r.unit} (taken ${formatDate(r.specimenDate)})`;
  const worst = findingsShown(r.findings)[0];
  if (r.outcome === 'normal' || !worst) {
    return `${head}: ${r.rangeLow === null && r.rangeHigh === null ? 'no concern found (no range known)' : 'normal'}`;
  }
  const word = { red: 'red', amber: 'amber', 'outside-range': 'outside the range' }[worst.outcome];
  const unconfirmed = worst.awaitingConfirmation ? ' (awaiting local confirmation)' : '';
  return `${head}: ${word} — ${worst.rule}. ${worst.action}${unconfirmed}`;
}
