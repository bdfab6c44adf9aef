/**
 * How long something has waited, as a clinician says it on a worklist: "45 minutes", "3 hours", "2 days".
 * Whole units, rounded down, so nothing looks newer than it is by more than a unit.
 */
export function waitingWords(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Where the blood is taken, as the clinic writes it (the family's words are `placeWords`). */
export const clinicPlaceWords = {
  'gp-surgery': 'GP surgery',
  hospital: 'Hospital',
  home: 'At home (a nurse visits)',
} as const;

/** Each monitoring status as a worklist tag says it. */
export const statusWords = {
  'up-to-date': 'Up to date',
  'due-soon': 'Due soon',
  due: 'Due',
  overdue: 'Overdue',
  'seriously-overdue': 'Seriously overdue: consider withholding',
  'not-monitored': 'Not monitored',
} as const;
