import type { AgreementEvent, AgreementFacts, AgreementParty } from '../agreements/agreement.rules.ts';
import { newAgreement, takeStep } from '../agreements/agreement.rules.ts';
import { proposedTransferDate, responseDueDate } from '../agreements/agreement-dates.rules.ts';
import { eventDetails, eventReason } from '../agreements/agreement-steps.rules.ts';
import {
  currentGpPractice,
  insertAgreement,
  insertAgreementEvent,
  saveStep,
} from '../agreements/agreements.store.ts';
import type { Queryable } from '../db/database.ts';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import { insertOrder, linkOrderToAgreement, setStopDate } from '../medicines/orders.store.ts';
import { type ProtocolVersionRecord, usableProtocolVersions } from '../protocols/protocols.store.ts';
import { storeResults } from '../results/record-results.ts';
import { setResultsReleased } from '../results/release.store.ts';
import {
  type DemoDirectory,
  insertMeasurements,
  patientIdsByNhsNumber,
  setOrganisationEmails,
} from './demo.store.ts';
import type { DemoPatient } from './demo-patient.ts';
import { demoOrganisations } from './fixed-world.ts';
import {
  bloodTestDays,
  type DemoCourse,
  dayFrom,
  demoCourses,
  demoResults,
  MEASURED_RECENTLY,
  measurementDays,
  measurementOnCurve,
  type PlannedOrder,
  plannedOrders,
} from './monitoring-demo.rules.ts';

/** The laboratory the demo's results come from. */
const DEMO_LABORATORY = 'Northfield Pathology (demo laboratory)';

interface Context {
  named: readonly DemoPatient[];
  directory: DemoDirectory;
  today: PlainDate;
  now: Date;
}

/**
 * Adds blood monitoring to the demo, inside the demo's own transaction: shared inboxes for the organisations,
 * current measurements for the named children, and for three of them methotrexate started months ago, its
 * blood tests since and (for Amelia) a shared care agreement with her GP practice. Orders are written as the
 * medicines service writes them and results go through `storeResults`, so outcomes, alerts, tasks, e-mails
 * and monitoring courses are the system's own. A handful of statements per named child; none per synthetic one.
 */
export async function loadMonitoringDemo(tx: Queryable, context: Context): Promise<void> {
  const versions = await protocolVersionsFor(tx, demoCourses);
  await setOrganisationEmails(
    tx,
    demoOrganisations.map((o) => ({ code: o.code, email: `${o.code.toLowerCase()}@demo.test` })),
  );
  const ids = await patientIdsByNhsNumber(
    tx,
    context.named.map((p) => p.nhsNumber),
  );
  const measured = context.named.map((child) => {
    const course = demoCourses.find((c) => c.nhsNumber === child.nhsNumber);
    const days = measurementDays(course, MEASURED_RECENTLY);
    return { child, added: days.map((d) => measurementOnCurve(child, dayFrom(context.today, d))) };
  });
  await insertMeasurements(
    tx,
    measured.flatMap(({ child, added }) => added.map((m) => ({ patientId: idOf(ids, child), ...m }))),
    user(context.directory, 'nurse@demo.test'),
  );
  for (const course of demoCourses) {
    const found = measured.find((m) => m.child.nhsNumber === course.nhsNumber);
    if (!found) throw new Error(`The demo course names ${course.nhsNumber}, who is not a named child`);
    const version = versions.get(course.protocolId)!;
    const orders = plannedOrders(course, version, [...found.child.growth, ...found.added], context.today);
    await treat(
      tx,
      { ...context, patientId: idOf(ids, found.child), child: found.child },
      course,
      version,
      orders,
    );
  }
}

async function protocolVersionsFor(
  tx: Queryable,
  courses: readonly DemoCourse[],
): Promise<Map<string, ProtocolVersionRecord>> {
  const usable = new Map((await usableProtocolVersions(tx)).map((v) => [v.protocolId, v]));
  const missing = courses.map((c) => c.protocolId).filter((id) => !usable.has(id));
  if (missing.length > 0) {
    throw new Error(
      `The blood monitoring demo needs approved protocols ${[...new Set(missing)].join(', ')}: start in demo mode, which approves the shipped protocols`,
    );
  }
  return usable;
}

/** One child's course: the orders, the agreement, the results (judged and acted on), and the family's view. */
async function treat(
  tx: Queryable,
  context: Context & { patientId: string; child: DemoPatient },
  course: DemoCourse,
  version: ProtocolVersionRecord,
  orders: readonly PlannedOrder[],
): Promise<void> {
  const consultant = user(context.directory, 'consultant@demo.test');
  let replaces: string | null = null;
  for (const order of orders) {
    const { stopDate, ...ordered } = order;
    // As changeDose writes a new dose: a new order replacing the last, which stops the day before.
    replaces = await insertOrder(tx, {
      ...ordered,
      patientId: context.patientId,
      agreementId: null,
      protocolVersionId: version.id,
      override: null,
      replacesOrderId: replaces,
      createdBy: consultant,
    });
    if (stopDate) await setStopDate(tx, replaces, stopDate);
  }
  if (course.sharedCare) {
    await shareCare(tx, context, course.sharedCare, version, { id: replaces!, order: orders.at(-1)! });
  }
  const days = bloodTestDays(course, version.protocol.monitoring, orders, context.today);
  await storeResults(tx, {
    patientId: context.patientId,
    results: demoResults(course, context.child, days),
    source: 'api',
    sender: { userId: null, organisationId: null, via: DEMO_LABORATORY },
    now: context.now,
    today: context.today,
  });
  if (course.resultsReleased) await setResultsReleased(tx, context.patientId, true);
}

/**
 * The shared care agreement as its steps would have made it: drafted and sent by the consultant, accepted by
 * the GP, consented to by the parent, and active from the transfer date (when it has come).
 */
async function shareCare(
  tx: Queryable,
  context: Context & { patientId: string },
  days: NonNullable<DemoCourse['sharedCare']>,
  version: ProtocolVersionRecord,
  current: { id: string; order: PlannedOrder },
): Promise<void> {
  const gpResponse = version.protocol.gpResponse;
  if (!gpResponse) throw new Error(`The demo shares care under ${version.protocolId}, which is not shared`);
  const on = (day: number) => dayFrom(context.today, day);
  const practice = await currentGpPractice(tx, context.patientId, on(days.requestDay));
  if (!practice) throw new Error('The demo shares care with a child who has no GP practice');
  const consultant = user(context.directory, 'consultant@demo.test');
  const transferDate = proposedTransferDate(
    current.order.startDate,
    version.protocol.transfer,
    on(days.acceptDay),
  );
  const steps: [AgreementEvent, AgreementParty, string | null][] = [
    [
      {
        kind: 'request',
        on: on(days.requestDay),
        responseDueOn: responseDueDate(on(days.requestDay), gpResponse),
      },
      'specialist-team',
      consultant,
    ],
    [
      { kind: 'accept', on: on(days.acceptDay), transferDate },
      'gp-practice',
      user(context.directory, 'gp@demo.test'),
    ],
    [
      { kind: 'record-consent', on: on(days.consentDay), givenBy: 'parent-carer' },
      'family',
      user(context.directory, 'parent@demo.test'),
    ],
  ];
  if (transferDate <= context.today) steps.push([{ kind: 'activate', on: transferDate }, 'system', null]);

  const agreementId = await insertAgreement(tx, {
    patientId: context.patientId,
    protocolVersionId: version.id,
    specialistOrganisationId: context.directory.organisations.get('SC001')!,
    gpPracticeId: practice.id,
    createdBy: consultant,
  });
  await insertAgreementEvent(tx, {
    agreementId,
    kind: 'create',
    onDate: addDays(on(days.requestDay), -1),
    byUser: consultant,
    party: 'specialist-team',
    reason: null,
    details: { medicationOrderId: current.id, gpPracticeCode: practice.code },
  });
  let facts: AgreementFacts = newAgreement;
  for (const [event, party, byUser] of steps) {
    const result = takeStep(facts, event, party);
    if (!result.ok) throw new Error(`The demo agreement cannot ${event.kind}: ${result.reason}`);
    facts = result.facts;
    await insertAgreementEvent(tx, {
      agreementId,
      kind: event.kind,
      onDate: event.on,
      byUser,
      party,
      reason: eventReason(event),
      details: eventDetails(event),
    });
  }
  await saveStep(tx, agreementId, 'draft', facts, true);
  await linkOrderToAgreement(tx, current.id, agreementId);
}

function idOf(ids: ReadonlyMap<string, string>, child: DemoPatient): string {
  const id = ids.get(child.nhsNumber);
  if (!id) throw new Error(`The demo child ${child.nhsNumber} is not in the database`);
  return id;
}

function user(directory: DemoDirectory, email: string): string {
  const id = directory.users.get(email);
  if (!id) throw new Error(`The demo account ${email} is missing`);
  return id;
}
