import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';

/**
 * A shared care agreement's life, as a pure state machine:
 *
 *   draft ──request──► requested ──accept──► accepted ──consent──► consented ──(transfer date)──► active
 *     │                   │  ▲ │                 │                    │                           │  ▲
 *     │                   │  │ └─decline──► declined                  │                    suspend│  │resume
 *     │         (window   │  └──request again (re-send)               │                           ▼  │
 *     │          passes)  └──► no-response ──accept/decline──►        │                       suspended
 *     └──withdraw──► withdrawn                                        └─────────── end ──► ended
 *
 * Only the right party may take each step. Prescribing moves to the GP practice only while active.
 */
export const agreementStates = [
  'draft',
  'requested',
  'no-response',
  'accepted',
  'declined',
  'consented',
  'active',
  'suspended',
  'ended',
  'withdrawn',
] as const;
export type AgreementState = (typeof agreementStates)[number];

/** Who is acting, by their part in this agreement (worked out from their role and relationship elsewhere). */
export type AgreementParty = 'specialist-team' | 'gp-practice' | 'family' | 'system';

export type AgreementEvent =
  | { kind: 'request'; on: PlainDate; responseDueOn: PlainDate }
  | { kind: 'accept'; on: PlainDate; transferDate: PlainDate }
  | { kind: 'decline'; on: PlainDate; reason: string }
  | { kind: 'mark-no-response'; on: PlainDate }
  | { kind: 'record-consent'; on: PlainDate; givenBy: 'parent-carer' | 'young-person'; recordedFor?: string }
  | { kind: 'activate'; on: PlainDate }
  | { kind: 'suspend'; on: PlainDate; reason: string }
  | { kind: 'resume'; on: PlainDate }
  | { kind: 'end'; on: PlainDate; reason: string }
  | { kind: 'withdraw'; on: PlainDate; reason: string };
export type AgreementEventKind = AgreementEvent['kind'];

export interface AgreementFacts {
  state: AgreementState;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  transferDate: PlainDate | null;
  consented: boolean;
}

export const newAgreement: AgreementFacts = {
  state: 'draft',
  requestedOn: null,
  responseDueOn: null,
  transferDate: null,
  consented: false,
};

/** Each step: the states it may start from, the parties who may take it, and the state it leads to. */
const transitions: Record<
  AgreementEventKind,
  { from: readonly AgreementState[]; by: readonly AgreementParty[]; to: AgreementState }
> = {
  request: { from: ['draft', 'no-response'], by: ['specialist-team'], to: 'requested' },
  accept: { from: ['requested', 'no-response'], by: ['gp-practice'], to: 'accepted' },
  decline: { from: ['requested', 'no-response'], by: ['gp-practice'], to: 'declined' },
  'mark-no-response': { from: ['requested'], by: ['system'], to: 'no-response' },
  'record-consent': { from: ['accepted'], by: ['family', 'specialist-team'], to: 'consented' },
  activate: { from: ['consented'], by: ['system', 'specialist-team'], to: 'active' },
  suspend: { from: ['active'], by: ['specialist-team', 'gp-practice'], to: 'suspended' },
  resume: { from: ['suspended'], by: ['specialist-team'], to: 'active' },
  end: {
    from: ['active', 'suspended', 'consented', 'accepted'],
    by: ['specialist-team', 'gp-practice'],
    to: 'ended',
  },
  withdraw: { from: ['draft', 'requested', 'no-response'], by: ['specialist-team'], to: 'withdrawn' },
};

const partyWords: Record<AgreementParty, string> = {
  'specialist-team': 'the specialist team',
  'gp-practice': 'the GP practice',
  family: 'the family',
  system: 'Jointly itself',
};

const stateWords: Record<AgreementState, string> = {
  draft: 'a draft',
  requested: 'waiting for the GP practice to answer',
  'no-response': 'past its response date with no answer',
  accepted: 'accepted by the GP practice and waiting for the family’s consent',
  declined: 'declined by the GP practice',
  consented: 'agreed by everyone and waiting for the transfer date',
  active: 'active',
  suspended: 'suspended',
  ended: 'ended',
  withdrawn: 'withdrawn',
};

export type StepResult = { ok: true; facts: AgreementFacts } | { ok: false; reason: string };

/** Takes one step, or says exactly why it cannot be taken. */
export function takeStep(facts: AgreementFacts, event: AgreementEvent, by: AgreementParty): StepResult {
  const rule = transitions[event.kind];
  const notYours = partyRefusal(event.kind, by);
  if (notYours) return { ok: false, reason: notYours };
  if (!rule.from.includes(facts.state)) {
    return {
      ok: false,
      reason: `You cannot ${describeStep(event.kind)}: the agreement is ${stateWords[facts.state]}.`,
    };
  }
  const problem = eventProblem(facts, event);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, facts: apply(facts, event, rule.to) };
}

function eventProblem(facts: AgreementFacts, event: AgreementEvent): string | undefined {
  switch (event.kind) {
    case 'request':
      return event.responseDueOn <= event.on
        ? 'The response date must be after the request date.'
        : undefined;
    case 'accept':
      return event.transferDate < event.on
        ? 'The transfer date cannot be before the day of acceptance.'
        : undefined;
    case 'decline':
    case 'suspend':
    case 'end':
    case 'withdraw':
      return event.reason.trim().length < 5 ? 'Give a reason (at least 5 characters).' : undefined;
    case 'mark-no-response':
      return facts.responseDueOn && event.on <= facts.responseDueOn
        ? 'The response window has not passed yet.'
        : undefined;
    case 'activate':
      return facts.transferDate && event.on < facts.transferDate
        ? `Prescribing transfers on the agreed date, ${facts.transferDate}, not before.`
        : undefined;
    case 'record-consent':
    case 'resume':
      return undefined;
  }
}

function apply(facts: AgreementFacts, event: AgreementEvent, to: AgreementState): AgreementFacts {
  switch (event.kind) {
    case 'request':
      return { ...facts, state: to, requestedOn: event.on, responseDueOn: event.responseDueOn };
    case 'accept':
      return { ...facts, state: to, transferDate: event.transferDate };
    case 'record-consent':
      return { ...facts, state: to, consented: true };
    default:
      return { ...facts, state: to };
  }
}

function describeStep(kind: AgreementEventKind): string {
  const words: Record<AgreementEventKind, string> = {
    request: 'send the request to the GP practice',
    accept: 'accept the agreement',
    decline: 'decline the agreement',
    'mark-no-response': 'mark the request as unanswered',
    'record-consent': 'record the family’s consent',
    activate: 'make the agreement active',
    suspend: 'suspend the agreement',
    resume: 'resume the agreement',
    end: 'end the agreement',
    withdraw: 'withdraw the request',
  };
  return words[kind];
}

/**
 * Why a party may never take a step (whatever the agreement's state), or undefined if it may; so that a
 * refusal can tell "not yours to take" (403) from "not now" (409).
 */
export function partyRefusal(kind: AgreementEventKind, by: AgreementParty): string | undefined {
  const rule = transitions[kind];
  if (rule.by.includes(by)) return undefined;
  return `Only ${rule.by.map((p) => partyWords[p]).join(' or ')} may ${describeStep(kind)}.`;
}

/** States an agreement never leaves: a new agreement is needed to share care again. */
export const closedStates: readonly AgreementState[] = ['declined', 'ended', 'withdrawn'];

/** The steps a party may take now, for showing the right buttons. */
export function stepsOpenTo(facts: AgreementFacts, by: AgreementParty): AgreementEventKind[] {
  return (Object.keys(transitions) as AgreementEventKind[]).filter(
    (kind) => transitions[kind].by.includes(by) && transitions[kind].from.includes(facts.state),
  );
}

/** Who prescribes: the GP practice only while the agreement is active; otherwise the specialist team. */
export function prescriber(state: AgreementState): 'gp-practice' | 'specialist-team' {
  return state === 'active' ? 'gp-practice' : 'specialist-team';
}

/** The response clock of a request: days left (negative when overdue), and whether today is the reminder day. */
export function responseClock(
  facts: Pick<AgreementFacts, 'state' | 'requestedOn' | 'responseDueOn'>,
  reminderDay: number,
  today: PlainDate,
): { daysLeft: number; reminderDue: boolean; overdue: boolean } | undefined {
  if (facts.state !== 'requested' || !facts.requestedOn || !facts.responseDueOn) return undefined;
  const daysLeft = daysBetween(today, facts.responseDueOn);
  return {
    daysLeft,
    reminderDue: today >= addDays(facts.requestedOn, reminderDay),
    overdue: today > facts.responseDueOn,
  };
}
