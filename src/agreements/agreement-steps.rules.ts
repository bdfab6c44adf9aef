import { z } from 'zod';
import { isPlainDate, type PlainDate } from '../kernel/dates.ts';
import type { FieldProblem } from '../kernel/errors.ts';
import type { AgreementEvent, AgreementEventKind, AgreementParty } from './agreement.rules.ts';

/** The steps a person takes; marking a request unanswered is Jointly's own, done by the response clock. */
export const personSteps = [
  'request',
  'accept',
  'decline',
  'record-consent',
  'activate',
  'suspend',
  'resume',
  'end',
  'withdraw',
] as const satisfies readonly AgreementEventKind[];
export type PersonStep = (typeof personSteps)[number];

/** An empty form box is the same as a field left out of a JSON body. */
const blank = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : v === null ? undefined : v;
const ticked = (v: unknown) =>
  v === 'yes' || v === 'on' || v === 'true' ? true : v === 'no' ? false : blank(v);

/** One step as a form posts it or an API client sends it; what each step needs is checked by `toAgreementEvent`. */
export const stepInputSchema = z.object({
  kind: z.enum(personSteps, { message: 'Choose a step to take' }).describe('The step to take'),
  transferDate: z
    .preprocess(blank, z.string().trim().optional())
    .describe('accept: the date prescribing moves to the practice (YYYY-MM-DD)'),
  reason: z
    .preprocess(blank, z.string().trim().max(1000, 'Keep the reason to 1000 characters or fewer').optional())
    .describe('decline, suspend, end, withdraw: why'),
  givenBy: z
    .preprocess(blank, z.enum(['parent-carer', 'young-person']).optional())
    .describe('record-consent by the specialist team: who gave consent'),
  givenByName: z
    .preprocess(blank, z.string().trim().max(200, 'Keep the name to 200 characters or fewer').optional())
    .describe('record-consent by the specialist team: the name of the person who gave consent'),
  agree: z
    .preprocess(ticked, z.boolean().optional())
    .describe('record-consent by the family: true to agree to shared care'),
});
export type StepInput = z.infer<typeof stepInputSchema>;

const reasonWords: Partial<Record<AgreementEventKind, string>> = {
  decline: 'declining',
  suspend: 'suspending the agreement',
  end: 'ending the agreement',
  withdraw: 'withdrawing the request',
};

/**
 * Turns what was sent into the event the lifecycle takes, or names every field that needs correcting.
 * The family's consent is given by the person signed in; the specialist team records who gave it.
 */
export function toAgreementEvent(
  input: StepInput,
  context: { today: PlainDate; party: AgreementParty; youngPerson: boolean; responseDueOn: PlainDate },
): { ok: true; event: AgreementEvent } | { ok: false; fields: FieldProblem[] } {
  const on = context.today;
  const refuse = (field: string, message: string) => ({ ok: false as const, fields: [{ field, message }] });
  switch (input.kind) {
    case 'request':
      return { ok: true, event: { kind: 'request', on, responseDueOn: context.responseDueOn } };
    case 'accept': {
      const date = input.transferDate;
      if (!date) return refuse('transferDate', 'Enter the date prescribing moves to the practice');
      if (!isPlainDate(date))
        return refuse('transferDate', 'The transfer date must be a real date, like 2027-02-01');
      if (date < on) return refuse('transferDate', 'The transfer date cannot be before today');
      return { ok: true, event: { kind: 'accept', on, transferDate: date } };
    }
    case 'decline':
    case 'suspend':
    case 'end':
    case 'withdraw': {
      const reason = input.reason ?? '';
      if (reason.length < 5)
        return refuse('reason', `Give the reason for ${reasonWords[input.kind]} (at least 5 characters)`);
      return { ok: true, event: { kind: input.kind, on, reason } };
    }
    case 'record-consent':
      return consentEvent(input, context);
    case 'activate':
    case 'resume':
      return { ok: true, event: { kind: input.kind, on } };
  }
}

function consentEvent(
  input: StepInput,
  context: { today: PlainDate; party: AgreementParty; youngPerson: boolean },
): { ok: true; event: AgreementEvent } | { ok: false; fields: FieldProblem[] } {
  if (context.party === 'family') {
    if (input.agree !== true) {
      return {
        ok: false,
        fields: [{ field: 'agree', message: 'Tick the box to say you agree to shared care' }],
      };
    }
    return {
      ok: true,
      event: {
        kind: 'record-consent',
        on: context.today,
        givenBy: context.youngPerson ? 'young-person' : 'parent-carer',
      },
    };
  }
  if (!input.givenBy) {
    return {
      ok: false,
      fields: [{ field: 'givenBy', message: 'Say who gave consent: a parent or carer, or the young person' }],
    };
  }
  return {
    ok: true,
    event: {
      kind: 'record-consent',
      on: context.today,
      givenBy: input.givenBy,
      ...(input.givenByName ? { recordedFor: input.givenByName } : {}),
    },
  };
}

/** What a step records on the timeline beyond its kind, date and reason. */
export function eventDetails(event: AgreementEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'request':
      return { responseDueOn: event.responseDueOn };
    case 'accept':
      return { transferDate: event.transferDate };
    case 'record-consent':
      return { givenBy: event.givenBy, ...(event.recordedFor ? { givenByName: event.recordedFor } : {}) };
    default:
      return {};
  }
}

export function eventReason(event: AgreementEvent): string | null {
  return 'reason' in event ? event.reason : null;
}
