import { prescriber } from './agreement.rules.ts';
import type { ResponseClockView } from './agreement-dates.rules.ts';
import type { AgreementView } from './agreement-view.ts';
import { stateLabels, timelineWords } from './agreement-words.rules.ts';
import type { AgreementRecord } from './agreements.store.ts';
import type { WorklistRow } from './worklist.store.ts';

/** Where a protocol version is read in full (the protocols capability's page). */
export function protocolHref(protocolId: string, version: string): string {
  return `/protocols/${encodeURIComponent(protocolId)}/${encodeURIComponent(version)}`;
}

export function agreementHref(patientId: string, agreementId: string): string {
  return `/patients/${patientId}/agreements/${agreementId}`;
}

const clockJson = (clock: ResponseClockView | undefined) => clock ?? null;

/** An agreement as the API gives it: the organisations by code and name, no internal ids of people. */
export function agreementJson(a: AgreementRecord, clock?: ResponseClockView) {
  return {
    id: a.id,
    patientId: a.patientId,
    state: a.state,
    stateLabel: stateLabels[a.state].text,
    protocol: {
      id: a.protocolId,
      version: a.protocolVersion,
      href: protocolHref(a.protocolId, a.protocolVersion),
    },
    gpPractice: { code: a.gpPracticeCode, name: a.gpPracticeName },
    specialistCentre: { code: a.specialistOrganisationCode, name: a.specialistOrganisationName },
    requestedOn: a.requestedOn,
    responseDueOn: a.responseDueOn,
    reminderSentOn: a.reminderSentOn,
    transferDate: a.transferDate,
    consented: a.consented,
    prescriber: prescriber(a.state),
    clock: clockJson(clock),
    href: agreementHref(a.patientId, a.id),
    letterHref: `/api${agreementHref(a.patientId, a.id)}/letter.pdf`,
  };
}

/** The whole agreement for the person asking: their part, the steps open to them, everyone's duties and the timeline. */
export function agreementViewJson(view: AgreementView) {
  const { protocol } = view.version;
  return {
    ...agreementJson(view.agreement, view.clock),
    protocol: {
      id: view.version.protocolId,
      version: view.version.version,
      title: view.version.title,
      trafficLight: view.version.trafficLight,
      href: protocolHref(view.version.protocolId, view.version.version),
    },
    medicine: view.medicine,
    currentDose: view.orders.map((o) => ({
      orderId: o.id,
      description: o.description,
      startDate: o.startDate,
    })),
    yourPart: view.party,
    stepsOpen: view.stepsOpen,
    proposedTransferDate: view.proposedTransferDate,
    responsibilities: {
      specialistTeam: protocol.responsibilities.specialistTeam,
      gpPractice: protocol.responsibilities.primaryCarePrescriber,
      family: protocol.responsibilities.family,
    },
    timeline: view.timeline.map((e) => ({
      kind: e.kind,
      onDate: e.onDate,
      party: e.party,
      by: e.byName,
      reason: e.reason,
      details: e.details,
      words: timelineWords(e),
    })),
  };
}

export function worklistRowJson(row: WorklistRow & { clock?: ResponseClockView | undefined }) {
  return {
    agreementId: row.agreementId,
    patient: {
      id: row.patientId,
      givenName: row.givenName,
      familyName: row.familyName,
      nhsNumber: row.nhsNumber,
    },
    state: row.state,
    stateLabel: stateLabels[row.state].text,
    medicine: row.medicine,
    protocolTitle: row.protocolTitle,
    gpPractice: { code: row.gpPracticeCode, name: row.gpPracticeName },
    specialistCentre: row.specialistOrganisationName,
    requestedOn: row.requestedOn,
    responseDueOn: row.responseDueOn,
    transferDate: row.transferDate,
    lastStepOn: row.lastStepOn,
    lastReason: row.lastReason,
    clock: clockJson(row.clock),
    href: agreementHref(row.patientId, row.agreementId),
  };
}
