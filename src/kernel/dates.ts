/**
 * Clinical dates (birth, measurement, due dates) are plain calendar dates, written YYYY-MM-DD.
 * Arithmetic is done in UTC so that no time zone can move a date.
 */
export type PlainDate = string & { readonly __brand: 'PlainDate' };

const plainDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isPlainDate(value: string): value is PlainDate {
  const m = plainDatePattern.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function plainDate(value: string): PlainDate {
  if (!isPlainDate(value)) throw new RangeError(`Not a calendar date: ${value}`);
  return value;
}

// Made once: building a formatter costs about a millisecond, and every request asks for today's date.
const ukCalendarDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** Today's date in the UK, where the service runs. */
export function todayInUk(now: Date = new Date()): PlainDate {
  return ukCalendarDay.format(now) as PlainDate;
}

export function addDays(date: PlainDate, days: number): PlainDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10) as PlainDate;
}

export function daysBetween(from: PlainDate, to: PlainDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Age in completed years and months on a date, as a paediatrician says it. */
export function ageOn(dateOfBirth: PlainDate, on: PlainDate): { years: number; months: number } {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  let months = (oy - by) * 12 + (om - bm);
  if (od < bd) months -= 1;
  return { years: Math.floor(months / 12), months: months % 12 };
}

/** "3 years 2 months", "11 months", "14 years". */
export function describeAge(age: { years: number; months: number }): string {
  if (age.years === 0) return `${age.months} month${age.months === 1 ? '' : 's'}`;
  const years = `${age.years} year${age.years === 1 ? '' : 's'}`;
  return age.years < 5 && age.months > 0
    ? `${years} ${age.months} month${age.months === 1 ? '' : 's'}`
    : years;
}

/** "5 March 2024". */
export function formatDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}
