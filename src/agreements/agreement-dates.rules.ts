import { addDays, daysBetween, type PlainDate } from '../kernel/dates.ts';
import type { Protocol } from '../protocols/protocol.schema.ts';
import type { AgreementState } from './agreement.rules.ts';

/** The response clock as people read it: "7 days left", "Due today", "Overdue by 2 days". */
export interface ResponseClockView {
  daysLeft: number;
  overdue: boolean;
  words: string;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** The clock of a request still waiting for the practice's answer (requested, or past its date with none). */
export function responseClockView(
  agreement: { state: AgreementState; responseDueOn: PlainDate | null },
  today: PlainDate,
): ResponseClockView | undefined {
  if (!['requested', 'no-response'].includes(agreement.state) || !agreement.responseDueOn) return undefined;
  const daysLeft = daysBetween(today, agreement.responseDueOn);
  const words =
    daysLeft > 0 ? `${days(daysLeft)} left` : daysLeft === 0 ? 'Due today' : `Overdue by ${days(-daysLeft)}`;
  return { daysLeft, overdue: daysLeft < 0, words };
}

/** The date the practice's answer is due: the protocol's response window from the day of the request. */
export function responseDueDate(
  requestedOn: PlainDate,
  gpResponse: NonNullable<Protocol['gpResponse']>,
): PlainDate {
  return addDays(requestedOn, gpResponse.windowDays.value);
}

/**
 * The transfer date to propose: once the dose has been stable, and the specialist team's supply has run,
 * for the weeks the protocol says (from the start of the current order), and never before today.
 */
export function proposedTransferDate(
  orderStartDate: PlainDate,
  transfer: Protocol['transfer'],
  today: PlainDate,
): PlainDate {
  const weeks = transfer
    ? Math.max(transfer.doseStableWeeks.value, transfer.specialistSuppliesWeeks.value)
    : 0;
  const proposed = addDays(orderStartDate, weeks * 7);
  return proposed > today ? proposed : today;
}
