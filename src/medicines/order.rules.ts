import { invalidField } from '../kernel/errors.ts';
import type { Protocol } from '../protocols/protocol.schema.ts';
import { type DoseCheck, describeWeeklyTablets, type Weekday, weekdays } from './dose.rules.ts';

/**
 * What a protocol allows an order to be: which preparation, how often, and in what whole units. Every
 * refusal comes from the protocol's data and names the medicine, so a local protocol changes the rules
 * without any change here.
 */

export type Frequency = 'once-weekly' | 'daily' | 'every-n-days';

export type RuleResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const refuse = (field: string, message: string): { ok: false; field: string; message: string } => ({
  ok: false,
  field,
  message,
});

/** A medicine as it is given: the name, the form and route, and the strength of one unit. */
export interface Preparation {
  medicine: string;
  form: string;
  route: string;
  strengthMg: number;
}

export interface Schedule {
  frequency: Frequency;
  dayOfWeek: Weekday | null;
  timesPerDay: number | null;
  everyNDays: number | null;
}

/** "Methotrexate", "Mycophenolate mofetil": a medicine's name at the start of a sentence. */
export function medicineTitle(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Forms counted out in whole units (half a tablet is not a dose anyone should have to make). */
export function isCountedForm(form: string): boolean {
  return form === 'tablet' || form === 'capsule';
}

/** Every preparation a protocol offers, in its own order: what the prescriber picks from. */
export function preparationsOf(protocol: Protocol): Preparation[] {
  return protocol.medicines.flatMap((m) =>
    m.forms.flatMap((f) =>
      f.strengthsMg.map((s) => ({ medicine: m.name, form: f.form, route: f.route, strengthMg: s.value })),
    ),
  );
}

/** The preparation asked for, if the protocol allows it; otherwise why not, from the protocol's own list. */
export function choosePreparation(
  protocol: Protocol,
  asked: { medicine?: string | undefined; form: string; route?: string | undefined; strengthMg: number },
): RuleResult<Preparation> {
  const medicine = asked.medicine
    ? protocol.medicines.find((m) => m.name.toLowerCase() === asked.medicine?.trim().toLowerCase())
    : protocol.medicines.length === 1
      ? protocol.medicines[0]
      : undefined;
  if (!medicine) {
    const names = protocol.medicines.map((m) => m.name).join(' or ');
    return refuse('medicine', `Choose the medicine: this protocol covers ${names}.`);
  }
  const forms = medicine.forms.filter(
    (f) => f.form === asked.form && (!asked.route || f.route === asked.route),
  );
  const form = forms[0];
  if (!form) {
    const offered = medicine.forms.map((f) => `${f.form} (${f.route})`).join(', ');
    return refuse(
      'form',
      `${medicineTitle(medicine.name)} is given under this protocol as ${offered} only; not ${asked.form}${asked.route ? ` (${asked.route})` : ''}.`,
    );
  }
  const strength = form.strengthsMg.find((s) => Math.abs(s.value - asked.strengthMg) < 1e-9);
  if (!strength) {
    const allowed = form.strengthsMg.map((s) => `${s.value} mg`).join(' or ');
    const sources = [...new Set(form.strengthsMg.map((s) => s.source))].join('; ');
    return refuse(
      'strengthMg',
      `Only ${allowed} ${medicine.name} ${form.form}s may be prescribed under this protocol (${sources}); not ${asked.strengthMg} mg.`,
    );
  }
  return {
    ok: true,
    value: { medicine: medicine.name, form: form.form, route: form.route, strengthMg: strength.value },
  };
}

const timesWords: Record<number, string> = { 1: 'once daily', 2: 'twice daily', 3: 'three times daily' };

/** "once weekly", "twice daily", "every 14 days": how the protocol says the medicine is given. */
export function describeProtocolFrequency(frequency: Protocol['dosing']['frequency']): string {
  switch (frequency.kind) {
    case 'once-weekly':
      return 'once weekly on a named day';
    case 'daily':
      return timesWords[frequency.timesPerDay.value] ?? `${frequency.timesPerDay.value} times daily`;
    case 'every-n-days':
      return `every ${frequency.days.value} days`;
  }
}

function wholeNumber(value: number | undefined, fallback: number, range: { min: number; max: number }) {
  const n = value ?? fallback;
  return Number.isInteger(n) && n >= range.min && n <= range.max ? n : undefined;
}

/**
 * How often the medicine is given. Only the protocol's kind of frequency is accepted; a once-weekly
 * medicine also needs its day named (NPSA), so that no one can read it as daily.
 */
export function chooseSchedule(
  protocol: Protocol,
  medicine: string,
  asked: {
    frequency: string;
    dayOfWeek?: string | undefined;
    timesPerDay?: number | undefined;
    everyNDays?: number | undefined;
  },
): RuleResult<Schedule> {
  const rule = protocol.dosing.frequency;
  const name = medicineTitle(medicine);
  if (rule.kind === 'once-weekly') {
    const weekly = `${name} must be prescribed once weekly on a named day (NPSA)`;
    if (asked.frequency !== 'once-weekly') return refuse('frequency', `${weekly}.`);
    const day = weekdays.find((d) => d.toLowerCase() === asked.dayOfWeek?.trim().toLowerCase());
    if (!day) return refuse('dayOfWeek', `${weekly}: choose the day of the week it is taken.`);
    return {
      ok: true,
      value: { frequency: 'once-weekly', dayOfWeek: day, timesPerDay: null, everyNDays: null },
    };
  }
  const expected = describeProtocolFrequency(rule);
  if (asked.frequency !== rule.kind) {
    return refuse('frequency', `${name} is given ${expected} under this protocol; not ${asked.frequency}.`);
  }
  if (rule.kind === 'daily') {
    const times = wholeNumber(asked.timesPerDay, rule.timesPerDay.value, { min: 1, max: 6 });
    if (times === undefined) return refuse('timesPerDay', 'Times a day must be a whole number from 1 to 6.');
    return { ok: true, value: { frequency: 'daily', dayOfWeek: null, timesPerDay: times, everyNDays: null } };
  }
  const days = wholeNumber(asked.everyNDays, rule.days.value, { min: 1, max: 366 });
  if (days === undefined)
    return refuse('everyNDays', 'Every how many days must be a whole number from 1 to 366.');
  return {
    ok: true,
    value: { frequency: 'every-n-days', dayOfWeek: null, timesPerDay: null, everyNDays: days },
  };
}

/**
 * The day folic acid is taken, when the protocol gives folic acid advice and the prescriber names one:
 * never the day of the weekly medicine itself (REFERENCE §1.1: "not on the same day").
 */
export function chooseFolicAcidDay(
  protocol: Protocol,
  schedule: Pick<Schedule, 'dayOfWeek'>,
  asked: string | undefined,
): RuleResult<Weekday | null> {
  if (!asked?.trim()) return { ok: true, value: null };
  if (!protocol.folicAcid)
    return refuse(
      'folicAcidDay',
      'This protocol gives no folic acid advice: leave the folic acid day empty.',
    );
  const day = weekdays.find((d) => d.toLowerCase() === asked.trim().toLowerCase());
  if (!day) return refuse('folicAcidDay', 'Choose the day of the week folic acid is taken.');
  if (day === schedule.dayOfWeek) {
    return refuse(
      'folicAcidDay',
      `Folic acid must not be taken on the ${day} dose day: choose another day (usually the day after).`,
    );
  }
  return { ok: true, value: day };
}

/** How much is given each time: a daily amount is split over the day's doses; a weekly or single dose is one. */
export function amountEachTime(doseMg: number, per: string, schedule: Pick<Schedule, 'timesPerDay'>): number {
  return per === 'day' && schedule.timesPerDay ? doseMg / schedule.timesPerDay : doseMg;
}

/** Tablets and capsules are given whole: the amount each time must be a whole number of units. */
export function checkWholeUnits(
  preparation: Preparation,
  doseMg: number,
  per: string,
  schedule: Schedule,
): RuleResult<number> {
  const each = amountEachTime(doseMg, per, schedule);
  const units = each / preparation.strengthMg;
  if (isCountedForm(preparation.form) && Math.abs(units - Math.round(units)) > 1e-9) {
    return refuse(
      'doseMg',
      `${round(each)} mg cannot be given as whole ${preparation.strengthMg} mg ${preparation.form}s: change the dose or the strength.`,
    );
  }
  return { ok: true, value: Math.round(units) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const routeWords: Record<string, string> = {
  oral: 'by mouth',
  subcutaneous: 'by subcutaneous injection',
  intravenous: 'by intravenous infusion',
};

/**
 * The order in words, as the prescription and label should read. Weekly tablets use the NPSA wording:
 * "6 × 2.5 mg tablets (15 mg) once weekly on Monday".
 */
export function describeOrder(order: Preparation & Schedule & { doseMg: number; per: string }): string {
  if (order.frequency === 'once-weekly' && order.form === 'tablet' && order.dayOfWeek) {
    return describeWeeklyTablets(order.doseMg, order.strengthMg, order.dayOfWeek);
  }
  const each = round(amountEachTime(order.doseMg, order.per, order));
  const units = round(each / order.strengthMg);
  const given = isCountedForm(order.form)
    ? `${units} × ${order.strengthMg} mg ${order.form}${units === 1 ? '' : 's'} (${each} mg)`
    : `${each} mg ${routeWords[order.route] ?? order.route} (${order.form})`;
  switch (order.frequency) {
    case 'once-weekly':
      return `${given} once weekly on ${order.dayOfWeek}`;
    case 'daily': {
      const times = order.timesPerDay ?? 1;
      const often = timesWords[times] ?? `${times} times daily`;
      return times > 1 ? `${given} ${often}, ${round(each * times)} mg a day` : `${given} ${often}`;
    }
    case 'every-n-days':
      return `${given} every ${order.everyNDays} days`;
  }
}

/** An override of the protocol: the prescriber's reason, and why the dose needed one. */
export interface DoseOverride {
  reason: string;
  why: string;
}

export const OVERRIDE_REASON_MIN = 10;

/**
 * A dose within the protocol goes ahead (no override). One outside it (or above the maximum) goes ahead only
 * when the prescriber says they are overriding the protocol and why; whether they may is for the access rules.
 */
export function decideDose(
  check: DoseCheck,
  asked: { override: boolean; reason: string | undefined },
): RuleResult<DoseOverride | null> {
  if (check.ok) return { ok: true, value: null };
  if (check.needs === 'correction' || !asked.override) return refuse('doseMg', check.message);
  const reason = asked.reason?.trim() ?? '';
  if (reason.length < OVERRIDE_REASON_MIN) {
    return refuse(
      'overrideReason',
      `Give the reason for overriding the protocol, in at least ${OVERRIDE_REASON_MIN} characters.`,
    );
  }
  return { ok: true, value: { reason, why: check.message } };
}

/** The value of a rule that passed; a refusal naming the field of one that did not. */
export function passedOrRefuse<T>(result: RuleResult<T>): T {
  if (result.ok) return result.value;
  throw invalidField(result.field, result.message);
}
