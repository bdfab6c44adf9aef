import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';
import type { Panel, Protocol } from '../protocols/protocol.schema.ts';

/**
 * When a child's blood tests are due, worked out from the protocol's monitoring plan, the medicine's orders
 * and the dates tests were taken. Pure: the date is always a parameter.
 *
 * The course. A course is the orders of one medicine. It starts on the earliest start date. Orders follow one
 * another: when the next order starts the day after the last one stops (or overlaps it), the medicine was taken
 * throughout, and a different dose is a dose increase or reduction, a different route a route change. A gap of
 * at least one day with no order is a pause, and the next start a restart. An order that stops with nothing
 * after it means the medicine stops from the day after its stop date.
 *
 * The phases. The plan's phases run in order from the start of the course:
 * - "until the dose has been stable for W weeks" lasts until W weeks have passed since the latest change of dose
 *   or route within the phase (or since the phase began);
 * - "for W weeks" lasts W weeks from when the phase began;
 * - "ongoing" never ends.
 * When the last phase ends, routine blood monitoring ends.
 *
 * Starting again. When the plan says so (`restartOnDoseIncrease`), a dose increase, a route change and a
 * restart after a pause all take the course back to the first phase on that day. The reference's "every
 * 2 weeks until stable for 6 weeks, then back to the previous schedule" (REFERENCE.md §1.3) is read
 * conservatively: back to the first phase, then on through every phase after it, rather than straight back to
 * the phase the child was in. A dose reduction never takes the course back to the first phase, but it does
 * count as a change of dose, so a "dose stable" phase in force lasts until the new dose has been stable. When
 * the plan does not restart, these changes only reset dose stability; the phases keep running by the calendar.
 *
 * When a test is due. On a given day, for each panel the phase in force asks for:
 * - taken since the phase began (or since a restart after a pause): due one interval after the latest specimen date, the interval being that of
 *   the phase in force when the specimen was taken (a late test moves the next one later; an early one earlier);
 * - otherwise the earliest of:
 *   (a) one interval after the latest specimen date, as above, when it was taken on or after the course start;
 *   (b) the phase's own interval after the day the phase began (or the child restarted after a pause, if later);
 *   (c) the first interval after each start of the schedule (the course start, a restart after a pause, a
 *       return to the first phase) that no test has followed: the earliest such start counts.
 *   A test due before a restart after a pause is not carried over the pause: nothing is due while the child is
 *   not taking the medicine, and after a restart the schedule counts from the restart.
 * (c) is what makes a missed test stay missed when the schedule moves into a later phase, and what guarantees
 * that after any dose increase the next test is due no later than the increase plus the first phase's interval
 * unless a test has been taken since. (Counting (a) only when it falls after the phase began would let a test
 * that was overdue before a dose increase, or before the phase changed, drop out of sight; we keep it due unless
 * the child has paused the medicine since.)
 *
 * Nothing is due while the medicine is paused or stopped, before it starts, after the last phase has ended, or
 * when the plan has no phases (no routine blood monitoring, e.g. hydroxychloroquine).
 *
 * The overdue ladder (the plan's `overdue` numbers). A due test's window opens when the family is reminded
 * (before the due date) and closes when the specialist team is alerted (after it). The monitoring status is
 * up to date until the reminder, due soon until the due date, due until the practice's task (on the day, by
 * default), overdue until the advice to consider withholding, and seriously overdue from then; not monitored
 * when nothing is due.
 */

export type MonitoringPlan = Protocol['monitoring'];
type Phase = MonitoringPlan['phases'][number];

/** One medication order of the course (same medicine), as stored: dose changes are new orders. */
export interface CourseOrder {
  startDate: PlainDate;
  stopDate: PlainDate | null;
  doseMg: number;
  route: string;
}

/** When each panel was last taken (specimen dates), any order. */
export interface PanelTaken {
  panel: Panel;
  specimenDate: PlainDate;
}

export interface DueTest {
  panel: Panel;
  dueOn: PlainDate;
  window: { opens: PlainDate; closes: PlainDate };
  phase: string;
}

export type MonitoringStatus =
  | 'up-to-date'
  | 'due-soon'
  | 'due'
  | 'overdue'
  | 'seriously-overdue'
  | 'not-monitored';

export interface OverdueLadder {
  reminderDaysBefore: number;
  practiceTaskDaysAfter: number;
  teamAlertDaysAfter: number;
  withholdAdviceDaysAfter: number;
}

export const courseEventKinds = [
  'started',
  'dose-increased',
  'dose-reduced',
  'route-changed',
  'paused',
  'restarted',
  'stopped',
] as const;
export type CourseEventKind = (typeof courseEventKinds)[number];

/** Something that happened to the course on a day: the dose and route are those from that day (or last taken). */
export interface CourseEvent {
  kind: CourseEventKind;
  on: PlainDate;
  doseMg: number;
  route: string;
}

/** A stretch of days on one order, its end cut short where the next order starts. `to` is the last day taken. */
interface Stretch {
  from: PlainDate;
  to: PlainDate | null;
  doseMg: number;
  route: string;
}

function stretches(orders: readonly CourseOrder[]): Stretch[] {
  const sorted = [...orders].sort((x, y) =>
    x.startDate < y.startDate ? -1 : x.startDate > y.startDate ? 1 : 0,
  );
  const result: Stretch[] = [];
  sorted.forEach((order, i) => {
    const next = sorted[i + 1];
    const dayBeforeNext = next ? addDays(next.startDate, -1) : null;
    const to = earlierOf(order.stopDate, dayBeforeNext);
    if (to !== null && to < order.startDate) return; // replaced on the day it started
    result.push({ from: order.startDate, to, doseMg: order.doseMg, route: order.route });
  });
  return result;
}

/** The course's events, in date order: start, dose and route changes, pauses, restarts and the stop. */
export function courseEvents(orders: readonly CourseOrder[]): CourseEvent[] {
  const parts = stretches(orders);
  const events: CourseEvent[] = [];
  parts.forEach((part, i) => {
    const at = (kind: CourseEventKind, on: PlainDate = part.from) =>
      events.push({ kind, on, doseMg: part.doseMg, route: part.route });
    const before = parts[i - 1];
    if (!before) at('started');
    else if (before.to !== null && daysBetween(before.to, part.from) > 1) {
      events.push({ kind: 'paused', on: addDays(before.to, 1), doseMg: before.doseMg, route: before.route });
      at('restarted');
    } else {
      if (part.doseMg > before.doseMg) at('dose-increased');
      if (part.doseMg < before.doseMg) at('dose-reduced');
      if (part.route !== before.route) at('route-changed');
    }
    if (i === parts.length - 1 && part.to !== null) at('stopped', addDays(part.to, 1));
  });
  return events;
}

/** The schedule as it stands on a day. */
interface ScheduleState {
  taking: boolean;
  /** The phase in force; the number of phases once every phase has ended. */
  index: number;
  phaseStartedOn: PlainDate;
  /** The latest change of dose or route, or the (re)start: dose stability counts from here. */
  lastChangeOn: PlainDate;
  /** The course start or the latest restart after a pause. */
  resumedOn: PlainDate;
  /** Every day the schedule started again (course start, restarts, returns to the first phase). */
  scheduleStarts: PlainDate[];
}

function intervalDays(phase: Phase): number {
  // Whole days, at least one, so that a schedule always moves forward whatever a local protocol says.
  return Math.max(1, Math.round(phase.intervalDays.value));
}

function phaseEndsOn(phase: Phase, state: ScheduleState): PlainDate | null {
  switch (phase.until.kind) {
    case 'ongoing':
      return null;
    case 'for-weeks':
      return addDays(state.phaseStartedOn, 7 * phase.until.weeks.value);
    case 'dose-stable-for-weeks':
      return addDays(laterOf(state.phaseStartedOn, state.lastChangeOn), 7 * phase.until.weeks.value);
  }
}

/** Moves through every phase that has ended by `on`. */
function advance(plan: MonitoringPlan, state: ScheduleState, on: PlainDate): void {
  while (state.index < plan.phases.length) {
    const endsOn = phaseEndsOn(plan.phases[state.index]!, state);
    if (endsOn === null || endsOn > on) return;
    state.index += 1;
    state.phaseStartedOn = endsOn;
  }
}

function freshStart(on: PlainDate): ScheduleState {
  return {
    taking: true,
    index: 0,
    phaseStartedOn: on,
    lastChangeOn: on,
    resumedOn: on,
    scheduleStarts: [on],
  };
}

function backToFirstPhase(state: ScheduleState, on: PlainDate): void {
  state.index = 0;
  state.phaseStartedOn = on;
  state.lastChangeOn = on;
  state.scheduleStarts.push(on);
}

function apply(plan: MonitoringPlan, state: ScheduleState | null, event: CourseEvent): ScheduleState {
  if (!state) return freshStart(event.on);
  switch (event.kind) {
    case 'started':
      return freshStart(event.on);
    case 'paused':
    case 'stopped':
      state.taking = false;
      break;
    case 'restarted':
      if (plan.restartOnDoseIncrease) return freshStart(event.on);
      state.taking = true;
      state.lastChangeOn = event.on;
      state.resumedOn = event.on;
      state.scheduleStarts.push(event.on);
      break;
    case 'dose-increased':
    case 'route-changed':
      if (plan.restartOnDoseIncrease) backToFirstPhase(state, event.on);
      else state.lastChangeOn = event.on;
      break;
    case 'dose-reduced':
      state.lastChangeOn = event.on;
      break;
  }
  return state;
}

/** The schedule on `on`, from the course's events; null before the course starts. */
function scheduleOn(
  plan: MonitoringPlan,
  events: readonly CourseEvent[],
  on: PlainDate,
): ScheduleState | null {
  let state: ScheduleState | null = null;
  for (const event of events) {
    if (event.on > on) break;
    if (state) advance(plan, state, event.on);
    state = apply(plan, state, event);
  }
  if (state) advance(plan, state, on);
  return state;
}

/** The phase in force, or undefined when the child is not taking the medicine or monitoring has ended. */
function phaseInForce(plan: MonitoringPlan, state: ScheduleState | null): Phase | undefined {
  return state?.taking ? plan.phases[state.index] : undefined;
}

/** The phase in force on `on`: null when not taking the medicine that day, every phase has ended, or none. */
export function phaseOn(
  plan: MonitoringPlan,
  orders: readonly CourseOrder[],
  on: PlainDate,
): { index: number; name: string; startedOn: PlainDate } | null {
  const state = scheduleOn(plan, courseEvents(orders), on);
  const phase = phaseInForce(plan, state);
  return phase && state ? { index: state.index, name: phase.name, startedOn: state.phaseStartedOn } : null;
}

/** The overdue ladder's numbers, from the plan. */
export function ladderFrom(plan: MonitoringPlan): OverdueLadder {
  return {
    reminderDaysBefore: plan.overdue.familyReminderDaysBefore.value,
    practiceTaskDaysAfter: plan.overdue.practiceTaskDaysAfter.value,
    teamAlertDaysAfter: plan.overdue.teamAlertDaysAfter.value,
    withholdAdviceDaysAfter: plan.overdue.withholdAdviceDaysAfter.value,
  };
}

/** What one panel's due date is worked out from, on one day. */
interface DueContext {
  plan: MonitoringPlan;
  events: readonly CourseEvent[];
  state: ScheduleState;
  phase: Phase;
  courseStart: PlainDate;
  on: PlainDate;
}

/** The interval of the phase in force on a day; the current phase's when none was (a test while paused). */
function intervalOn(context: DueContext, day: PlainDate): number {
  const phase = phaseInForce(context.plan, scheduleOn(context.plan, context.events, day));
  return intervalDays(phase ?? context.phase);
}

function panelDueOn(context: DueContext, panel: Panel, taken: readonly PanelTaken[]): PlainDate {
  const { state, on } = context;
  const last = latestSpecimen(taken, panel, context.courseStart, on);
  const fromLast = last === null ? null : addDays(last, intervalOn(context, last));
  const phaseCountsFrom = laterOf(state.phaseStartedOn, state.resumedOn);
  if (last !== null && last >= phaseCountsFrom) return fromLast!;

  const candidates: PlainDate[] = [addDays(phaseCountsFrom, intervalDays(context.phase))];
  if (fromLast !== null && !(last! < state.resumedOn && fromLast < state.resumedOn))
    candidates.push(fromLast);
  const unmetStart = state.scheduleStarts.find(
    (s) => s >= state.resumedOn && s <= on && (last === null || s > last),
  );
  if (unmetStart) candidates.push(addDays(unmetStart, intervalOn(context, unmetStart)));
  return candidates.sort()[0]!;
}

function latestSpecimen(
  taken: readonly PanelTaken[],
  panel: Panel,
  notBefore: PlainDate,
  notAfter: PlainDate,
): PlainDate | null {
  let latest: PlainDate | null = null;
  for (const t of taken) {
    if (t.panel !== panel || t.specimenDate < notBefore || t.specimenDate > notAfter) continue;
    if (latest === null || t.specimenDate > latest) latest = t.specimenDate;
  }
  return latest;
}

/** The next due date of each panel the phase in force on `on` asks for, earliest first. */
export function dueTests(
  plan: MonitoringPlan,
  orders: readonly CourseOrder[],
  taken: readonly PanelTaken[],
  on: PlainDate,
): DueTest[] {
  const events = courseEvents(orders);
  const state = scheduleOn(plan, events, on);
  const phase = phaseInForce(plan, state);
  if (!phase || !state) return [];
  const context: DueContext = { plan, events, state, phase, courseStart: events[0]!.on, on };
  const ladder = ladderFrom(plan);
  const due = [...new Set(phase.panels)].map((panel) => {
    const dueOn = panelDueOn(context, panel, taken);
    const window = {
      opens: addDays(dueOn, -ladder.reminderDaysBefore),
      closes: addDays(dueOn, ladder.teamAlertDaysAfter),
    };
    return { panel, dueOn, window, phase: phase.name };
  });
  return due.sort((x, y) => (x.dueOn < y.dueOn ? -1 : x.dueOn > y.dueOn ? 1 : 0));
}

/** The next blood test: the earliest due date, with every panel due that day. */
export function nextBloodTestDue(
  plan: MonitoringPlan,
  orders: readonly CourseOrder[],
  taken: readonly PanelTaken[],
  on: PlainDate,
): { dueOn: PlainDate; panels: Panel[] } | null {
  const due = dueTests(plan, orders, taken, on);
  const first = due[0];
  if (!first) return null;
  return { dueOn: first.dueOn, panels: due.filter((t) => t.dueOn === first.dueOn).map((t) => t.panel) };
}

/** The next day after `after` on which the schedule changes: an event of the course or the end of a phase. */
function nextChangeAfter(
  plan: MonitoringPlan,
  events: readonly CourseEvent[],
  after: PlainDate,
): PlainDate | null {
  const nextEvent = events.find((e) => e.on > after)?.on ?? null;
  const state = scheduleOn(plan, events, after);
  const phase = state ? plan.phases[state.index] : undefined;
  const phaseEnd = state && phase ? phaseEndsOn(phase, state) : null;
  return earlierOf(nextEvent, phaseEnd);
}

/**
 * Every test due from `from` to `until`, assuming each is taken on its due date and the orders are as they
 * stand (dose changes not yet ordered are unknown). A test already overdue on `from` comes first, with its own
 * due date, and is assumed taken on `from`.
 */
export function projectSchedule(
  plan: MonitoringPlan,
  orders: readonly CourseOrder[],
  taken: readonly PanelTaken[],
  from: PlainDate,
  until: PlainDate,
): DueTest[] {
  const events = courseEvents(orders);
  const assumed = [...taken];
  const projected: DueTest[] = [];
  let cursor = from;
  while (cursor <= until) {
    const due = dueTests(plan, orders, assumed, cursor);
    const change = nextChangeAfter(plan, events, cursor);
    const first = due[0];
    if (!first) {
      if (change === null) break;
      cursor = change;
      continue;
    }
    const takenOn = laterOf(first.dueOn, cursor);
    // The schedule changes before the test (a dose change may bring it forward): work it out again as it will
    // stand on that day, even when the test as now due would fall after `until`.
    if (change !== null && change <= takenOn && takenOn > cursor) {
      if (change > until) break;
      cursor = change;
      continue;
    }
    if (takenOn > until) break;
    const now = due.filter((t) => t.dueOn === first.dueOn);
    projected.push(...now);
    assumed.push(...now.map((t) => ({ panel: t.panel, specimenDate: takenOn })));
    cursor = takenOn;
  }
  return projected;
}

/** How the child's monitoring stands today, by the next due date and the plan's overdue ladder. */
export function monitoringStatus(
  nextDueOn: PlainDate | null,
  today: PlainDate,
  ladder: OverdueLadder,
): MonitoringStatus {
  if (nextDueOn === null) return 'not-monitored';
  const daysLate = daysBetween(nextDueOn, today);
  if (daysLate < -ladder.reminderDaysBefore) return 'up-to-date';
  if (daysLate < 0) return 'due-soon';
  if (daysLate <= ladder.practiceTaskDaysAfter) return 'due';
  if (daysLate < ladder.withholdAdviceDaysAfter) return 'overdue';
  return 'seriously-overdue';
}

function earlierOf(a: PlainDate | null, b: PlainDate | null): PlainDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function laterOf(a: PlainDate, b: PlainDate): PlainDate {
  return a > b ? a : b;
}
