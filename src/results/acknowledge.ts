import { z } from 'zod';
import type { Asker } from '../access/patient-access.ts';
import { authorisePatientChange, isUuid } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../kernel/dates.ts';
import { JointlyError, parseInput } from '../kernel/errors.ts';
import { openTasksTogether } from '../tasks/tasks.store.ts';
import { type AlertView, acknowledgeAlert, alertDecisions, findAlert } from './alerts.store.ts';
import { analyteNames } from './panels.ts';
import { auditingRefusals } from './refusals.ts';

export const alertTaskKinds = ['result-red', 'result-amber', 'result-red-escalated'] as const;

const NOTE_MIN = 5;
export const acknowledgementInput = z
  .object({
    decision: z.enum(alertDecisions, {
      message: 'Choose what was decided: continue, withhold, reduce or repeat the test',
    }),
    note: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .transform((v) => v || null),
  })
  .refine((a) => a.decision !== 'continue' || (a.note?.length ?? 0) >= NOTE_MIN, {
    message: 'Say why the medicine continues despite this result',
    path: ['note'],
  });

export const decisionWords: Record<(typeof alertDecisions)[number], string> = {
  continue: 'Continue the medicine',
  withhold: 'Withhold the medicine',
  reduce: 'Reduce the dose',
  'repeat-test': 'Repeat the blood test',
};

/**
 * Someone decides what to do about a red or amber result: who, when and what is recorded and audited, and every
 * task about it closes. A decision to withhold, reduce or repeat becomes a task for whoever must act on it.
 * Deciding twice is refused: the first decision stands, and the refusal is audited.
 */
export async function acknowledgeResult(
  db: Database,
  asker: Asker,
  alertId: string,
  input: unknown,
): Promise<AlertView> {
  const alert = isUuid(alertId) ? await findAlert(db, alertId) : undefined;
  if (!alert) throw new JointlyError('NOT_FOUND', 'There is no such result alert.');
  const change = await authorisePatientChange(
    db,
    asker,
    alert.patientId,
    'acknowledge-result',
    'acknowledge result',
    {
      alertId,
    },
  );
  await auditingRefusals(db, asker, change, 'acknowledge result', { alertId }, async () => {
    const decided = parseInput(acknowledgementInput, input);
    await db.transaction(async (tx) => {
      const recorded = await acknowledgeAlert(tx, alertId, {
        userId: asker.viewer.id,
        decision: decided.decision,
        note: decided.note,
        at: asker.now,
      });
      if (!recorded) {
        throw new JointlyError(
          'CONFLICT',
          'Someone has already decided about this result; their decision stands.',
        );
      }
      await tx.query(
        `update task set status = 'done', completed_at = $2, completed_by = $3, outcome = $4
       where subject_id = $1 and kind = any($5::text[]) and status = 'open'`,
        [alertId, asker.now, asker.viewer.id, decisionWords[decided.decision], alertTaskKinds],
      );
      const follow = followUp(alert, decided.decision, asker.today, change.access.organisationId);
      await openTasksTogether(tx, follow);
      await change.audit(tx, { alertId, decision: decided.decision });
    });
  });
  return (await findAlert(db, alertId))!;
}

/** What a decision asks of others: the organisation that arranges tests repeats them; a prescriber withholds. */
function followUp(
  alert: AlertView,
  decision: string,
  today: ReturnType<typeof addDays>,
  decidedBy: string | null,
) {
  const name = analyteNames[alert.analyte];
  const others = [alert.responsibleOrganisationId, alert.specialistOrganisationId].filter(
    (o): o is string => o !== null && o !== decidedBy,
  );
  // When the protocol gives no repeat window, the repeat is due at once rather than at a guessed interval.
  const windows = alert.findings.flatMap((f) => (f.repeatWithinDays === null ? [] : [f.repeatWithinDays]));
  const repeatDays = windows.length ? Math.min(...windows) : 0;
  switch (decision) {
    case 'repeat-test':
      return [...new Set([alert.responsibleOrganisationId].filter((o): o is string => o !== null))].map(
        (o) => ({
          organisationId: o,
          patientId: alert.patientId,
          kind: 'repeat-blood-test',
          title: `Repeat the ${name} test (decided after the ${alert.outcome} result)`,
          subjectId: alert.id,
          dueOn: addDays(today, repeatDays),
        }),
      );
    case 'withhold':
    case 'reduce':
      return [...new Set(others)].map((o) => ({
        organisationId: o,
        patientId: alert.patientId,
        kind: decision === 'withhold' ? 'medicine-withheld' : 'dose-to-reduce',
        title: `${decisionWords[decision]}: decided after the ${alert.outcome} ${name} result`,
        subjectId: alert.id,
        dueOn: today,
      }));
    default:
      return [];
  }
}
