import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { Analyte, Protocol } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { analyteNames, panelAnalytes } from './panels.ts';
import { resultsForPatient, type StoredResult } from './results.store.ts';
import { describeRule, type ResultOutcome } from './thresholds.rules.ts';
import { type ThresholdLine, type TrendPoint, trendChartSvg } from './trend-chart.ts';
import { currentCourseThresholds } from './trends.store.ts';

export const outcomeWords: Record<ResultOutcome, string> = {
  normal: 'Normal',
  'outside-range': 'Outside the normal range',
  amber: 'Amber',
  red: 'Red',
};

/** One blood test's chart and the table of numbers behind it. */
export interface Trend {
  analyte: Analyte;
  name: string;
  unit: string;
  svg: string;
  thresholds: string[];
  /** Every result, oldest first, as the chart draws them. */
  rows: {
    specimenDate: PlainDate;
    value: string;
    range: string;
    outcome: ResultOutcome;
    outcomeText: string;
  }[];
}

const analyteOrder: readonly Analyte[] = Object.values(panelAnalytes).flat();

function rangeText(r: Pick<StoredResult, 'rangeLow' | 'rangeHigh'>): string {
  if (r.rangeLow !== null && r.rangeHigh !== null)
    return `${formatNumber(r.rangeLow)}–${formatNumber(r.rangeHigh)}`;
  if (r.rangeLow !== null) return `at least ${formatNumber(r.rangeLow)}`;
  if (r.rangeHigh !== null) return `up to ${formatNumber(r.rangeHigh)}`;
  return 'None given';
}

/** The protocol limits that are a plain number ("below", "above"), once each, for one analyte. */
export function thresholdLinesFor(analyte: Analyte, thresholds: Protocol['thresholds']): ThresholdLine[] {
  const lines = new Map<string, ThresholdLine>();
  for (const t of thresholds) {
    if (t.analyte !== analyte || (t.rule.kind !== 'below' && t.rule.kind !== 'above')) continue;
    const label = `${outcomeWords[t.outcome]}: ${describeRule(analyte, t.rule)}`;
    lines.set(label, { value: t.rule.value.value, outcome: t.outcome, label });
  }
  return [...lines.values()];
}

/**
 * A chart per blood test that has results, in the order laboratories report them. Each result that was
 * corrected (a new result for the same test and day) is drawn as its latest version only.
 */
export function buildTrends(results: readonly StoredResult[], thresholds: Protocol['thresholds']): Trend[] {
  const latest = new Map<string, StoredResult>();
  for (const r of results) {
    const key = `${r.analyte} ${r.specimenDate}`;
    const seen = latest.get(key);
    if (!seen || new Date(r.recordedAt) > new Date(seen.recordedAt)) latest.set(key, r);
  }
  const byAnalyte = new Map<Analyte, StoredResult[]>();
  for (const r of latest.values()) byAnalyte.set(r.analyte, [...(byAnalyte.get(r.analyte) ?? []), r]);
  return analyteOrder.flatMap((analyte) => {
    const own = (byAnalyte.get(analyte) ?? []).sort((a, b) => a.specimenDate.localeCompare(b.specimenDate));
    if (own.length === 0) return [];
    const unit = own[0]!.unit;
    const points: TrendPoint[] = own.map((r) => ({
      specimenDate: r.specimenDate,
      value: r.value,
      rangeLow: r.rangeLow,
      rangeHigh: r.rangeHigh,
      outcome: r.outcome,
    }));
    const lines = thresholdLinesFor(analyte, thresholds);
    const svg = trendChartSvg({ key: analyte, name: analyteNames[analyte], unit, points, thresholds: lines });
    return [
      {
        analyte,
        name: analyteNames[analyte],
        unit,
        svg: svg!,
        thresholds: lines.map((l) => l.label),
        rows: own.map((r) => ({
          specimenDate: r.specimenDate,
          value: formatNumber(r.value),
          range: rangeText(r),
          outcome: r.outcome,
          outcomeText: outcomeWords[r.outcome],
        })),
      },
    ];
  });
}

/**
 * The trend charts for a child's results page. The caller has checked the viewer may read the child's results,
 * and may pass the results it has already read.
 */
export async function trendsForPatient(
  q: Queryable,
  patientId: string,
  known?: readonly StoredResult[],
): Promise<Trend[]> {
  const results = known ?? (await resultsForPatient(q, patientId));
  const courses = await currentCourseThresholds(q, patientId);
  return buildTrends(
    results,
    courses.flatMap((c) => c.thresholds),
  );
}
