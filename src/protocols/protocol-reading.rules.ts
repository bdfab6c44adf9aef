import type { Protocol } from './protocol.schema.ts';
import {
  analyteNames,
  count,
  daysAfterDue,
  daysBeforeDue,
  describeAmount,
  describeDoseRange,
  describeFrequency,
  describePhaseEnd,
  describeStrength,
  describeThresholdRule,
  formatNumber,
  routeWords,
  type SourcedStatement,
  sourced,
} from './protocol-words.rules.ts';

/**
 * A whole protocol laid out for a GP to read: every rule in words, every number with its source.
 * The page template only places these; it works nothing out.
 */

/** The parties to a shared care agreement who have duties under a protocol. */
export const responsibleParties = ['specialist-team', 'gp-practice', 'family'] as const;
export type ResponsibleParty = (typeof responsibleParties)[number];

export const partyHeadings: Record<ResponsibleParty, string> = {
  'specialist-team': 'The specialist team',
  'gp-practice': 'The GP practice (primary care prescriber)',
  family: 'The child and family',
};

/** What one party undertakes under this protocol, in the protocol's own words. */
export function responsibilitiesFor(protocol: Protocol, party: ResponsibleParty): readonly string[] {
  const { specialistTeam, primaryCarePrescriber, family } = protocol.responsibilities;
  return { 'specialist-team': specialistTeam, 'gp-practice': primaryCarePrescriber, family }[party];
}

const whenNoAnswerWords = {
  'specialist-keeps-responsibility':
    'Responsibility stays with the specialist team, who are given a task to follow the request up.',
  'accepted-unless-declined': 'The GP practice is taken to have accepted.',
} as const;

const audienceWords = {
  professional: 'Professionals',
  parent: 'Parents and carers',
  'young-person': 'Young people',
} as const;

export interface ThresholdReading {
  analyte: string;
  rule: SourcedStatement;
  outcome: 'red' | 'amber';
  action: string;
  repeat: SourcedStatement | null;
}

export function readProtocol(p: Protocol) {
  return {
    medicines: p.medicines.map((m) => ({
      name: m.name,
      forms: m.forms.map((f) => ({
        form: f.form,
        route: routeWords[f.route],
        strengths: f.strengthsMg.map((s) => describeStrength(s, f.perMl)),
      })),
    })),
    transfer: readTransfer(p.transfer),
    gpResponse: readGpResponse(p.gpResponse),
    dosing: readDosing(p.dosing),
    folicAcid: p.folicAcid ? sourced(p.folicAcid.advice, [], p.folicAcid) : null,
    monitoring: readMonitoring(p.monitoring),
    thresholds: p.thresholds.map(readThreshold),
    vaccines: { advice: p.vaccines.advice, source: sourced('', [], p.vaccines) },
    informationSheets: p.informationSheets.map((s) => ({
      title: s.title,
      audience: audienceWords[s.audience],
      source: s.source,
    })),
  };
}
export type ProtocolReading = ReturnType<typeof readProtocol>;

function readTransfer(transfer: Protocol['transfer']) {
  if (!transfer) return null;
  const stable = count(transfer.doseStableWeeks.value, 'week');
  const supplies = count(transfer.specialistSuppliesWeeks.value, 'week');
  return {
    doseStable: sourced(`The dose has been stable for ${stable}`, [[stable, transfer.doseStableWeeks]]),
    specialistSupplies: sourced(`The specialist team supplies the medicine for the first ${supplies}`, [
      [supplies, transfer.specialistSuppliesWeeks],
    ]),
    criteria: transfer.criteria,
  };
}

function readGpResponse(response: Protocol['gpResponse']) {
  if (!response) return null;
  const window = count(response.windowDays.value, 'day');
  const reminder = `day ${formatNumber(response.reminderDay.value)}`;
  return {
    window: sourced(
      `The GP practice answers within ${window} of the request`,
      [[window, response.windowDays]],
      response,
    ),
    reminder: sourced(
      `A reminder goes to the practice on ${reminder} if there is no answer`,
      [[reminder, response.reminderDay]],
      response,
    ),
    whenNoAnswer: sourced(whenNoAnswerWords[response.whenNoAnswer], [], response),
  };
}

function readDosing(dosing: Protocol['dosing']) {
  const step = `${formatNumber(dosing.roundToMg.value)} mg`;
  const days = count(dosing.measurementMaxAgeDays.value, 'day');
  return {
    basis: {
      'per-m2': 'By body surface area (mg per m²)',
      'per-kg': 'By weight (mg per kg)',
      'weight-band': 'By weight band',
    }[dosing.basis],
    range: describeDoseRange(dosing),
    maximum: describeAmount(dosing.maximumMg, dosing.per),
    frequency: asSentence(describeFrequency(dosing.frequency)),
    routes: dosing.routes.map((r) => routeWords[r]),
    rounding: sourced(`Doses are rounded to a multiple of ${step}, and the rounding is shown`, [
      [step, dosing.roundToMg],
    ]),
    measurementRecency: sourced(`Weight and height measured within the last ${days}`, [
      [days, dosing.measurementMaxAgeDays],
    ]),
    notes: dosing.notes,
  };
}

/** A phrase that starts a line starts with a capital. */
function asSentence(statement: SourcedStatement): SourcedStatement {
  return { ...statement, text: statement.text.charAt(0).toUpperCase() + statement.text.slice(1) };
}

function readMonitoring(monitoring: Protocol['monitoring']) {
  const { overdue } = monitoring;
  return {
    baselineTests: monitoring.baselineTests,
    phases: monitoring.phases.map((phase) => {
      const interval = `every ${count(phase.intervalDays.value, 'day')}`;
      const until = describePhaseEnd(phase.until);
      return {
        name: phase.name,
        panels: phase.panels,
        schedule: sourced(
          `${phase.panels.join(', ')} ${interval}, ${until.text}`,
          [
            [interval, phase.intervalDays],
            ...('weeks' in phase.until ? [[until.text, phase.until.weeks] as const] : []),
          ],
          phase,
        ),
      };
    }),
    restartOnDoseIncrease: monitoring.restartOnDoseIncrease
      ? 'After a dose increase, monitoring starts again from the first phase.'
      : null,
    overdue: [
      sourced(`The family is reminded ${daysBeforeDue(overdue.familyReminderDaysBefore)}`, [
        [daysBeforeDue(overdue.familyReminderDaysBefore), overdue.familyReminderDaysBefore],
      ]),
      sourced(`The GP practice is given a task ${daysAfterDue(overdue.practiceTaskDaysAfter)}`, [
        [daysAfterDue(overdue.practiceTaskDaysAfter), overdue.practiceTaskDaysAfter],
      ]),
      sourced(`The specialist team is alerted ${daysAfterDue(overdue.teamAlertDaysAfter)}`, [
        [daysAfterDue(overdue.teamAlertDaysAfter), overdue.teamAlertDaysAfter],
      ]),
      sourced(`Advice to withhold the medicine is given ${daysAfterDue(overdue.withholdAdviceDaysAfter)}`, [
        [daysAfterDue(overdue.withholdAdviceDaysAfter), overdue.withholdAdviceDaysAfter],
      ]),
    ],
    otherChecks: monitoring.otherChecks,
  };
}

function readThreshold(t: Protocol['thresholds'][number]): ThresholdReading {
  const repeat = t.repeatWithinDays ? `Repeat within ${count(t.repeatWithinDays.value, 'day')}` : undefined;
  return {
    analyte: analyteNames[t.analyte],
    rule: describeThresholdRule(t.analyte, t.rule, t),
    outcome: t.outcome,
    action: t.action,
    repeat: repeat && t.repeatWithinDays ? sourced(repeat, [[repeat, t.repeatWithinDays]]) : null,
  };
}
