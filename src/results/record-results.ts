import type { Asker } from '../access/patient-access.ts';
import { authorisePatientChange } from '../access/patient-access.ts';
import type { Database, Queryable } from '../db/database.ts';
import { ageOn, formatDate, type PlainDate } from '../kernel/dates.ts';
import { JointlyError, parseInput, refuseFields } from '../kernel/errors.ts';
import { type OrderForCourse, ordersForCourses, specialistTeamOf } from '../monitoring/courses.store.ts';
import { refreshMonitoring } from '../monitoring/courses.ts';
import { whoArrangesBloodTests } from '../monitoring/responsibility.rules.ts';
import { type NewTask, openTasksTogether } from '../tasks/tasks.store.ts';
import { insertAlerts, type NewAlert } from './alerts.store.ts';
import { analyteNames } from './panels.ts';
import { paediatricRange } from './reference-ranges.rules.ts';
import { auditingRefusals } from './refusals.ts';
import { respondBy } from './response-clock.rules.ts';
import {
  type CheckedResult,
  checkResults,
  type ResultSource,
  reportedResults,
} from './result-input.rules.ts';
import {
  earlierValues,
  findResults,
  insertResults,
  type KnownResult,
  type NewResult,
  resultsAlreadyStored,
  type StoredResult,
} from './results.store.ts';
import { judgeResult, type ThresholdSet } from './thresholds.rules.ts';

/** Who a result came from: a person at an organisation, or a system (a laboratory, an API client). */
export interface ResultSender {
  userId: string | null;
  organisationId: string | null;
  /** The laboratory or client, when not a person typing. */
  via: string | null;
}

export interface RecordedResults {
  results: StoredResult[];
  /** Results sent before (same sender identifier), stored once and returned as they were. */
  alreadyStored: number;
  alerts: number;
}

/**
 * A person records results for a child (a form, a file, the API): checked against their relationship with the
 * child, then stored, judged and acted on in one transaction with its audit entry. Results refused (a wrong
 * unit, a date in the future) store nothing, and the refusal is audited.
 */
export async function recordResults(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
  source: Extract<ResultSource, 'form' | 'csv' | 'api'>,
): Promise<RecordedResults> {
  const change = await authorisePatientChange(db, asker, patientId, 'record-results', 'record results', {
    source,
  });
  return auditingRefusals(db, asker, change, 'record results', { source }, async () => {
    const { results } = parseInput(reportedResults, input);
    return db.transaction(async (tx) => {
      const recorded = await storeResults(tx, {
        patientId,
        // A person's own identifiers are theirs alone: one user's "1" is not another's.
        results: results.map((r) =>
          r.externalId ? { ...r, externalId: `${asker.viewer.id}:${r.externalId}` } : r,
        ),
        source,
        sender: { userId: asker.viewer.id, organisationId: change.access.organisationId, via: null },
        now: asker.now,
        today: asker.today,
      });
      await change.audit(tx, {
        count: results.length,
        stored: recorded.results.length,
        alerts: recorded.alerts,
      });
      return recorded;
    });
  });
}

/**
 * The one path every result takes, whoever sends it (form, file, API, HL7, FHIR): units made one, impossible
 * values refused (nothing stored), the range the laboratory gave or the child's paediatric range, every
 * protocol threshold of the medicines the child was taking judged, red and amber results turned into alerts and
 * tasks, and the monitoring schedule moved on. Runs inside the caller's transaction; the caller has checked
 * the sender may record results for this child and writes the audit entry.
 */
export async function storeResults(
  tx: Queryable,
  args: {
    patientId: string;
    /** As reported (ReportedResult), checked here: the same rules whoever sends them. */
    results: readonly unknown[];
    source: ResultSource;
    sender: ResultSender;
    now: Date;
    today: PlainDate;
  },
): Promise<RecordedResults> {
  const patient = await patientFacts(tx, args.patientId);
  const parsed = parseInput(reportedResults, { results: args.results }).results;
  const { checked, problems } = checkResults(parsed, { today: args.today, dateOfBirth: patient.dateOfBirth });
  if (problems.length) throw refuseFields(problems);

  const known = await resultsAlreadyStored(
    tx,
    args.source,
    checked.flatMap((c) => (c.externalId ? [c.externalId] : [])),
  );
  refuseChangedResends(checked, known, args.patientId);
  const fresh = checked.filter((c) => !c.externalId || !known.has(c.externalId));
  const orders = await ordersForCourses(tx, args.patientId);
  const judged = await judgeAll(tx, args.patientId, fresh, orders, patient);
  const ids = await insertResults(
    tx,
    judged.map((j) => ({
      ...j,
      patientId: args.patientId,
      source: args.source,
      enteredBy: args.sender.userId,
      enteredByOrganisationId: args.sender.organisationId,
      enteredVia: args.sender.via,
    })),
  );
  const alerts = await raiseAlerts(tx, args, ids, judged, orders, patient);
  await refreshMonitoring(tx, args.patientId, args.today, { orders });
  const stored = await findResults(tx, [...ids, ...[...known.values()].map((k) => k.id)]);
  return { results: stored, alreadyStored: checked.length - fresh.length, alerts };
}

/**
 * A sender's identifier seen before must be the same result for the same child: then it is stored once. The same
 * identifier for another child, or with another value, unit or date (a correction sent under the old
 * identifier), is refused — never answered with the result stored before.
 */
function refuseChangedResends(
  checked: readonly CheckedResult[],
  known: ReadonlyMap<string, KnownResult>,
  patientId: string,
): void {
  const problems = checked.flatMap((c, i) => {
    const before = c.externalId ? known.get(c.externalId) : undefined;
    if (!before) return [];
    const field = `results.${i}.externalId`;
    if (before.patientId !== patientId) {
      return [
        { field, message: 'This identifier belongs to a result for another patient: use a new identifier.' },
      ];
    }
    const same =
      before.analyte === c.analyte && before.value === c.value && before.specimenDate === c.specimenDate;
    return same
      ? []
      : [
          {
            field,
            message:
              'A different result was stored under this identifier: send a correction with a new identifier (results are kept as recorded).',
          },
        ];
  });
  if (problems.length)
    throw new JointlyError('CONFLICT', problems.map((p) => p.message).join('; '), problems);
}

interface PatientFacts {
  dateOfBirth: PlainDate;
  sex: string;
  registeredPracticeId: string | null;
}

async function patientFacts(tx: Queryable, patientId: string): Promise<PatientFacts> {
  const [row] = await tx.query<PatientFacts>(
    `select date_of_birth as "dateOfBirth", sex, registered_practice_id as "registeredPracticeId"
     from patient where id = $1`,
    [patientId],
  );
  if (!row) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  return row;
}

type JudgedResult = Omit<
  NewResult,
  'patientId' | 'source' | 'enteredBy' | 'enteredByOrganisationId' | 'enteredVia'
>;

/** Judges results in specimen order, so each sees the ones before it (baselines and falls). */
async function judgeAll(
  tx: Queryable,
  patientId: string,
  results: readonly CheckedResult[],
  orders: readonly OrderForCourse[],
  patient: PatientFacts,
): Promise<JudgedResult[]> {
  const history = await earlierValues(tx, patientId, [...new Set(results.map((r) => r.analyte))]);
  const inOrder = [...results].sort((a, b) => a.specimenDate.localeCompare(b.specimenDate));
  return inOrder.map((r) => {
    const range = rangeFor(r, patient);
    const earlier = history.filter((h) => h.analyte === r.analyte);
    const judgement = judgeResult(
      { analyte: r.analyte, value: r.value, specimenDate: r.specimenDate, range },
      earlier,
      thresholdSetsOn(orders, r.specimenDate),
    );
    history.push({ analyte: r.analyte, value: r.value, specimenDate: r.specimenDate });
    return {
      analyte: r.analyte,
      value: r.value,
      unit: r.unit,
      reportedValue: r.reportedValue,
      reportedUnit: r.reportedUnit,
      rangeLow: range?.low ?? null,
      rangeHigh: range?.high ?? null,
      rangeSource: range?.source ?? null,
      specimenDate: r.specimenDate,
      outcome: judgement.outcome,
      findings: judgement.findings,
      externalId: r.externalId,
    };
  });
}

/** The laboratory's range when it gave one; otherwise the paediatric range for the child's age and sex. */
function rangeFor(
  r: CheckedResult,
  patient: PatientFacts,
): { low: number | null; high: number | null; source: 'laboratory' | 'paediatric-table' } | null {
  if (r.rangeLow !== null || r.rangeHigh !== null) {
    return { low: r.rangeLow, high: r.rangeHigh, source: 'laboratory' };
  }
  const age = ageOn(patient.dateOfBirth, r.specimenDate);
  const sex = patient.sex === 'female' || patient.sex === 'male' ? patient.sex : 'unknown';
  const table = paediatricRange(r.analyte, age.years + age.months / 12, sex);
  return table ? { low: table.low, high: table.high, source: 'paediatric-table' } : null;
}

/** The thresholds of every medicine the child was taking when the blood was taken. */
function thresholdSetsOn(orders: readonly OrderForCourse[], specimenDate: PlainDate): ThresholdSet[] {
  const taking = orders.filter(
    (o) => o.startDate <= specimenDate && (o.stopDate === null || o.stopDate >= specimenDate),
  );
  const byProtocol = new Map(taking.map((o) => [o.protocolVersionId, o]));
  return [...byProtocol.values()].map((o) => ({
    protocolId: o.protocolId,
    protocolVersion: o.protocolVersion,
    medicine: o.medicine,
    thresholds: o.protocol.thresholds,
  }));
}

async function raiseAlerts(
  tx: Queryable,
  args: { patientId: string; sender: ResultSender; today: PlainDate; now: Date },
  ids: readonly string[],
  judged: readonly JudgedResult[],
  orders: readonly OrderForCourse[],
  patient: PatientFacts,
): Promise<number> {
  const specialist = await specialistTeamOf(tx, args.patientId, args.today);
  const raised: (NewAlert & { result: JudgedResult })[] = [];
  judged.forEach((result, i) => {
    if (result.outcome !== 'red' && result.outcome !== 'amber') return;
    const firing = result.findings.filter((f) => f.outcome === result.outcome);
    // Routed by the medicine whose threshold fired: its agreement says who arranges its tests and prescribes it.
    const medicines = new Set(firing.map((f) => f.medicine).filter((m) => m !== null));
    const course = orders.filter((o) => medicines.has(o.medicine)).at(-1) ?? orders.at(-1);
    const who = whoArrangesBloodTests(course?.agreement ?? null, specialist, args.today);
    const team = course?.agreement?.specialistOrganisationId ?? specialist;
    const fallback = team ?? who.organisationId ?? args.sender.organisationId ?? patient.registeredPracticeId;
    if (fallback === null) {
      throw new JointlyError(
        'NOT_NOW',
        'This child has no specialist team, GP practice or other organisation to act on a red or amber result: add one to the care team first.',
      );
    }
    const escalations = orders
      .filter((o) => medicines.has(o.medicine))
      .map((o) => o.protocol.monitoring.redResultEscalation?.workingDays.value ?? 0);
    const repeat = firing.map((f) => f.repeatWithinDays).filter((d): d is number => d !== null);
    raised.push({
      resultId: ids[i]!,
      patientId: args.patientId,
      outcome: result.outcome,
      specialistOrganisationId: team ?? fallback,
      responsibleOrganisationId: who.organisationId ?? fallback,
      respondBy: respondBy(result.outcome, args.today, {
        redWorkingDays: escalations.length ? Math.min(...escalations) : 0,
        amberRepeatWithinDays: repeat.length ? Math.min(...repeat) : null,
      }),
      result,
    });
  });
  const alerts = await insertAlerts(tx, raised);
  const byResult = new Map(raised.map((a) => [a.resultId, a]));
  const tasks: NewTask[] = alerts.flatMap((alert) => {
    const a = byResult.get(alert.resultId)!;
    const organisations = [...new Set([a.specialistOrganisationId, a.responsibleOrganisationId])].filter(
      (o): o is string => o !== null,
    );
    return organisations.map((organisationId) => ({
      organisationId,
      patientId: args.patientId,
      kind: a.outcome === 'red' ? 'result-red' : 'result-amber',
      title: alertTitle(a.outcome, a.result),
      subjectId: alert.id,
      dueOn: a.outcome === 'red' ? args.today : dueFrom(a.respondBy),
    }));
  });
  await openTasksTogether(tx, tasks);
  return alerts.length;
}

function dueFrom(respondBy: Date): PlainDate {
  return new Date(respondBy.getTime() - 1).toISOString().slice(0, 10) as PlainDate;
}

/** "Red result: Neutrophils 1.2 ×10⁹/L (taken 20 November 2026). Withhold methotrexate and discuss…" */
export function alertTitle(
  outcome: 'red' | 'amber',
  r: Pick<JudgedResult, 'analyte' | 'value' | 'unit' | 'specimenDate' | 'findings'>,
): string {
  const action = r.findings.find((f) => f.outcome === outcome)?.action ?? '';
  const word = outcome === 'red' ? 'Red' : 'Amber';
  return `${word} result: ${analyteNames[r.analyte]} ${r.value} ${r.unit} (taken ${formatDate(r.specimenDate)}). ${action}`.trim();
}
