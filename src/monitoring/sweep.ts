import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { formatDate, type PlainDate, todayInUk } from '../kernel/dates.ts';
import { escalateOverdueAlerts } from '../results/alerts.store.ts';
import { type ClockLog, runEveryHour } from '../server/hourly.ts';
import { type NewTask, openTasksTogether } from '../tasks/tasks.store.ts';
import { patientsToRecompute } from './courses.store.ts';
import { refreshMonitoring } from './courses.ts';
import {
  queueEscalationEmails,
  queueFamilyReminders,
  type StepTaken,
  takeStep,
  updateStatuses,
} from './sweep.store.ts';

export interface SweepReport {
  today: PlainDate;
  coursesRecomputed: number;
  statusesChanged: number;
  familyReminders: number;
  practiceTasks: number;
  teamAlerts: number;
  withholdAdvice: number;
  redResultsEscalated: number;
}

/**
 * The overdue ladder for every course at once: statuses for today; the family reminded before the due date; the
 * organisation that arranges the tests given a task when due; the specialist team alerted after the grace
 * period; at the protocol's limit, the prescriber advised to consider withholding until tested. Red results
 * nobody has decided about in time are escalated to the specialist team's consultants. Each step is taken once
 * per due date, whoever runs the sweep and however often. Runs hourly, at start-up and on demand.
 */
export async function sweepMonitoring(db: Database, now: Date): Promise<SweepReport> {
  const today = todayInUk(now);
  return db.transaction(async (tx) => {
    // Few children a day: those whose dose change, restart or stop was dated for today.
    const changing = await patientsToRecompute(tx, today);
    for (const patientId of changing) await refreshMonitoring(tx, patientId, today);
    const statusesChanged = await updateStatuses(tx, today);
    const reminded = await takeStep(tx, 'family-reminder', today);
    const familyReminders = await queueFamilyReminders(
      tx,
      reminded.map((r) => r.courseId),
      reminded.map((r) => r.dueOn),
    );
    const due = await takeStep(tx, 'practice-task', today);
    const late = await takeStep(tx, 'team-alert', today);
    const withhold = await takeStep(tx, 'withhold-advice', today);
    const escalated = await escalateOverdueAlerts(tx, now);
    await openTasksTogether(
      tx,
      [
        ...due.flatMap((s) =>
          tasksFor(s, [s.responsibleOrganisationId], 'blood-test-due', `Blood tests due ${when(s)}`),
        ),
        ...late.flatMap((s) =>
          tasksFor(
            s,
            [s.specialistOrganisationId],
            'monitoring-overdue',
            `Blood tests overdue since ${when(s)}`,
          ),
        ),
        ...withhold.flatMap((s) =>
          tasksFor(
            s,
            [s.responsibleOrganisationId, s.specialistOrganisationId],
            'consider-withholding',
            `Blood tests seriously overdue (due ${when(s)}): consider withholding ${s.medicine} until tested`,
          ),
        ),
        ...escalated.map((a) => ({
          organisationId: (a.specialistOrganisationId ?? a.responsibleOrganisationId)!,
          patientId: a.patientId,
          kind: 'result-red-escalated',
          title: 'Red result not acknowledged in time: for the consultant to decide today',
          subjectId: a.id,
          dueOn: today,
        })),
      ].filter((t) => t.organisationId),
    );
    await queueEscalationEmails(
      tx,
      escalated.map((a) => a.id),
    );
    return {
      today,
      coursesRecomputed: changing.length,
      statusesChanged,
      familyReminders,
      practiceTasks: due.length,
      teamAlerts: late.length,
      withholdAdvice: withhold.length,
      redResultsEscalated: escalated.length,
    };
  });
}

function when(s: StepTaken): string {
  return `${formatDate(s.dueOn)}: ${s.panels.join(', ')} (${s.medicine})`;
}

function tasksFor(s: StepTaken, organisations: (string | null)[], kind: string, title: string): NewTask[] {
  return [...new Set(organisations)]
    .filter((o): o is string => o !== null)
    .map((organisationId) => ({
      organisationId,
      patientId: s.patientId,
      kind,
      title,
      subjectId: s.courseId,
      dueOn: s.dueOn,
    }));
}

/** The monitoring sweep at start-up and every hour. */
export function startMonitoringClock(
  db: Database,
  log: ClockLog,
  everyMs?: number,
): { stop(): Promise<void> } {
  return runEveryHour('monitoringSweep', () => sweepAndAudit(db, new Date()), log, everyMs);
}

/** A sweep, with one audit entry saying what it did (counts only). */
export async function sweepAndAudit(
  db: Database,
  now: Date,
  by: { userId: string; email: string } | null = null,
) {
  const report = await sweepMonitoring(db, now);
  await recordAudit(db, {
    userId: by?.userId ?? null,
    userEmail: by?.email ?? null,
    role: by ? 'service_administrator' : null,
    organisationId: null,
    patientId: null,
    action: 'monitoring sweep',
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { ...report },
  });
  return report;
}
