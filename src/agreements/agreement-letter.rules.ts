import { formatDate, type PlainDate } from '../kernel/dates.ts';
import { formatNhsNumber } from '../kernel/nhs-number.ts';
import type { Protocol, SourcedNumber } from '../protocols/protocol.schema.ts';
import type { AgreementState } from './agreement.rules.ts';
import { proposedTransferDate } from './agreement-dates.rules.ts';

/** What the request letter is written from. */
export interface LetterFacts {
  today: PlainDate;
  specialistCentre: string;
  gpPractice: { name: string; code: string };
  child: { givenName: string; familyName: string; nhsNumber: string; dateOfBirth: PlainDate };
  state: AgreementState;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  transferDate: PlainDate | null;
  protocol: Protocol;
  /** The current orders under the agreement, in words, and the start of the first. */
  doses: string[];
  firstDoseStarted: PlainDate | null;
  /** Where the practice answers in Jointly. */
  answerPath: string;
}

export interface LetterSection {
  heading: string;
  paragraphs: string[];
  bullets: string[];
}

export interface LetterContent {
  title: string;
  letterhead: string;
  dateLine: string;
  to: string;
  about: string;
  draftMark: string | null;
  sections: LetterSection[];
  footnote: string;
}

export const UNCONFIRMED = '[unconfirmed: awaiting local confirmation]';

/** A number with its unit, marked when its source does not yet confirm it. */
function sourced(n: SourcedNumber, unit: string): string {
  const text = `${n.value} ${unit}${n.value === 1 ? '' : 's'}`;
  return n.confirmed ? text : `${text} ${UNCONFIRMED}`;
}

const section = (heading: string, paragraphs: string[], bullets: string[] = []): LetterSection => ({
  heading,
  paragraphs,
  bullets,
});

/**
 * The letter asking a GP practice to share a child's care under a protocol: the child, the medicine and
 * dose, the protocol and version, when prescribing would move, what the practice is asked to do, and the
 * date to answer by. Every number the protocol has not confirmed is marked.
 */
export function requestLetter(facts: LetterFacts): LetterContent {
  const { protocol, child } = facts;
  const name = `${child.givenName} ${child.familyName}`;
  const transfer = protocol.transfer;
  const gpResponse = protocol.gpResponse;
  const proposed =
    facts.transferDate ??
    (facts.firstDoseStarted ? proposedTransferDate(facts.firstDoseStarted, transfer, facts.today) : null);
  const dueOn = facts.responseDueOn;
  return {
    title: `Shared care request: ${protocol.title}`,
    letterhead: facts.specialistCentre,
    dateLine: formatDate(facts.requestedOn ?? facts.today),
    to: `To the GPs of ${facts.gpPractice.name} (${facts.gpPractice.code})`,
    about: `About ${name}, NHS number ${formatNhsNumber(child.nhsNumber)}, born ${formatDate(child.dateOfBirth)}`,
    draftMark: facts.state === 'draft' ? 'DRAFT: this request has not been sent yet.' : null,
    sections: [
      section('What we ask', [
        `We ask your practice to share the care of ${name} and to take over prescribing under the protocol below, once the transfer criteria are met.`,
      ]),
      section(
        'Medicine and current dose',
        facts.doses.length ? facts.doses : ['No current order is linked to this agreement yet.'],
      ),
      section('Protocol', [
        `${protocol.title}, version ${protocol.version}, effective ${formatDate(protocol.effectiveDate)}, approved by ${protocol.approvedBy.name} (${protocol.approvedBy.role}).`,
      ]),
      section(
        'Transfer criteria',
        transfer
          ? [
              `Dose stable for ${sourced(transfer.doseStableWeeks, 'week')}. The specialist team supplies the medicine for the first ${sourced(transfer.specialistSuppliesWeeks, 'week')}.`,
              facts.transferDate
                ? `Agreed transfer date: ${formatDate(facts.transferDate)}.`
                : proposed
                  ? `Proposed transfer date: ${formatDate(proposed)}.`
                  : 'The transfer date will be agreed with you.',
            ]
          : ['This protocol does not transfer prescribing.'],
        transfer?.criteria ?? [],
      ),
      section('What your practice is asked to do', [], protocol.responsibilities.primaryCarePrescriber),
      section(
        'Please answer by',
        gpResponse && dueOn
          ? [
              `${formatDate(dueOn)}: the protocol allows ${sourced(gpResponse.windowDays, 'day')} to answer, with a reminder on day ${gpResponse.reminderDay.value}${gpResponse.reminderDay.confirmed ? '' : ` ${UNCONFIRMED}`}.`,
              `Accept or decline in Jointly at ${facts.answerPath}. If we have no answer by then, prescribing and monitoring stay with the specialist team.`,
            ]
          : [
              `The date to answer by is set when the request is sent. Answer in Jointly at ${facts.answerPath}.`,
            ],
      ),
    ],
    footnote: `Numbers marked ${UNCONFIRMED} come from Jointly's defaults or sources not yet confirmed by your local service.`,
  };
}
