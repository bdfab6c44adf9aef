import { appendAudit } from '../audit/audit.store.ts';
import type { Database, Queryable } from '../db/database.ts';
import { type PlainDate, todayInUk } from '../kernel/dates.ts';
import { followAgreements } from '../monitoring/sweep.store.ts';
import { type ClockLog, runEveryHour } from '../server/hourly.ts';
import { openTasksTogether } from '../tasks/tasks.store.ts';
import { type AgreementEvent, type AgreementFacts, responseClock, takeStep } from './agreement.rules.ts';
import {
  activateDue,
  type ClockedAgreement,
  markRemindersDue,
  markUnanswered,
} from './agreement-clock.store.ts';
import { insertSystemEvents } from './agreements.store.ts';

export interface SweepCounts {
  remindersSent: number;
  markedNoResponse: number;
  activated: number;
}

/**
 * The response clock, run over every agreement at once: reminds practices on the protocol's reminder day,
 * marks requests past their window as unanswered (responsibility stays with the specialist team, who get
 * a task), and makes consented agreements active on their transfer date. One statement per step, whatever
 * the number of agreements; all of it commits or none. Running it twice on a day changes nothing more.
 */
export async function sweepAgreementClocks(db: Database, today: PlainDate): Promise<SweepCounts> {
  return db.transaction(async (tx) => {
    const reminded = await markRemindersDue(tx, today);
    confirmEach(reminded, 'reminder', (a) => {
      const clock = responseClock(
        { ...facts(a, 'requested') },
        a.reminderDay ?? Number.POSITIVE_INFINITY,
        today,
      );
      return clock?.reminderDue === true;
    });
    await insertSystemEvents(tx, ids(reminded), 'reminder-sent', today);
    await openTasksTogether(
      tx,
      reminded.map((a) => ({
        organisationId: a.gpPracticeId,
        patientId: a.patientId,
        kind: 'shared-care-reminder',
        title: `Reminder: answer the shared care request for ${a.medicine} by ${a.responseDueOn}`,
        subjectId: a.id,
        dueOn: a.responseDueOn,
      })),
    );
    await auditSweep(tx, 'shared care clock: reminders sent', reminded);

    const unanswered = await markUnanswered(tx, today);
    confirmEach(unanswered, 'mark-no-response', (a) =>
      agrees(a, 'requested', { kind: 'mark-no-response', on: today }),
    );
    await insertSystemEvents(tx, ids(unanswered), 'mark-no-response', today);
    await openTasksTogether(
      tx,
      unanswered.map((a) => ({
        organisationId: a.specialistOrganisationId,
        patientId: a.patientId,
        kind: 'shared-care-no-response',
        title: `No answer from ${a.gpPracticeCode} to the shared care request for ${a.medicine}: prescribing stays with the team`,
        subjectId: a.id,
        dueOn: today,
      })),
    );
    await auditSweep(tx, 'shared care clock: marked no response', unanswered);

    const activated = await activateDue(tx, today);
    confirmEach(activated, 'activate', (a) => agrees(a, 'consented', { kind: 'activate', on: today }));
    await insertSystemEvents(tx, ids(activated), 'activate', today);
    await followAgreements(tx, today, ids(activated));
    await auditSweep(tx, 'shared care clock: agreements made active', activated);

    return {
      remindersSent: reminded.length,
      markedNoResponse: unanswered.length,
      activated: activated.length,
    };
  });
}

function facts(a: ClockedAgreement, state: AgreementFacts['state']): AgreementFacts {
  return {
    state,
    requestedOn: a.requestedOn,
    responseDueOn: a.responseDueOn,
    transferDate: a.transferDate,
    consented: a.consented,
  };
}

function agrees(a: ClockedAgreement, from: AgreementFacts['state'], event: AgreementEvent): boolean {
  return takeStep(facts(a, from), event, 'system').ok;
}

/**
 * The SQL picks the agreements and the lifecycle rules must agree with every pick: if they ever differ,
 * the whole sweep is rolled back rather than move an agreement the rules would not.
 */
function confirmEach(
  rows: ClockedAgreement[],
  step: string,
  allowed: (a: ClockedAgreement) => boolean,
): void {
  const wrong = rows.filter((a) => !allowed(a));
  if (wrong.length > 0) {
    throw new Error(
      `The response clock chose agreements the lifecycle refuses for '${step}': ${ids(wrong).join(', ')}`,
    );
  }
}

const ids = (rows: ClockedAgreement[]) => rows.map((a) => a.id);

/** One audit entry per step, naming agreements and patients by id only. */
async function auditSweep(tx: Queryable, action: string, rows: ClockedAgreement[]): Promise<void> {
  if (rows.length === 0) return;
  await appendAudit(tx, {
    userId: null,
    userEmail: null,
    role: null,
    organisationId: null,
    patientId: null,
    action,
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { count: rows.length, agreementIds: ids(rows), patientIds: rows.map((a) => a.patientId) },
  });
}

/**
 * Runs the response clock at start-up and then every hour, so that reminders, no-response marking and
 * transfers happen on their day whether or not anyone opens a page.
 */
export function startAgreementClock(
  db: Database,
  log: ClockLog,
  options: { everyMs?: number; today?: () => PlainDate } = {},
): { stop(): Promise<void> } {
  const today = options.today ?? (() => todayInUk());
  return runEveryHour('sharedCareClock', () => sweepAgreementClocks(db, today()), log, options.everyMs);
}
