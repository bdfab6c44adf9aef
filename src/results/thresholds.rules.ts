import { addDays, type PlainDate } from '../kernel/dates.ts';
import type { Analyte, Protocol } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { analyteNames } from './panels.ts';
import { canonicalUnit } from './units.rules.ts';

/**
 * Judges one blood result against the thresholds of every protocol the child is treated under, and against its
 * normal range. A rule that cannot be checked is said so as an amber finding: a result never passes silently.
 */

export type ResultOutcome = 'normal' | 'outside-range' | 'amber' | 'red';

export interface ResultToJudge {
  analyte: Analyte;
  /** In the analyte's canonical unit. */
  value: number;
  specimenDate: PlainDate;
  range: { low: number | null; high: number | null } | null;
}

/** An earlier result for the same analyte, in any order, not including the one being judged. */
export interface EarlierResult {
  value: number;
  specimenDate: PlainDate;
}

export interface ThresholdSet {
  protocolId: string;
  protocolVersion: string;
  medicine: string;
  thresholds: Protocol['thresholds'];
}

export interface Finding {
  outcome: 'red' | 'amber' | 'outside-range';
  /** The rule in words: "Neutrophils below 1.6 ×10⁹/L". */
  rule: string;
  /** What to do, in the protocol's own words. */
  action: string;
  repeatWithinDays: number | null;
  source: string;
  /** False when the rule or any of its numbers awaits local confirmation; such rules still fire. */
  confirmed: boolean;
  protocolId: string | null;
  medicine: string | null;
}

export const outcomeRank: Record<ResultOutcome, number> = {
  normal: 0,
  'outside-range': 1,
  amber: 2,
  red: 3,
};

type Threshold = Protocol['thresholds'][number];
type ThresholdRule = Threshold['rule'];

export function judgeResult(
  result: ResultToJudge,
  earlier: readonly EarlierResult[],
  sets: readonly ThresholdSet[],
): { outcome: ResultOutcome; findings: Finding[] } {
  const findings: Finding[] = [];
  for (const set of sets) {
    for (const threshold of set.thresholds) {
      if (threshold.analyte !== result.analyte) continue;
      const finding = judgeThreshold(result, earlier, threshold, set);
      if (finding) findings.push(finding);
    }
  }
  if (findings.length === 0) {
    const outside = outsideRange(result);
    if (outside) findings.push(outside);
  }
  return { outcome: worstOf(findings), findings };
}

function worstOf(findings: readonly Finding[]): ResultOutcome {
  let worst: ResultOutcome = 'normal';
  for (const f of findings) if (outcomeRank[f.outcome] > outcomeRank[worst]) worst = f.outcome;
  return worst;
}

type Verdict = 'met' | 'not-met' | 'no-upper-limit';

function judgeThreshold(
  result: ResultToJudge,
  earlier: readonly EarlierResult[],
  threshold: Threshold,
  set: ThresholdSet,
): Finding | null {
  const verdict = ruleVerdict(threshold.rule, result, earlier);
  if (verdict === 'not-met') return null;
  const finding: Finding = {
    outcome: threshold.outcome,
    rule: describeRule(result.analyte, threshold.rule),
    action: threshold.action,
    repeatWithinDays: threshold.repeatWithinDays?.value ?? null,
    source: threshold.source,
    confirmed: threshold.confirmed && numbersOf(threshold.rule).every((n) => n.confirmed),
    protocolId: set.protocolId,
    medicine: set.medicine,
  };
  if (verdict === 'met' || threshold.rule.kind !== 'above-uln-multiple') return finding;
  const multiple = formatNumber(threshold.rule.multiple.value);
  return {
    ...finding,
    outcome: 'amber',
    rule: `Cannot be checked against ${finding.rule}: no upper limit of normal — check against the laboratory’s range`,
    action: `If it is above ${multiple} × the laboratory’s upper limit of normal: ${threshold.action}`,
  };
}

function numbersOf(rule: ThresholdRule): { confirmed: boolean }[] {
  switch (rule.kind) {
    case 'below':
    case 'above':
      return [rule.value];
    case 'above-uln-multiple':
      return rule.upTo ? [rule.multiple, rule.upTo] : [rule.multiple];
    case 'rise-from-baseline':
      return [rule.percent, rule.overMonths];
    case 'consecutive-falls':
      return [rule.count];
  }
}

function ruleVerdict(rule: ThresholdRule, result: ResultToJudge, earlier: readonly EarlierResult[]): Verdict {
  const met = (condition: boolean): Verdict => (condition ? 'met' : 'not-met');
  switch (rule.kind) {
    case 'below':
      return met(result.value < rule.value.value);
    case 'above':
      return met(result.value > rule.value.value);
    case 'above-uln-multiple': {
      if (rule.upTo && result.value > rule.upTo.value) return 'not-met';
      const uln = result.range?.high ?? null;
      if (uln === null) return 'no-upper-limit';
      return met(result.value > rule.multiple.value * uln);
    }
    case 'rise-from-baseline': {
      const baseline = lowestSince(earlier, result.specimenDate, rule.overMonths.value);
      // Multiplied out (value × 100 > baseline × 130) so that 40 → 52 is exactly 30%, not a floating-point rise.
      return met(baseline !== null && result.value * 100 > baseline * (100 + rule.percent.value));
    }
    case 'consecutive-falls':
      return met(fellEachTime(earlier, result, Math.ceil(rule.count.value)));
  }
}

/** The lowest value taken in the `months` before `date` (both ends included), or null when there is none. */
function lowestSince(earlier: readonly EarlierResult[], date: PlainDate, months: number): number | null {
  const from = monthsBefore(date, months);
  const values = earlier.filter((e) => e.specimenDate >= from && e.specimenDate <= date).map((e) => e.value);
  return values.length ? Math.min(...values) : null;
}

/** The same day `months` calendar months earlier (31 March less one month is 28 or 29 February). */
export function monthsBefore(date: PlainDate, months: number): PlainDate {
  if (!Number.isInteger(months)) return addDays(date, -Math.round((months * 365.25) / 12));
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as PlainDate;
}

/**
 * True when the last `falls + 1` values by specimen date, this one last, each fell from the one before.
 * Results taken on the same day as this one cannot be put in order, so they are left out.
 */
function fellEachTime(earlier: readonly EarlierResult[], result: ResultToJudge, falls: number): boolean {
  const before = earlier
    .filter((e) => e.specimenDate < result.specimenDate)
    .sort((a, b) => (a.specimenDate < b.specimenDate ? -1 : a.specimenDate > b.specimenDate ? 1 : 0));
  if (before.length < falls) return false;
  const series = [...before.slice(before.length - falls).map((e) => e.value), result.value];
  return series.every((value, i) => i === 0 || value < (series[i - 1] as number));
}

function outsideRange(result: ResultToJudge): Finding | null {
  const { range } = result;
  if (!range) return null;
  const below = range.low !== null && result.value < range.low;
  const above = range.high !== null && result.value > range.high;
  if (!below && !above) return null;
  return {
    outcome: 'outside-range',
    rule: `${below ? 'Below' : 'Above'} the normal range (${describeRange(range, canonicalUnit(result.analyte))})`,
    action: 'No action set by the protocol.',
    repeatWithinDays: null,
    source: 'The range given with the result: the laboratory’s, or the paediatric range for the child’s age',
    confirmed: true,
    protocolId: null,
    medicine: null,
  };
}

function describeRange(range: { low: number | null; high: number | null }, unit: string): string {
  if (range.low !== null && range.high !== null) {
    return `${formatNumber(range.low)}–${formatNumber(range.high)} ${unit}`;
  }
  return range.low !== null
    ? `at least ${formatNumber(range.low)} ${unit}`
    : `up to ${formatNumber(range.high ?? 0)} ${unit}`;
}

const numberWords = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * The rule as a clinician reads it: "Neutrophils below 1.6 ×10⁹/L", "ALT above 2 × the upper limit of normal
 * (up to 100 U/L)", "Creatinine more than 30% above the lowest value in the last 12 months",
 * "Platelets: three falls in a row".
 */
export function describeRule(analyte: Analyte, rule: ThresholdRule): string {
  const name = analyteNames[analyte];
  const measured = (n: number) => `${formatNumber(n)} ${canonicalUnit(analyte)}`;
  switch (rule.kind) {
    case 'below':
    case 'above':
      return `${name} ${rule.kind} ${measured(rule.value.value)}`;
    case 'above-uln-multiple': {
      const upTo = rule.upTo ? ` (up to ${measured(rule.upTo.value)})` : '';
      return `${name} above ${formatNumber(rule.multiple.value)} × the upper limit of normal${upTo}`;
    }
    case 'rise-from-baseline': {
      const months = rule.overMonths.value;
      const period = months === 1 ? 'month' : `${formatNumber(months)} months`;
      return `${name} more than ${formatNumber(rule.percent.value)}% above the lowest value in the last ${period}`;
    }
    case 'consecutive-falls': {
      const n = Math.ceil(rule.count.value);
      return `${name}: ${numberWords[n] ?? formatNumber(n)} fall${n === 1 ? '' : 's'} in a row`;
    }
  }
}
