import type { PlainDate } from '../kernel/dates.ts';
import type { AgreementState } from './agreement.rules.ts';
import { type ResponseClockView, responseClockView } from './agreement-dates.rules.ts';

/** One heading of a worklist and the agreements under it, each with its response clock. */
export interface WorklistGroup<Row> {
  key: string;
  heading: string;
  /** Shown when the group is empty. */
  emptyText: string;
  rows: (Row & { clock: ResponseClockView | undefined })[];
}

interface GroupRule {
  key: string;
  heading: string;
  emptyText: string;
  holds: (state: AgreementState, overdue: boolean) => boolean;
}

const specialistRules: GroupRule[] = [
  {
    key: 'awaiting-response',
    heading: 'Awaiting the GP practice’s answer',
    emptyText: 'No request is waiting for an answer.',
    holds: (s, overdue) => s === 'requested' && !overdue,
  },
  {
    key: 'no-response',
    heading: 'Overdue: no answer from the practice',
    emptyText: 'No request is overdue.',
    holds: (s, overdue) => s === 'no-response' || (s === 'requested' && overdue),
  },
  {
    key: 'declined',
    heading: 'Declined',
    emptyText: 'No request has been declined.',
    holds: (s) => s === 'declined',
  },
  {
    key: 'awaiting-consent',
    heading: 'Accepted, awaiting the family’s consent',
    emptyText: 'No accepted agreement is waiting for consent.',
    holds: (s) => s === 'accepted',
  },
  {
    key: 'awaiting-transfer',
    heading: 'Agreed, awaiting the transfer date',
    emptyText: 'No agreement is waiting for its transfer date.',
    holds: (s) => s === 'consented',
  },
  { key: 'active', heading: 'Active', emptyText: 'No agreement is active.', holds: (s) => s === 'active' },
  { key: 'draft', heading: 'Drafts not yet sent', emptyText: 'No drafts.', holds: (s) => s === 'draft' },
  {
    key: 'stopped',
    heading: 'Suspended, ended or withdrawn',
    emptyText: 'None.',
    holds: (s) => s === 'suspended' || s === 'ended' || s === 'withdrawn',
  },
];

const practiceRules: GroupRule[] = [
  {
    key: 'to-answer',
    heading: 'Requests awaiting your answer',
    emptyText: 'No request is waiting for your answer.',
    holds: (s) => s === 'requested' || s === 'no-response',
  },
  {
    key: 'agreed',
    heading: 'Accepted, before prescribing moves to you',
    emptyText: 'No accepted agreement is waiting to start.',
    holds: (s) => s === 'accepted' || s === 'consented',
  },
  {
    key: 'active',
    heading: 'Active: your practice prescribes',
    emptyText: 'No agreement is active.',
    holds: (s) => s === 'active',
  },
  { key: 'suspended', heading: 'Suspended', emptyText: 'None.', holds: (s) => s === 'suspended' },
];

/** The states a GP practice's worklist shows: drafts are the team's own, closed ones are history. */
export const practiceStates: readonly AgreementState[] = [
  'requested',
  'no-response',
  'accepted',
  'consented',
  'active',
  'suspended',
];

function group<Row extends { state: AgreementState; responseDueOn: PlainDate | null }>(
  rules: GroupRule[],
  rows: readonly Row[],
  today: PlainDate,
): WorklistGroup<Row>[] {
  const clocked = rows.map((row) => ({ ...row, clock: responseClockView(row, today) }));
  return rules.map((rule) => ({
    key: rule.key,
    heading: rule.heading,
    emptyText: rule.emptyText,
    rows: clocked.filter((row) => rule.holds(row.state, row.clock?.overdue ?? false)),
  }));
}

/** The specialist team's agreements by where each stands, oldest response date first within each. */
export function specialistWorklist<Row extends { state: AgreementState; responseDueOn: PlainDate | null }>(
  rows: readonly Row[],
  today: PlainDate,
): WorklistGroup<Row>[] {
  return group(specialistRules, rows, today);
}

/** A GP practice's agreements: the requests to answer first (oldest first), then the agreed and active ones. */
export function practiceWorklist<Row extends { state: AgreementState; responseDueOn: PlainDate | null }>(
  rows: readonly Row[],
  today: PlainDate,
): WorklistGroup<Row>[] {
  return group(practiceRules, rows, today);
}
