import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';
import { calculateDose, type Weekday, weekdays } from '../medicines/dose.rules.ts';
import { measurementOn } from '../medicines/dose-calculation.ts';
import {
  checkWholeUnits,
  chooseFolicAcidDay,
  choosePreparation,
  chooseSchedule,
  type Preparation,
  type RuleResult,
  type Schedule,
} from '../medicines/order.rules.ts';
import type { OrderCalculation } from '../medicines/orders.store.ts';
import { type CourseOrder, projectSchedule } from '../monitoring/schedule.rules.ts';
import type { Analyte, Protocol } from '../protocols/protocol.schema.ts';
import { paediatricRange } from '../results/reference-ranges.rules.ts';
import type { ReportedResult } from '../results/result-input.rules.ts';
import { canonicalUnit } from '../results/units.rules.ts';
import type { DemoMeasurement, DemoPatient } from './demo-patient.ts';
import { medianBmi, medianHeightCm } from './growth-curve.rules.ts';

/**
 * The blood monitoring part of the demo, worked out for the day it is loaded: which named children take
 * methotrexate, their doses and blood tests over the months before, and what the latest tests show. Every day
 * is counted from the load day, so the demo looks the same whenever it is loaded. Pure: the day is a parameter.
 */

/** One named child's methotrexate, as the specialist team prescribed it. */
export interface DemoCourse {
  nhsNumber: string;
  protocolId: string;
  form: string;
  /**
   * Each dose from its first day (days from the load day: negative is in the past), each replacing the one
   * before; the dose is the one wanted, and the nearest the child's range allows is given when it is not.
   */
  doses: readonly { fromDay: number; doseMg: number }[];
  /** Folic acid the day after the methotrexate day. */
  folicAcid: boolean;
  /** The last day blood was taken: later tests were missed. */
  lastTestDay: number;
  /** Made-up values that tell this child's story, on the latest test and the one before it. */
  latest: Partial<Record<Analyte, number>>;
  beforeLatest: Partial<Record<Analyte, number>>;
  /** The GP practice took on prescribing: the days the request was sent, accepted and consented to. */
  sharedCare: { requestDay: number; acceptDay: number; consentDay: number } | null;
  /** The specialist team lets the family see the results in plain words. */
  resultsReleased: boolean;
}

export const demoCourses: readonly DemoCourse[] = [
  {
    // Amelia: oral methotrexate, prescribed and monitored by Riverside Surgery since the transfer; her latest
    // ALT is more than twice the top of her range (amber), and her mother sees her results.
    nhsNumber: '9990000018',
    protocolId: 'methotrexate-oral-jia',
    form: 'tablet',
    doses: [
      { fromDay: -189, doseMg: 12.5 },
      { fromDay: -133, doseMg: 15 },
    ],
    folicAcid: true,
    lastTestDay: -1,
    latest: { alt: 86 },
    beforeLatest: { alt: 44 },
    sharedCare: { requestDay: -77, acceptDay: -72, consentDay: -68 },
    resultsReleased: true,
  },
  {
    // Oliver: subcutaneous methotrexate from the specialist team; after a dose increase his neutrophils fell
    // (red), and nobody has decided yet what to do.
    nhsNumber: '9990000026',
    protocolId: 'methotrexate-subcutaneous-jia',
    form: 'prefilled syringe',
    doses: [
      { fromDay: -180, doseMg: 20 },
      { fromDay: -29, doseMg: 25 },
    ],
    folicAcid: true,
    lastTestDay: -1,
    latest: { neutrophils: 1.2, white_cell_count: 4.1 },
    beforeLatest: {},
    sharedCare: null,
    resultsReleased: false,
  },
  {
    // Isla: subcutaneous methotrexate for dermatomyositis; her three-monthly blood tests were missed, so the
    // overdue ladder has reached the specialist team.
    nhsNumber: '9990000034',
    protocolId: 'methotrexate-subcutaneous-jia',
    form: 'prefilled syringe',
    doses: [{ fromDay: -228, doseMg: 10 }],
    folicAcid: false,
    lastTestDay: -100,
    latest: {},
    beforeLatest: {},
    sharedCare: null,
    resultsReleased: false,
  },
];

/** The analytes the demo laboratory reports for each FBC, LFT and U&E. */
const reportedAnalytes: readonly { analyte: Analyte; decimals: number }[] = [
  { analyte: 'haemoglobin', decimals: 0 },
  { analyte: 'white_cell_count', decimals: 1 },
  { analyte: 'neutrophils', decimals: 1 },
  { analyte: 'lymphocytes', decimals: 1 },
  { analyte: 'platelets', decimals: 0 },
  { analyte: 'mcv', decimals: 0 },
  { analyte: 'alt', decimals: 0 },
  { analyte: 'albumin', decimals: 0 },
  { analyte: 'alkaline_phosphatase', decimals: 0 },
  { analyte: 'creatinine', decimals: 0 },
];

/** The day `offset` days from the load day. */
export function dayFrom(today: PlainDate, offset: number): PlainDate {
  return addDays(today, offset);
}

export function weekdayOf(date: PlainDate): Weekday {
  // getUTCDay counts from Sunday; the weekdays list starts on Monday.
  return weekdays[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;
}

function ageInYears(dateOfBirth: PlainDate, on: PlainDate): number {
  return daysBetween(dateOfBirth, on) / 365.25;
}

/**
 * A measurement on `on` that keeps the child on the centiles of their nearest earlier recorded measurement
 * (or their first, for a day before any): height and body mass index move with the median for their age.
 */
export function measurementOnCurve(
  child: Pick<DemoPatient, 'sex' | 'dateOfBirth' | 'growth'>,
  on: PlainDate,
): DemoMeasurement {
  const sorted = [...child.growth].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  const anchor = sorted.filter((m) => m.measuredOn <= on).at(-1) ?? sorted[0];
  if (!anchor) throw new Error('A child needs one recorded measurement to follow their curve');
  const then = ageInYears(child.dateOfBirth, anchor.measuredOn);
  const now = ageInYears(child.dateOfBirth, on);
  const heightCm = round(
    (anchor.heightCm * medianHeightCm(child.sex, now)) / medianHeightCm(child.sex, then),
    1,
  );
  const bmiThen = anchor.weightKg / (anchor.heightCm / 100) ** 2;
  const bmi = (bmiThen * medianBmi(now)) / medianBmi(then);
  return { measuredOn: on, heightCm, weightKg: round(bmi * (heightCm / 100) ** 2, 1) };
}

/** Every named child was weighed and measured at clinic this many days before the load day. */
export const MEASURED_RECENTLY = -4;

/** The days a treated child was weighed and measured: at each dose decision, and a few days before the load day. */
export function measurementDays(course: DemoCourse | undefined, recentDay: number): number[] {
  return [...new Set([...(course?.doses.map((d) => d.fromDay) ?? []), recentDay])].sort((a, b) => a - b);
}

/** One order of the course as `startMedicine` or `changeDose` would have written it, before its ids are known. */
export interface PlannedOrder extends Preparation, Schedule {
  doseMg: number;
  folicAcidDay: Weekday | null;
  startDate: PlainDate;
  stopDate: PlainDate | null;
  calculation: OrderCalculation;
}

/**
 * The course's orders, each checked by the medicines rules as a prescriber's would be: the preparation and
 * schedule the protocol allows, whole tablets, and a dose inside the range worked out from the measurement
 * on the day it starts. As the children grow, a wanted dose may leave their range: the nearest dose in it is
 * given instead (above the one before, for an increase), and a change that would not change the dose is left
 * out. Anything else the rules refuse is a mistake in the demo, so it throws.
 */
export function plannedOrders(
  course: DemoCourse,
  version: { protocolId: string; version: string; title: string; protocol: Protocol },
  measurements: readonly DemoMeasurement[],
  today: PlainDate,
): PlannedOrder[] {
  const protocol = version.protocol;
  const firstDay = dayFrom(today, course.doses[0]!.fromDay);
  const dayOfWeek = weekdayOf(firstDay);
  const orders: PlannedOrder[] = [];
  for (const wanted of course.doses) {
    const startDate = dayFrom(today, wanted.fromDay);
    const worked = calculateDose(protocol.dosing, measurementOn(measurements, startDate), startDate);
    if (!worked.ok) throw new Error(`Demo ${course.nhsNumber}: ${worked.problem.message}`);
    const before = orders.at(-1);
    const doseMg = doseToGive(wanted.doseMg, worked.dose.prescribableMg, before?.doseMg);
    if (doseMg === undefined || doseMg === before?.doseMg) continue;
    const preparation = passed(
      choosePreparation(protocol, {
        form: course.form,
        strengthMg: strengthFor(protocol, course.form, doseMg),
      }),
    );
    const schedule = passed(
      chooseSchedule(protocol, preparation.medicine, {
        frequency: protocol.dosing.frequency.kind,
        dayOfWeek,
      }),
    );
    const folicAcidDay = passed(
      chooseFolicAcidDay(protocol, schedule, course.folicAcid ? weekdayOf(addDays(firstDay, 1)) : undefined),
    );
    passed(checkWholeUnits(preparation, doseMg, worked.dose.per, schedule));
    if (before) before.stopDate = addDays(startDate, -1);
    orders.push({
      ...preparation,
      ...schedule,
      doseMg,
      folicAcidDay,
      startDate,
      stopDate: null,
      calculation: {
        protocol: { id: version.protocolId, version: version.version, title: version.title },
        dose: worked.dose,
        roundToMg: protocol.dosing.roundToMg.value,
        outsideProtocol: null,
      },
    });
  }
  if (orders.length === 0) throw new Error(`Demo ${course.nhsNumber}: no dose is in the child's range`);
  return orders;
}

/** The wanted dose when the range allows it; otherwise the nearest that does (above `above`, when given). */
function doseToGive(wantedMg: number, prescribableMg: readonly number[], above?: number): number | undefined {
  const allowed = prescribableMg.filter((mg) => above === undefined || mg > above);
  if (allowed.length === 0) return above;
  return allowed.reduce((best, mg) => (Math.abs(mg - wantedMg) < Math.abs(best - wantedMg) ? mg : best));
}

/** A syringe (or pen) of the dose itself when there is one; otherwise the form's smallest strength, given whole. */
function strengthFor(protocol: Protocol, form: string, doseMg: number): number {
  const strengths = protocol.medicines.flatMap((m) =>
    m.forms.filter((f) => f.form === form).flatMap((f) => f.strengthsMg.map((s) => s.value)),
  );
  return strengths.find((mg) => Math.abs(mg - doseMg) < 1e-9) ?? Math.min(...strengths);
}

function passed<T>(result: RuleResult<T>): T {
  if (!result.ok) throw new Error(`Demo order refused: ${result.message}`);
  return result.value;
}

/**
 * The days blood was taken: the baseline three days before the first dose, then each test on the day the
 * protocol's schedule made it due, up to the course's last test day.
 */
export function bloodTestDays(
  course: DemoCourse,
  plan: Protocol['monitoring'],
  orders: readonly CourseOrder[],
  today: PlainDate,
): PlainDate[] {
  const first = orders[0]!.startDate;
  const last = dayFrom(today, course.lastTestDay);
  // Projected a year past the last test day: projectSchedule stops at the first test due after `until`, even
  // when a dose change before `until` would have brought a test forward.
  const due = projectSchedule(plan, orders, [], first, addDays(last, 365)).filter((t) => t.dueOn <= last);
  return [...new Set([addDays(first, -3), ...due.map((t) => t.dueOn)])].sort();
}

/**
 * The results of every test day as the laboratory reports them, in each analyte's own unit, with no range
 * (so the child's paediatric range is used). Ordinary values sit inside the child's range and go up and down
 * from one test to the next, never falling twice in a row; the latest two tests carry the course's story.
 */
export function demoResults(
  course: DemoCourse,
  child: Pick<DemoPatient, 'sex' | 'dateOfBirth'>,
  days: readonly PlainDate[],
): ReportedResult[] {
  return days.flatMap((specimenDate, visit) => {
    const story =
      visit === days.length - 1 ? course.latest : visit === days.length - 2 ? course.beforeLatest : {};
    return reportedAnalytes.map(({ analyte, decimals }, n) => ({
      analyte,
      value: story[analyte] ?? ordinaryValue(analyte, child, specimenDate, visit, n, decimals),
      unit: canonicalUnit(analyte),
      specimenDate,
      externalId: `demo-${course.nhsNumber}-${specimenDate}-${analyte}`,
    }));
  });
}

function ordinaryValue(
  analyte: Analyte,
  child: Pick<DemoPatient, 'sex' | 'dateOfBirth'>,
  on: PlainDate,
  visit: number,
  n: number,
  decimals: number,
): number {
  const range = paediatricRange(analyte, ageInYears(child.dateOfBirth, on), child.sex);
  if (!range?.high) throw new Error(`The demo needs a paediatric range for ${analyte}`);
  const low = range.low ?? 0;
  // Alternately below and above the middle of the range, by a varying amount.
  const swing = 0.04 + 0.08 * (((visit * 3 + n) % 4) / 3);
  const fraction = 0.5 + (visit % 2 === 0 ? -swing : swing);
  return round(low + (range.high - low) * fraction, decimals);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
