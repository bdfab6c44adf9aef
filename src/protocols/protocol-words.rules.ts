import type { Analyte, Protocol, SourcedNumber } from './protocol.schema.ts';

/**
 * A protocol's numbers and rules in the words a GP reads them in, each carrying where its numbers came
 * from, so that a page can show every source and say which numbers await local confirmation.
 */

/** Where one or more numbers in a statement came from. `about` names the numbers when sources differ. */
export interface SourceNote {
  about: string[];
  source: string;
  confirmed: boolean;
}

export interface SourcedStatement {
  text: string;
  sources: SourceNote[];
  /** True when any number in the statement, or the rule itself, is not yet confirmed by its source. */
  awaitingConfirmation: boolean;
}

/** Where a rule as a whole came from (a threshold, a phase, the GP response window). */
export interface Provenance {
  source: string;
  confirmed: boolean;
}

/** How each blood test is reported: the units are data, not code scattered through the pages. */
export const analyteUnits: Record<Analyte, string> = {
  haemoglobin: 'g/L',
  white_cell_count: '×10⁹/L',
  neutrophils: '×10⁹/L',
  lymphocytes: '×10⁹/L',
  platelets: '×10⁹/L',
  eosinophils: '×10⁹/L',
  mcv: 'fL',
  alt: 'U/L',
  ast: 'U/L',
  alkaline_phosphatase: 'U/L',
  albumin: 'g/L',
  bilirubin: 'µmol/L',
  creatinine: 'µmol/L',
  egfr: 'mL/min/1.73m²',
  urea: 'mmol/L',
  potassium: 'mmol/L',
  sodium: 'mmol/L',
  crp: 'mg/L',
  esr: 'mm/h',
  cholesterol: 'mmol/L',
};

export const analyteNames: Record<Analyte, string> = {
  haemoglobin: 'Haemoglobin',
  white_cell_count: 'White cell count',
  neutrophils: 'Neutrophils',
  lymphocytes: 'Lymphocytes',
  platelets: 'Platelets',
  eosinophils: 'Eosinophils',
  mcv: 'MCV (mean cell volume)',
  alt: 'ALT',
  ast: 'AST',
  alkaline_phosphatase: 'Alkaline phosphatase',
  albumin: 'Albumin',
  bilirubin: 'Bilirubin',
  creatinine: 'Creatinine',
  egfr: 'eGFR',
  urea: 'Urea',
  potassium: 'Potassium',
  sodium: 'Sodium',
  crp: 'CRP',
  esr: 'ESR',
  cholesterol: 'Cholesterol',
};

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });

/** 1.6 → "1.6", 2000 → "2,000". */
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** "1 day", "14 days". */
export function count(value: number, unit: string): string {
  return `${formatNumber(value)} ${unit}${value === 1 ? '' : 's'}`;
}

/**
 * A statement with the provenance of each number in it (label, number), and optionally of the rule as a whole.
 * Numbers from the same source are grouped, so a statement with one source shows it once.
 */
export function sourced(
  text: string,
  numbers: readonly (readonly [string, SourcedNumber])[],
  rule?: Provenance,
): SourcedStatement {
  const sources: SourceNote[] = [];
  const add = (about: string | undefined, p: Provenance) => {
    const same = sources.find((s) => s.source === p.source && s.confirmed === p.confirmed);
    if (same) {
      if (about) same.about.push(about);
    } else {
      sources.push({
        about: about ? [about] : ['the rule as a whole'],
        source: p.source,
        confirmed: p.confirmed,
      });
    }
  };
  for (const [about, n] of numbers) add(about, n);
  if (rule) add(undefined, rule);
  return { text, sources, awaitingConfirmation: sources.some((s) => !s.confirmed) };
}

type ThresholdRule = Protocol['thresholds'][number]['rule'];

/** "below 1.6 ×10⁹/L", "above 2 × upper limit of normal, up to 100 U/L", "3 consecutive falls". */
export function describeThresholdRule(
  analyte: Analyte,
  rule: ThresholdRule,
  provenance?: Provenance,
): SourcedStatement {
  const unit = analyteUnits[analyte];
  const measured = (n: SourcedNumber) => `${formatNumber(n.value)} ${unit}`;
  switch (rule.kind) {
    case 'below':
    case 'above':
      return sourced(
        `${rule.kind} ${measured(rule.value)}`,
        [[measured(rule.value), rule.value]],
        provenance,
      );
    case 'above-uln-multiple': {
      const multiple = `${formatNumber(rule.multiple.value)} × upper limit of normal`;
      const upTo = rule.upTo ? `, up to ${measured(rule.upTo)}` : '';
      const numbers: [string, SourcedNumber][] = [[multiple, rule.multiple]];
      if (rule.upTo) numbers.push([measured(rule.upTo), rule.upTo]);
      return sourced(`above ${multiple}${upTo}`, numbers, provenance);
    }
    case 'rise-from-baseline': {
      const percent = `${formatNumber(rule.percent.value)}%`;
      const months = count(rule.overMonths.value, 'month');
      return sourced(
        `rise of more than ${percent} from baseline over ${months}`,
        [
          [percent, rule.percent],
          [months, rule.overMonths],
        ],
        provenance,
      );
    }
    case 'consecutive-falls': {
      const falls = `${formatNumber(rule.count.value)} consecutive fall${rule.count.value === 1 ? '' : 's'}`;
      return sourced(falls, [[falls, rule.count]], provenance);
    }
  }
}

type Frequency = Protocol['dosing']['frequency'];

/** "once a week", "twice a day", "every 14 days". */
export function describeFrequency(frequency: Frequency): SourcedStatement {
  switch (frequency.kind) {
    case 'once-weekly':
      return sourced('once a week, on the same named day each week', []);
    case 'daily': {
      const n = frequency.timesPerDay.value;
      const words = n === 1 ? 'once a day' : n === 2 ? 'twice a day' : `${formatNumber(n)} times a day`;
      return sourced(words, [[words, frequency.timesPerDay]]);
    }
    case 'every-n-days': {
      const words = `every ${count(frequency.days.value, 'day')}`;
      return sourced(words, [[words, frequency.days]]);
    }
  }
}

export const routeWords: Record<Protocol['dosing']['routes'][number], string> = {
  oral: 'by mouth',
  subcutaneous: 'injection under the skin (subcutaneous)',
  intravenous: 'infusion into a vein (intravenous)',
};

const perWords: Record<'week' | 'day' | 'dose', string> = {
  week: 'a week',
  day: 'a day',
  dose: 'a dose',
};

/** "25 mg a week". */
export function describeAmount(mg: SourcedNumber, per: 'week' | 'day' | 'dose'): SourcedStatement {
  const words = `${formatNumber(mg.value)} mg ${perWords[per]}`;
  return sourced(words, [[words, mg]]);
}

type Dosing = Protocol['dosing'];

/** The range a child's dose is worked out from: "10 to 15 mg/m² a week", or one line per weight band. */
export function describeDoseRange(dosing: Dosing): SourcedStatement[] {
  if (dosing.basis === 'weight-band') {
    return dosing.bands.map((band) => describeWeightBand(band, dosing.per));
  }
  const unit = dosing.basis === 'per-m2' ? 'mg/m²' : 'mg/kg';
  const min = `${formatNumber(dosing.rangeMin.value)} ${unit}`;
  const max = `${formatNumber(dosing.rangeMax.value)} ${unit}`;
  const range =
    dosing.rangeMin.value === dosing.rangeMax.value
      ? min
      : `${formatNumber(dosing.rangeMin.value)} to ${max}`;
  return [
    sourced(`${range} ${perWords[dosing.per]}`, [
      [min, dosing.rangeMin],
      [max, dosing.rangeMax],
    ]),
  ];
}

type WeightBand = Extract<Dosing, { basis: 'weight-band' }>['bands'][number];

/** "From 10 kg to under 30 kg: 20 mg a dose", "Under 30 kg: 10 mg/kg a dose", "30 kg and over: 40 mg a dose". */
function describeWeightBand(band: WeightBand, per: 'week' | 'day' | 'dose'): SourcedStatement {
  const numbers: [string, SourcedNumber][] = [];
  const from = `${formatNumber(band.fromKg.value)} kg`;
  const below = band.belowKg ? `${formatNumber(band.belowKg.value)} kg` : undefined;
  // A band from 0 kg reads better as "under 30 kg"; its 0 is still shown with its source.
  numbers.push([from, band.fromKg]);
  if (below && band.belowKg) numbers.push([below, band.belowKg]);
  const weights = !below
    ? `${from} and over`
    : band.fromKg.value > 0
      ? `From ${from} to under ${below}`
      : `Under ${below}`;
  const amount = band.doseMg
    ? ([`${formatNumber(band.doseMg.value)} mg`, band.doseMg] as const)
    : band.mgPerKg
      ? ([`${formatNumber(band.mgPerKg.value)} mg/kg`, band.mgPerKg] as const)
      : undefined;
  if (amount) numbers.push([amount[0], amount[1]]);
  return sourced(`${weights}: ${amount?.[0] ?? 'no dose given'} ${perWords[per]}`, numbers);
}

/** "2.5 mg", or "20 mg/mL" for a liquid. */
export function describeStrength(strength: SourcedNumber, perMl: boolean): SourcedStatement {
  const words = `${formatNumber(strength.value)} mg${perMl ? '/mL' : ''}`;
  return sourced(words, [[words, strength]]);
}

type PhaseEnd = Protocol['monitoring']['phases'][number]['until'];

/** "until the dose has been stable for 6 weeks", "for 12 weeks", "ongoing". */
export function describePhaseEnd(until: PhaseEnd): SourcedStatement {
  switch (until.kind) {
    case 'dose-stable-for-weeks': {
      const weeks = count(until.weeks.value, 'week');
      return sourced(`until the dose has been stable for ${weeks}`, [[weeks, until.weeks]]);
    }
    case 'for-weeks': {
      const weeks = count(until.weeks.value, 'week');
      return sourced(`for ${weeks}`, [[weeks, until.weeks]]);
    }
    case 'ongoing':
      return sourced('ongoing, for as long as the medicine is taken', []);
  }
}

/** "on the due date", "14 days after the due date". */
export function daysAfterDue(days: SourcedNumber): string {
  return days.value === 0 ? 'on the due date' : `${count(days.value, 'day')} after the due date`;
}

/** "on the due date", "7 days before the due date". */
export function daysBeforeDue(days: SourcedNumber): string {
  return days.value === 0 ? 'on the due date' : `${count(days.value, 'day')} before the due date`;
}
