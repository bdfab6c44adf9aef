import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../audit/audit.store.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { type PlainDate, todayInUk } from '../../kernel/dates.ts';
import { JointlyError, parseInput } from '../../kernel/errors.ts';
import { type RecordedResults, storeResults } from '../../results/record-results.ts';
import { checkResults, reportedResults } from '../../results/result-input.rules.ts';
import { analyteForLoinc } from '../loinc.ts';
import {
  insertItems,
  insertMessage,
  mappedCodes,
  markMessage,
  messageReceived,
  type NewItem,
  organisationIdByCode,
  patientByNhsNumber,
} from './hl7.store.ts';
import { buildAck } from './hl7-ack.rules.ts';
import {
  type AckCode,
  type CodeLookup,
  type Hl7Problem,
  type MappedMessage,
  type MappedResult,
  mapResults,
  type OruMessage,
  parseOru,
  resultProblemsAsHl7,
  type TestCode,
} from './hl7-oru.rules.ts';
import { matchPatient, patientProblemWords, reasonWords, unmappedWithUnits } from './reconciliation.rules.ts';

export interface InboxContext {
  now: Date;
  /** Demo and test mode: NHS numbers in the 999 test range are real ones. */
  allowTestRange: boolean;
  /** Told of an unexpected failure (the message was answered AE); must not log the message itself. */
  onError?: (error: unknown) => void;
}

export type InboxOutcome = 'stored' | 'reconciliation' | 'duplicate' | 'refused' | 'error';

export interface Received {
  ack: string;
  code: AckCode;
  outcome: InboxOutcome;
  messageId?: string;
}

/** A message refused for what it says: nothing is written, and the sender is told where the problem is. */
class RefusedMessage extends Error {
  constructor(readonly problems: Hl7Problem[]) {
    super('refused');
  }
}

/**
 * Receives one ORU^R01 message. In one transaction: a repeat (same facility and control id) is acknowledged and
 * nothing stored; the child is found by NHS number and checked against the date of birth; the test codes are
 * mapped; then either its results go through the one results path (evaluation, alerts, tasks) or, when the
 * child or a code cannot be matched, the message is kept for a person to reconcile. AA is returned only after
 * the transaction has committed. A message with problems gets AR or AE with ERR segments, and nothing is written.
 */
export async function receiveHl7Message(
  db: Database,
  text: string,
  context: InboxContext,
): Promise<Received> {
  const ackControlId = `J${randomUUID().replace(/-/g, '').slice(0, 18)}`;
  const parsed = parseOru(text, { allowTestRange: context.allowTestRange });
  if (!parsed.ok) {
    const ack = buildAck({
      code: parsed.ack,
      header: parsed.header,
      problems: parsed.problems,
      now: context.now,
      ackControlId,
    });
    return { ack, code: parsed.ack, outcome: 'refused' };
  }
  const { header } = parsed.message;
  const answer = (code: AckCode, outcome: InboxOutcome, problems: Hl7Problem[] = [], messageId?: string) => ({
    ack: buildAck({ code, header, problems, now: context.now, ackControlId }),
    code,
    outcome,
    ...(messageId ? { messageId } : {}),
  });
  try {
    const done = await db.transaction((tx) => acceptMessage(tx, text, parsed.message, context));
    return answer('AA', done.outcome, [], done.messageId);
  } catch (error) {
    if (error instanceof RefusedMessage) return answer('AE', 'refused', error.problems);
    context.onError?.(error);
    return answer('AE', 'error', [
      {
        segment: 'MSH',
        sequence: 1,
        field: null,
        error: 'internal',
        message: 'Jointly could not store this message and recorded nothing: send it again',
      },
    ]);
  }
}

async function acceptMessage(
  tx: Queryable,
  raw: string,
  message: OruMessage,
  context: InboxContext,
): Promise<{ outcome: 'stored' | 'reconciliation' | 'duplicate'; messageId?: string }> {
  const { header } = message;
  if (await messageReceived(tx, header.sendingFacility, header.controlId)) return { outcome: 'duplicate' };
  const today = todayInUk(context.now);
  const mapped = mapResults(
    message.observations,
    await codeLookup(
      tx,
      message.observations.flatMap((o) => o.codes),
    ),
  );
  if (mapped.problems.length) throw new RefusedMessage(mapped.problems);
  const nhsNumber =
    message.patient.nhsNumber && !message.patient.nhsNumberProblem ? message.patient.nhsNumber : null;
  const match = matchPatient(message.patient, nhsNumber ? await patientByNhsNumber(tx, nhsNumber) : null);
  const labOrganisationId = await organisationIdByCode(tx, header.sendingFacility);
  const patientId = 'patientId' in match ? match.patientId : null;

  const items: Omit<NewItem, 'messageId'>[] = [];
  const tests = message.observations.map((o) => testName(o.codes[0]!));
  if ('problem' in match) {
    items.push({
      reason: 'patient-not-matched',
      details: { problem: match.problem, tests },
      createdAt: context.now,
    });
  }
  if (mapped.unmapped.length) {
    items.push({
      reason: 'code-not-mapped',
      details: { codes: unmappedWithUnits(mapped.unmapped, message.observations), tests },
      createdAt: context.now,
    });
  }

  if (items.length) {
    // Checked now, with the date of birth the message gives, so that what waits can be recorded once matched.
    const dateOfBirth =
      ('dateOfBirth' in match ? match.dateOfBirth : message.patient.dateOfBirth) ??
      ('1900-01-01' as PlainDate);
    refuseImpossibleResults(mapped.results, today, dateOfBirth);
    const messageId = await insertMessage(tx, {
      ...messageRow(raw, message, context.now),
      status: 'reconciliation',
      patientId,
      error: items
        .map((i) =>
          i.reason === 'patient-not-matched'
            ? patientProblemWords[(i.details as { problem: keyof typeof patientProblemWords }).problem]
            : `${reasonWords['code-not-mapped']}: ${mapped.unmapped.map(testName).join(', ')}`,
        )
        .join('; '),
    });
    if (!messageId) return { outcome: 'duplicate' };
    await insertItems(
      tx,
      items.map((i) => ({ ...i, messageId })),
    );
    await systemAudit(tx, {
      organisationId: labOrganisationId,
      patientId,
      action: 'receive laboratory message (HL7) for reconciliation',
      details: {
        messageId,
        sendingFacility: header.sendingFacility,
        controlId: header.controlId,
        reasons: items.map((i) => i.reason),
      },
      now: context.now,
    });
    return { outcome: 'reconciliation', messageId };
  }

  const messageId = await insertMessage(tx, {
    ...messageRow(raw, message, context.now),
    status: 'stored',
    patientId,
    error: null,
  });
  if (!messageId) return { outcome: 'duplicate' };
  await recordMessageResults(tx, {
    messageId,
    patientId: patientId!,
    message,
    mapped,
    labOrganisationId,
    now: context.now,
    status: 'stored',
  });
  return { outcome: 'stored', messageId };
}

function messageRow(raw: string, message: OruMessage, receivedAt: Date) {
  return {
    sendingFacility: message.header.sendingFacility,
    controlId: message.header.controlId,
    messageType: message.header.messageType,
    version: message.header.version,
    receivedAt,
    raw,
  };
}

/** "Neutrophils (751-8)" */
export function testName(code: TestCode): string {
  return code.text ? `${code.text} (${code.code})` : code.code;
}

/** The administrator's map first, then the LOINC defaults. */
export async function codeLookup(q: Queryable, codes: readonly TestCode[]): Promise<CodeLookup> {
  const local = await mappedCodes(q, codes);
  return (code) =>
    local.get(`${code.system}|${code.code}`) ??
    (code.system === 'LN' ? analyteForLoinc(code.code) : undefined);
}

function refuseImpossibleResults(
  results: readonly MappedResult[],
  today: PlainDate,
  dateOfBirth: PlainDate,
): void {
  if (results.length === 0) return;
  const { problems } = checkResults(
    parseInput(reportedResults, { results: results.map((r) => r.reported) }).results,
    { today, dateOfBirth },
  );
  if (problems.length) throw new RefusedMessage(resultProblemsAsHl7(problems, results));
}

/**
 * Records a message's results through the one results path, marks the message and writes the system's audit
 * entry: on arrival, and again after a person has reconciled it (same source, same identifiers).
 */
export async function recordMessageResults(
  tx: Queryable,
  args: {
    messageId: string;
    patientId: string;
    message: OruMessage;
    mapped: MappedMessage;
    labOrganisationId: string | null;
    now: Date;
    status: 'stored' | 'resolved';
    resolvedBy?: string;
  },
): Promise<RecordedResults> {
  const { header } = args.message;
  let recorded: RecordedResults = { results: [], alreadyStored: 0, alerts: 0 };
  if (args.mapped.results.length) {
    try {
      recorded = await storeResults(tx, {
        patientId: args.patientId,
        results: args.mapped.results.map((r) => r.reported),
        source: 'hl7',
        sender: {
          userId: null,
          organisationId: args.labOrganisationId,
          via: `HL7 from ${header.sendingFacility}`,
        },
        now: args.now,
        today: todayInUk(args.now),
      });
    } catch (error) {
      if (error instanceof JointlyError && error.fields.length) {
        throw new RefusedMessage(resultProblemsAsHl7(error.fields, args.mapped.results));
      }
      throw error;
    }
  }
  await markMessage(tx, args.messageId, { status: args.status, resultsRecorded: recorded.results.length });
  await systemAudit(tx, {
    organisationId: args.labOrganisationId,
    patientId: args.patientId,
    action:
      args.status === 'stored'
        ? 'record laboratory results (HL7)'
        : 'record reconciled laboratory results (HL7)',
    details: {
      messageId: args.messageId,
      sendingFacility: header.sendingFacility,
      controlId: header.controlId,
      results: recorded.results.length,
      alreadyStored: recorded.alreadyStored,
      notRecorded: args.mapped.notRecorded.length,
      alerts: recorded.alerts,
      ...(args.resolvedBy ? { reconciledBy: args.resolvedBy } : {}),
    },
    now: args.now,
  });
  return recorded;
}

/** An entry by Jointly itself (no person): the laboratory's organisation when known, ids only in details. */
async function systemAudit(
  tx: Queryable,
  entry: {
    organisationId: string | null;
    patientId: string | null;
    action: string;
    details: Record<string, unknown>;
    now: Date;
  },
): Promise<void> {
  await appendAudit(tx, {
    occurredAt: entry.now,
    userId: null,
    userEmail: null,
    role: null,
    organisationId: entry.organisationId,
    patientId: entry.patientId,
    action: entry.action,
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: entry.details,
  });
}

/** Whether an error is a message refused for its content (so a person reconciling is told what is wrong). */
export function refusalProblems(error: unknown): Hl7Problem[] | null {
  return error instanceof RefusedMessage ? error.problems : null;
}
