import { formatDate } from '../kernel/dates.ts';
import type { AgreementParty, AgreementState } from './agreement.rules.ts';

/** Each state as the pages name it, with the colour of its tag. */
export const stateLabels: Record<AgreementState, { text: string; colour: string }> = {
  draft: { text: 'Draft', colour: 'grey' },
  requested: { text: 'Awaiting the practice’s answer', colour: 'blue' },
  'no-response': { text: 'No response', colour: 'red' },
  accepted: { text: 'Accepted, awaiting consent', colour: 'aqua-green' },
  declined: { text: 'Declined', colour: 'orange' },
  consented: { text: 'Agreed, awaiting transfer', colour: 'aqua-green' },
  active: { text: 'Active', colour: 'green' },
  suspended: { text: 'Suspended', colour: 'yellow' },
  ended: { text: 'Ended', colour: 'grey' },
  withdrawn: { text: 'Withdrawn', colour: 'grey' },
};

export const prescriberWords: Record<'gp-practice' | 'specialist-team', string> = {
  'gp-practice': 'The GP practice',
  'specialist-team': 'The specialist team',
};

/** One timeline entry as a sentence: what happened, with the detail it carries. */
export function timelineWords(entry: {
  kind: string;
  party: AgreementParty;
  details: Record<string, unknown>;
}): string {
  const d = entry.details;
  const date = (v: unknown) => (typeof v === 'string' ? formatDate(v) : '');
  switch (entry.kind) {
    case 'create':
      return 'Agreement started as a draft';
    case 'request':
      return `Request sent to the GP practice, to answer by ${date(d.responseDueOn)}`;
    case 'reminder-sent':
      return 'Reminder sent to the GP practice';
    case 'mark-no-response':
      return 'No answer by the response date: prescribing stays with the specialist team, who have a task to follow it up';
    case 'accept':
      return `Accepted by the GP practice, prescribing to move on ${date(d.transferDate)}`;
    case 'decline':
      return 'Declined by the GP practice';
    case 'record-consent': {
      const who = d.givenBy === 'young-person' ? 'the young person' : 'a parent or carer';
      const name = typeof d.givenByName === 'string' ? ` (${d.givenByName})` : '';
      return entry.party === 'family'
        ? `Consent given by ${who}`
        : `Consent given by ${who}${name}, recorded by the specialist team`;
    }
    case 'activate':
      return 'Active: prescribing moved to the GP practice';
    case 'suspend':
      return 'Suspended: prescribing returns to the specialist team';
    case 'resume':
      return 'Resumed: prescribing with the GP practice again';
    case 'end':
      return 'Ended: prescribing returns to the specialist team';
    case 'withdraw':
      return 'Request withdrawn by the specialist team';
    default:
      return entry.kind;
  }
}
