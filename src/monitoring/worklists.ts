import type { Asker } from '../access/patient-access.ts';
import { visiblePatientCondition } from '../access/visibility.ts';
import { agreementsForWorklist } from '../agreements/worklist.store.ts';
import { worklistOrganisations } from '../agreements/worklists.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { analyteNames } from '../results/panels.ts';
import type { MonitoringStatus } from './schedule.rules.ts';
import { clinicPlaceWords, statusWords, waitingWords } from './worklists.rules.ts';
import {
  coursesForWorklist,
  type Limited,
  openTaskCount,
  type WaitingAlert,
  type WorklistCourse,
  waitingAlerts,
} from './worklists.store.ts';

/** Each list stops here; the heading still gives the true count. Unacknowledged alerts are few by nature. */
export const WORKLIST_LIMIT = 200;

const overdueStatuses: readonly MonitoringStatus[] = ['overdue', 'seriously-overdue'];

export interface AlertRow extends WaitingAlert {
  testName: string;
  waiting: string;
  href: string;
}

export interface CourseRow extends WorklistCourse {
  statusText: string;
  placeText: string;
  href: string;
}

function alertRows(list: Limited<WaitingAlert>, now: Date): Limited<AlertRow> {
  return {
    total: list.total,
    rows: list.rows.map((a) => ({
      ...a,
      testName: analyteNames[a.analyte],
      waiting: waitingWords(a.createdAt, now),
      href: `/patients/${a.patientId}/results`,
    })),
  };
}

function courseRows(list: Limited<WorklistCourse>): Limited<CourseRow> {
  return {
    total: list.total,
    rows: list.rows.map((c) => ({
      ...c,
      statusText: statusWords[c.status],
      placeText: clinicPlaceWords[c.place],
      href: `/patients/${c.patientId}/results`,
    })),
  };
}

function organisationsOf(asker: Asker, side: 'specialist' | 'practice') {
  const memberships = worklistOrganisations(asker, side);
  const first = memberships[0];
  if (!first) {
    throw new JointlyError(
      'FORBIDDEN',
      side === 'specialist'
        ? 'Only the specialist team has a monitoring worklist.'
        : 'Only the staff of a GP practice have a practice worklist.',
    );
  }
  return {
    first,
    ids: [...new Set(memberships.map((m) => m.organisationId!))],
    names: [...new Set(memberships.map((m) => m.organisationName ?? m.organisationCode ?? ''))],
  };
}

/** One audit entry for a worklist, naming the children by id only. */
async function auditList(
  db: Database,
  asker: Asker,
  first: { role: string; organisationId: string | null },
  action: string,
  patientIds: readonly string[],
): Promise<void> {
  const ids = [...new Set(patientIds)];
  await recordAudit(db, {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    role: first.role,
    organisationId: first.organisationId,
    patientId: null,
    action,
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { count: ids.length, patientIds: ids },
    occurredAt: asker.now,
  });
}

export interface SpecialistWorklist {
  organisations: string[];
  red: Limited<AlertRow>;
  amber: Limited<AlertRow>;
  overdue: Limited<CourseRow>;
  openTasks: number;
  limit: number;
}

/**
 * The specialist team's monitoring worklist: red then amber results nobody has decided about, the courses whose
 * blood tests are overdue, and how many tasks are open. Set-based, for the children the viewer may see.
 */
export async function loadSpecialistWorklist(db: Database, asker: Asker): Promise<SpecialistWorklist> {
  const orgs = organisationsOf(asker, 'specialist');
  const visible = visiblePatientCondition(asker.viewer, asker, 1);
  const alerts = await waitingAlerts(db, visible, 'specialist', orgs.ids, WORKLIST_LIMIT);
  const overdue = await coursesForWorklist(
    db,
    visible,
    'specialist',
    orgs.ids,
    { statuses: overdueStatuses },
    WORKLIST_LIMIT,
  );
  const openTasks = await openTaskCount(db, visible, orgs.ids);
  await auditList(db, asker, orgs.first, 'view monitoring worklist', [
    ...alerts.red.rows.map((r) => r.patientId),
    ...alerts.amber.rows.map((r) => r.patientId),
    ...overdue.rows.map((r) => r.patientId),
  ]);
  return {
    organisations: orgs.names,
    red: alertRows(alerts.red, asker.now),
    amber: alertRows(alerts.amber, asker.now),
    overdue: courseRows(overdue),
    openTasks,
    limit: WORKLIST_LIMIT,
  };
}

export interface PracticeWorklist {
  organisations: string[];
  dueThisWeek: Limited<CourseRow>;
  overdue: Limited<CourseRow>;
  red: Limited<AlertRow>;
  amber: Limited<AlertRow>;
  /** Agreements under which the practice prescribes now: the "Active" list of /shared-care. */
  prescribing: number;
  openTasks: number;
  limit: number;
}

/**
 * A GP practice's worklist: the blood tests it arranges that are due within a week or overdue, results needing
 * its action, and the shared care it prescribes under. Set-based, for the children the viewer may see.
 */
export async function loadPracticeWorklist(db: Database, asker: Asker): Promise<PracticeWorklist> {
  const orgs = organisationsOf(asker, 'practice');
  const visible = visiblePatientCondition(asker.viewer, asker, 1);
  const dueThisWeek = await coursesForWorklist(
    db,
    visible,
    'responsible',
    orgs.ids,
    { dueBy: addDays(asker.today, 7), notStatuses: overdueStatuses },
    WORKLIST_LIMIT,
  );
  const overdue = await coursesForWorklist(
    db,
    visible,
    'responsible',
    orgs.ids,
    { statuses: overdueStatuses },
    WORKLIST_LIMIT,
  );
  const alerts = await waitingAlerts(db, visible, 'responsible', orgs.ids, WORKLIST_LIMIT);
  const prescribing = await agreementsForWorklist(db, visible, orgs.ids, 'practice', ['active']);
  const openTasks = await openTaskCount(db, visible, orgs.ids);
  await auditList(db, asker, orgs.first, 'view practice worklist', [
    ...dueThisWeek.rows.map((r) => r.patientId),
    ...overdue.rows.map((r) => r.patientId),
    ...alerts.red.rows.map((r) => r.patientId),
    ...alerts.amber.rows.map((r) => r.patientId),
  ]);
  return {
    organisations: orgs.names,
    dueThisWeek: courseRows(dueThisWeek),
    overdue: courseRows(overdue),
    red: alertRows(alerts.red, asker.now),
    amber: alertRows(alerts.amber, asker.now),
    prescribing: prescribing.length,
    openTasks,
    limit: WORKLIST_LIMIT,
  };
}
