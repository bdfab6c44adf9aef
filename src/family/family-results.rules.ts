import type { PlainDate } from '../kernel/dates.ts';
import { type BloodTestPlace, placeWords } from '../monitoring/responsibility.rules.ts';
import type { Analyte, Panel } from '../protocols/protocol.schema.ts';
import { analyteNames } from '../results/panels.ts';
import type { ResultOutcome } from '../results/thresholds.rules.ts';

/**
 * Blood tests and results as a family reads them: plain words, never the protocol's clinical wording
 * (what the team must do about a result is the team's to say, at the right time, in person).
 */

/** Each panel as a family would hear it named. */
export const panelWords: Record<Panel, string> = {
  FBC: 'full blood count',
  LFT: 'liver tests',
  'U&E': 'kidney tests',
  CRP: 'CRP (inflammation)',
  ESR: 'ESR (inflammation)',
  lipids: 'cholesterol',
};

/** One upcoming blood test of a child's course. */
export interface UpcomingTest {
  medicine: string;
  dueOn: PlainDate;
  panels: Panel[];
  place: BloodTestPlace;
  arrangedBy: string | null;
}

export interface UpcomingTestWords {
  medicine: string;
  dueOn: PlainDate;
  /** Past its due date: the family should get it done. */
  late: boolean;
  tests: string;
  where: string;
  arrangedBy: string;
}

/** The child's upcoming blood tests, soonest first, in the family's words. */
export function upcomingTestWords(tests: readonly UpcomingTest[], today: PlainDate): UpcomingTestWords[] {
  return [...tests]
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.medicine.localeCompare(b.medicine))
    .map((t) => ({
      medicine: t.medicine,
      dueOn: t.dueOn,
      late: t.dueOn < today,
      tests: listWords(t.panels.map((p) => panelWords[p])),
      where: placeWords[t.place],
      arrangedBy: t.arrangedBy ?? 'your specialist team',
    }));
}

/** "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A result as the family may see it, once the team has released results to them. */
export interface ReleasedResult {
  analyte: Analyte;
  value: number;
  unit: string;
  rangeLow: number | null;
  rangeHigh: number | null;
  outcome: ResultOutcome;
  specimenDate: PlainDate;
}

export interface PlainResult {
  specimenDate: PlainDate;
  test: string;
  value: number;
  unit: string;
  /** "within the usual range for their age", "lower than usual — the team has been told", … */
  words: string;
}

/** How the value sits against the usual range, when it has one. */
function comparedWithUsual(r: ReleasedResult): 'lower' | 'higher' | 'within' | 'unknown' {
  if (r.rangeLow !== null && r.value < r.rangeLow) return 'lower';
  if (r.rangeHigh !== null && r.value > r.rangeHigh) return 'higher';
  if (r.rangeLow === null && r.rangeHigh === null) return 'unknown';
  return 'within';
}

/**
 * A result in plain words. `own` is true when the young person reads their own results ("your age").
 * An amber or red result can be inside the usual range (a rise from the child's own earlier results), so it is
 * then called a change rather than lower or higher.
 */
export function plainResult(r: ReleasedResult, own: boolean): PlainResult {
  const age = own ? 'your age' : 'their age';
  const compared = comparedWithUsual(r);
  const position =
    compared === 'lower'
      ? 'lower than usual'
      : compared === 'higher'
        ? 'higher than usual'
        : compared === 'within'
          ? 'a change from earlier results'
          : 'not as expected';
  let words: string;
  switch (r.outcome) {
    case 'red':
      words = `${position} — the team has been told and will contact you`;
      break;
    case 'amber':
      words = `${position} — the team has been told`;
      break;
    case 'outside-range':
      words = `${position} — the team sees every result and will tell you if anything needs to change`;
      break;
    default:
      words =
        compared === 'unknown'
          ? 'nothing in this result needs any action'
          : `within the usual range for ${age}`;
  }
  return { specimenDate: r.specimenDate, test: analyteNames[r.analyte], value: r.value, unit: r.unit, words };
}
