import { addDays, type PlainDate } from '../kernel/dates.ts';

/** Monday to Friday. Bank holidays are not known to Jointly, so a clock may end on one (earlier, never later). */
export function isWorkingDay(date: PlainDate): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The working day `count` working days after `date` (0: `date` itself if it is one, else the next). */
export function workingDaysAfter(date: PlainDate, count: number): PlainDate {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  for (let left = count; left > 0; left -= 1) {
    day = addDays(day, 1);
    while (!isWorkingDay(day)) day = addDays(day, 1);
  }
  return day;
}

/** Midnight at the end of a UK calendar day, as an instant (so British Summer Time is honoured). */
export function endOfUkDay(date: PlainDate): Date {
  const next = addDays(date, 1);
  const utcMidnight = new Date(`${next}T00:00:00Z`);
  const offset = ukOffsetMinutes(utcMidnight);
  return new Date(utcMidnight.getTime() - offset * 60_000);
}

function ukOffsetMinutes(at: Date): number {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d+)?/.exec(name ?? '');
  return m?.[1] ? Number(m[1]) * 60 : 0;
}

/**
 * When someone must have decided about a result: a red result by the end of the working day the protocol
 * gives (DEFAULTS.md: the end of the next working day); an amber one by the end of its repeat window.
 */
export function respondBy(
  outcome: 'red' | 'amber',
  today: PlainDate,
  clock: { redWorkingDays: number; amberRepeatWithinDays: number | null },
): Date {
  if (outcome === 'red' && clock.redWorkingDays <= 0) return endOfUkDay(today);
  if (outcome === 'red') return endOfUkDay(workingDaysAfter(addDays(today, 1), clock.redWorkingDays - 1));
  const days = clock.amberRepeatWithinDays ?? clock.redWorkingDays;
  return endOfUkDay(addDays(today, days));
}
