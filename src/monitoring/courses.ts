import type { Queryable } from '../db/database.ts';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import type { Panel } from '../protocols/protocol.schema.ts';
import { panelOf } from '../results/panels.ts';
import { specimenDates } from '../results/results.store.ts';
import {
  type CourseRow,
  closeLadderTasks,
  type OrderForCourse,
  ordersForCourses,
  saveCourses,
  specialistTeamOf,
} from './courses.store.ts';
import { whoArrangesBloodTests } from './responsibility.rules.ts';
import { ladderFrom, monitoringStatus, nextBloodTestDue, type PanelTaken } from './schedule.rules.ts';

/**
 * Works out again, from the child's medicines and results, when each course's next blood tests are due, who
 * arranges them and where — whenever a medicine, an agreement or a result changes. Ladder tasks for a test no
 * longer due (it has been taken, or the medicine stopped) are closed.
 */
export async function refreshMonitoring(
  tx: Queryable,
  patientId: string,
  today: PlainDate,
  known: { orders?: readonly OrderForCourse[] } = {},
): Promise<void> {
  const orders = known.orders ?? (await ordersForCourses(tx, patientId));
  if (orders.length === 0) return;
  const [taken, specialist] = await Promise.all([
    specimenDates(tx, patientId),
    specialistTeamOf(tx, patientId, today),
  ]);
  const panelsTaken: PanelTaken[] = taken.map((t) => ({
    panel: panelOf(t.analyte),
    specimenDate: t.specimenDate,
  }));
  const courses = [...groupByMedicine(orders).values()].map((course) =>
    courseRow(patientId, course, panelsTaken, specialist, today),
  );
  const saved = await saveCourses(tx, courses);
  const noLongerDue = saved
    .filter((s) => {
      const c = courses.find((x) => x.medicine === s.medicine);
      return !c?.nextDueOn || c.nextDueOn > today;
    })
    .map((s) => s.id);
  await closeLadderTasks(tx, noLongerDue, 'No longer due: the tests were taken or the medicine stopped');
}

function groupByMedicine(orders: readonly OrderForCourse[]): Map<string, OrderForCourse[]> {
  const byMedicine = new Map<string, OrderForCourse[]>();
  for (const o of orders) byMedicine.set(o.medicine, [...(byMedicine.get(o.medicine) ?? []), o]);
  return byMedicine;
}

function courseRow(
  patientId: string,
  orders: readonly OrderForCourse[],
  taken: readonly PanelTaken[],
  specialist: string | null,
  today: PlainDate,
): CourseRow {
  const latest = orders.at(-1)!;
  const plan = latest.protocol.monitoring;
  const monitored = new Set<Panel>(plan.phases.flatMap((p) => p.panels));
  const relevant = taken.filter((t) => monitored.has(t.panel));
  const due = nextBloodTestDue(plan, orders, relevant, scheduleDate(orders, today));
  const who = whoArrangesBloodTests(latest.agreement, specialist, today);
  const ladder = ladderFrom(plan);
  const lastTested = relevant.reduce<PlainDate | null>(
    (last, t) => (t.specimenDate <= today && (!last || t.specimenDate > last) ? t.specimenDate : last),
    null,
  );
  return {
    patientId,
    medicine: latest.medicine,
    protocolVersionId: latest.protocolVersionId,
    agreementId: latest.agreement?.id ?? null,
    specialistOrganisationId: latest.agreement?.specialistOrganisationId ?? specialist,
    responsibleOrganisationId: who.organisationId,
    place: who.place,
    startedOn: orders[0]!.startDate,
    stoppedOn: latest.stopDate !== null && latest.stopDate < today ? latest.stopDate : null,
    nextDueOn: due?.dueOn ?? null,
    nextDuePanels: due?.panels ?? [],
    lastTestedOn: lastTested,
    ladder,
    status: monitoringStatus(due?.dueOn ?? null, today, ladder),
    statusOn: today,
    recomputeOn: nextOrderChange(orders, today),
  };
}

/** The day to work the schedule out for: today, or when the medicine (re)starts if it is not being taken today. */
function scheduleDate(orders: readonly OrderForCourse[], today: PlainDate): PlainDate {
  const takingToday = orders.some(
    (o) => o.startDate <= today && (o.stopDate === null || o.stopDate >= today),
  );
  if (takingToday) return today;
  const nextStart = orders
    .map((o) => o.startDate)
    .filter((d) => d > today)
    .sort()[0];
  return nextStart ?? today;
}

/** The next day after today on which an order starts, or the day after one stops. */
function nextOrderChange(orders: readonly OrderForCourse[], today: PlainDate): PlainDate | null {
  const days = orders
    .flatMap((o) => [o.startDate, ...(o.stopDate ? [addDays(o.stopDate, 1)] : [])])
    .filter((d) => d > today)
    .sort();
  return days[0] ?? null;
}
