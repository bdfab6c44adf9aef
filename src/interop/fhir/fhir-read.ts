import type { Bundle, Resource } from '@medplum/fhirtypes';
import { type Asker, checkPatientAccess, isUuid } from '../../access/patient-access.ts';
import { visiblePatientCondition } from '../../access/visibility.ts';
import { recordAudit } from '../../audit/audit.store.ts';
import type { Database } from '../../db/database.ts';
import { isPlainDate } from '../../kernel/dates.ts';
import { JointlyError } from '../../kernel/errors.ts';
import { findOrder, type OrderRecord, ordersForPatient } from '../../medicines/orders.store.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import { alertTitle } from '../../results/record-results.ts';
import { analyteForLoinc, LOINC_SYSTEM } from '../loinc.ts';
import { pageOf, type SearchPlace, searchBundle } from './bundle.rules.ts';
import { type SupportedType, supported } from './capability.ts';
import {
  agreementRows,
  alertRows,
  auditPage,
  careTeamRows,
  countObservations,
  findAuditRow,
  findObservationRows,
  findPatientRow,
  findTaskRow,
  monitoringRows,
  observationPage,
  type PatientCriteria,
  patientOfRecord,
  type StoredAlert,
  type StoredTask,
  searchPatientRows,
  taskPage,
} from './fhir.store.ts';
import { invalid, notFound } from './outcome.ts';
import {
  agreementCarePlan,
  auditEventResource,
  careTeamResource,
  flagResource,
  type MedicationOrderRow,
  medicationRequestResource,
  monitoringCarePlan,
  NHS_NUMBER_SYSTEM,
  observationResource,
  patientResource,
  taskResource,
  taskStatuses,
} from './resources.rules.ts';
import {
  dayRange,
  decodeCursor,
  encodeCursor,
  type ParsedSearch,
  parseSearch,
  referenceId,
  strings,
  tokens,
} from './search-params.rules.ts';

/** Who is asking (an API client's system account) and where the API is, for links. */
export interface FhirCaller extends Asker {
  base: string;
}

const auditAction = (what: string, type: string) => `FHIR ${what} ${type}`;

/** Reads one patient's data through the access rule, audited; `what` is read or search. */
function readAccess(db: Database, caller: FhirCaller, patientId: string, what: string, type: string) {
  return checkPatientAccess(db, caller, patientId, 'read', auditAction(what, type), { via: 'FHIR' });
}

/** The one child a per-patient search is about (`patient=`), after the access check. */
async function searchedPatient(db: Database, caller: FhirCaller, search: ParsedSearch, type: string) {
  const values = search.values.get('patient');
  if (!values)
    throw invalid(`${type} searches need patient={id}: Jointly searches one child’s records at a time.`);
  const [only, ...more] = values.flatMap((v) => v.split(','));
  if (!only || more.length) throw invalid('Give one patient.');
  const patientId = referenceId(only, 'Patient', 'patient');
  await readAccess(db, caller, patientId, 'search', type);
  return patientId;
}

function place(caller: FhirCaller, type: SupportedType, query: Record<string, unknown>): SearchPlace {
  return { base: caller.base, resourceType: type, query };
}

function parse(type: SupportedType, query: Record<string, unknown>): ParsedSearch {
  const support = supported[type];
  return parseSearch(query, support.searchParams, 'sorts' in support ? support.sorts : []);
}

// ---------------------------------------------------------------------------------------------- Patient

export async function readPatient(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  await readAccess(db, caller, id, 'read', 'Patient');
  const row = await findPatientRow(db, id);
  if (!row) throw notFound(`There is no Patient ${id}.`);
  return patientResource(row);
}

/** Patients the client may see that match, one query with the visibility rule; the list is audited. */
export async function searchPatients(
  db: Database,
  caller: FhirCaller,
  query: Record<string, unknown>,
): Promise<Bundle> {
  const search = parse('Patient', query);
  const criteria: PatientCriteria = {};
  const identifiers = search.values.get('identifier');
  if (identifiers) {
    criteria.nhsNumbers = identifiers
      .map((v) =>
        tokens(v)
          .filter((t) => t.system === undefined || t.system === '' || t.system === NHS_NUMBER_SYSTEM)
          .map((t) => t.code.replace(/[\s-]/g, '')),
      )
      .reduce((all, one) => all.filter((n) => one.includes(n)));
  }
  for (const [param, key] of [
    ['name', 'names'],
    ['family', 'families'],
    ['given', 'givens'],
  ] as const) {
    const values = search.values.get(param);
    if (values) criteria[key] = values.flatMap(strings);
  }
  const birth = search.values.get('birthdate');
  if (birth) {
    const range = dayRange(birth, 'birthdate');
    if (range.from) criteria.birthFrom = range.from;
    if (range.to) criteria.birthTo = range.to;
  }
  const visible = visiblePatientCondition(caller.viewer, caller, 1);
  const rows = await searchPatientRows(db, visible, criteria, {
    limit: search.count + 1,
    offset: search.offset,
  });
  const shown = rows.slice(0, search.count);
  await auditList(
    db,
    caller,
    'Patient',
    shown.map((p) => p.id),
  );
  return searchBundle(place(caller, 'Patient', query), shown.map(patientResource), {
    ...(rows.length > search.count ? { next: { _offset: String(search.offset + search.count) } } : {}),
  });
}

/** An audit entry for something the client did that is not one patient's access decision. */
function auditCaller(
  db: Database,
  caller: FhirCaller,
  entry: {
    action: string;
    patientId?: string;
    outcome?: 'allowed' | 'refused';
    details: Record<string, unknown>;
  },
): Promise<void> {
  const first = caller.viewer.memberships[0];
  return recordAudit(db, {
    occurredAt: caller.now,
    userId: caller.viewer.id,
    userEmail: caller.viewer.email,
    role: first?.role ?? null,
    organisationId: first?.organisationId ?? null,
    patientId: entry.patientId ?? null,
    action: entry.action,
    outcome: entry.outcome ?? 'allowed',
    relationship: null,
    breakGlassReason: null,
    details: { via: 'FHIR', ...entry.details },
  });
}

/** A search over many patients is one audit entry naming every patient returned (ids only). */
function auditList(db: Database, caller: FhirCaller, type: string, patientIds: string[]): Promise<void> {
  return auditCaller(db, caller, {
    action: auditAction('search', type),
    details: { count: patientIds.length, patientIds: [...new Set(patientIds)] },
  });
}

// ------------------------------------------------------------------------------------------- Observation

export async function readObservation(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  const patientId = isUuid(id) ? await patientOfRecord(db, 'lab_result', id) : undefined;
  if (!patientId) throw notFound(`There is no Observation ${id}.`);
  await readAccess(db, caller, patientId, 'read', 'Observation');
  const [row] = await findObservationRows(db, [id]);
  return observationResource(row!);
}

/**
 * One child's results, newest specimen first (or oldest with `_sort=date`), a page at a time keyed on the
 * last entry, with the total.
 */
export async function searchObservations(
  db: Database,
  caller: FhirCaller,
  query: Record<string, unknown>,
): Promise<Bundle> {
  const search = parse('Observation', query);
  const patientId = await searchedPatient(db, caller, search, 'Observation');
  const observationQuery = {
    patientId,
    ...analytesOf(search.values.get('code')),
    ...dayRange(search.values.get('date') ?? [], 'date'),
  };
  if (observationQuery.analytes?.length === 0)
    return searchBundle(place(caller, 'Observation', query), [], { total: 0 });
  const ascending = search.sort === 'date';
  const after = search.cursor ? observationCursor(search.cursor) : undefined;
  const [rows, total] = await Promise.all([
    observationPage(db, observationQuery, { after, ascending, limit: search.count + 1 }),
    search.wantsTotal ? countObservations(db, observationQuery) : undefined,
  ]);
  const shown = rows.slice(0, search.count);
  const last = shown.at(-1);
  return searchBundle(place(caller, 'Observation', query), shown.map(observationResource), {
    ...(total !== undefined ? { total } : {}),
    ...(rows.length > search.count && last
      ? { next: { _cursor: encodeCursor([last.specimenDate, last.id]) } }
      : {}),
  });
}

/** The analytes of the LOINC codes asked for; a code Jointly does not know matches nothing. */
function analytesOf(values: string[] | undefined): { analytes?: Analyte[] } {
  if (!values) return {};
  let analytes: Analyte[] | undefined;
  for (const value of values) {
    const these = tokens(value)
      .filter((t) => t.system === undefined || t.system === '' || t.system === LOINC_SYSTEM)
      .map((t) => analyteForLoinc(t.code))
      .filter((a): a is Analyte => a !== undefined);
    analytes = analytes ? analytes.filter((a) => these.includes(a)) : these;
  }
  return { analytes: [...new Set(analytes)] };
}

function observationCursor(cursor: string): [string, string] {
  const [date, id] = decodeCursor(cursor, 2);
  if (typeof date !== 'string' || !isPlainDate(date) || typeof id !== 'string' || !isUuid(id)) {
    throw invalid('_cursor is not one Jointly gave; follow the next link of the previous page.');
  }
  return [date, id];
}

// ---------------------------------------------------------------------------------------------- CareTeam

export async function readCareTeam(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  await readAccess(db, caller, id, 'read', 'CareTeam');
  return careTeamResource(id, await careTeamRows(db, id), caller.today);
}

export async function searchCareTeams(db: Database, caller: FhirCaller, query: Record<string, unknown>) {
  const search = parse('CareTeam', query);
  const patientId = await searchedPatient(db, caller, search, 'CareTeam');
  const team = careTeamResource(patientId, await careTeamRows(db, patientId), caller.today);
  return pagedBundle(caller, 'CareTeam', query, search, [team]);
}

function pagedBundle(
  caller: FhirCaller,
  type: SupportedType,
  query: Record<string, unknown>,
  search: ParsedSearch,
  all: readonly Resource[],
): Bundle {
  const page = pageOf(all, search);
  return searchBundle(place(caller, type, query), page.items, {
    total: page.total,
    ...(page.next ? { next: page.next } : {}),
  });
}

// ---------------------------------------------------------------------------------------------- CarePlan

export async function readCarePlan(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  if (!isUuid(id)) throw notFound(`There is no CarePlan ${id}.`);
  const [agreement] = await agreementRows(db, { id });
  const [course] = agreement ? [] : await monitoringRows(db, { id });
  const patientId = agreement?.patientId ?? course?.patientId;
  if (!patientId) throw notFound(`There is no CarePlan ${id}.`);
  await readAccess(db, caller, patientId, 'read', 'CarePlan');
  return agreement ? agreementCarePlan(agreement) : monitoringCarePlan(course!, caller.today);
}

/** A child's monitoring schedules (the tests due next) first, then their shared care agreements. */
export async function searchCarePlans(db: Database, caller: FhirCaller, query: Record<string, unknown>) {
  const search = parse('CarePlan', query);
  const patientId = await searchedPatient(db, caller, search, 'CarePlan');
  const [courses, agreements] = await Promise.all([
    monitoringRows(db, { patientId }),
    agreementRows(db, { patientId }),
  ]);
  return pagedBundle(caller, 'CarePlan', query, search, [
    ...courses.map((c) => monitoringCarePlan(c, caller.today)),
    ...agreements.map(agreementCarePlan),
  ]);
}

// ------------------------------------------------------------------------------------- MedicationRequest

function orderRow(o: OrderRecord): MedicationOrderRow {
  return {
    id: o.id,
    patientId: o.patientId,
    medicine: o.medicine,
    description: o.description,
    doseMg: o.doseMg,
    startDate: o.startDate,
    stopDate: o.stopDate,
    replacesOrderId: o.replacesOrderId,
    replacedByOrderId: o.replacedByOrderId,
    agreementId: o.agreementId,
    createdByName: o.createdByName,
    createdAt: o.createdAt,
  };
}

export async function readMedicationRequest(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  const order = isUuid(id) ? await findOrder(db, id) : undefined;
  if (!order) throw notFound(`There is no MedicationRequest ${id}.`);
  await readAccess(db, caller, order.patientId, 'read', 'MedicationRequest');
  return medicationRequestResource(orderRow(order), caller.today);
}

export async function searchMedicationRequests(
  db: Database,
  caller: FhirCaller,
  query: Record<string, unknown>,
) {
  const search = parse('MedicationRequest', query);
  const patientId = await searchedPatient(db, caller, search, 'MedicationRequest');
  const orders = await ordersForPatient(db, patientId);
  return pagedBundle(
    caller,
    'MedicationRequest',
    query,
    search,
    orders.map((o) => medicationRequestResource(orderRow(o), caller.today)),
  );
}

// -------------------------------------------------------------------------------------------------- Task

export function callerOrganisations(caller: Asker): string[] {
  return caller.viewer.memberships.map((m) => m.organisationId).filter((id): id is string => id !== null);
}

/** A task of the caller's organisation, or a refusal (audited) naming whose it is not. */
export async function ownTask(
  db: Database,
  caller: FhirCaller,
  id: string,
  doing: string,
): Promise<StoredTask> {
  const task = isUuid(id) ? await findTaskRow(db, id) : undefined;
  if (!task) throw notFound(`There is no Task ${id}.`);
  if (!callerOrganisations(caller).includes(task.organisationId)) {
    const reason = `This task belongs to ${task.organisation.code}, not to your organisation.`;
    await auditCaller(db, caller, {
      action: auditAction(doing, 'Task'),
      patientId: task.patientId,
      outcome: 'refused',
      details: { taskId: id, reason },
    });
    throw new JointlyError('FORBIDDEN', reason);
  }
  return task;
}

export async function readTask(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  const task = await ownTask(db, caller, id, 'read');
  await readAccess(db, caller, task.patientId, 'read', 'Task');
  return taskResource(task);
}

const statusByFhir = Object.fromEntries(Object.entries(taskStatuses).map(([ours, fhir]) => [fhir, ours]));

/** The tasks of the caller's organisations (about one child, or every child it may see), due first. */
export async function searchTasks(db: Database, caller: FhirCaller, query: Record<string, unknown>) {
  const search = parse('Task', query);
  const organisationIds = callerOrganisations(caller);
  const patientId = search.values.has('patient')
    ? await searchedPatient(db, caller, search, 'Task')
    : undefined;
  const statusValues = search.values.get('status');
  const statuses = statusValues
    ? statusValues
        .map((v) => tokens(v).map((t) => statusByFhir[t.code] ?? ''))
        .reduce((a, b) => a.filter((s) => b.includes(s)))
    : undefined;
  const visible = visiblePatientCondition(caller.viewer, caller, 1);
  const rows = await taskPage(
    db,
    visible,
    { organisationIds, ...(patientId ? { patientId } : {}), ...(statuses ? { statuses } : {}) },
    { limit: search.count + 1, offset: search.offset },
  );
  const shown = rows.slice(0, search.count);
  if (!patientId)
    await auditList(
      db,
      caller,
      'Task',
      shown.map((t) => t.patientId),
    );
  return searchBundle(place(caller, 'Task', query), shown.map(taskResource), {
    ...(rows.length > search.count ? { next: { _offset: String(search.offset + search.count) } } : {}),
  });
}

// -------------------------------------------------------------------------------------------------- Flag

function flagOf(a: StoredAlert) {
  return flagResource({ ...a, title: alertTitle(a.outcome, a) });
}

export async function readFlag(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  const [alert] = isUuid(id) ? await alertRows(db, { id }) : [];
  if (!alert) throw notFound(`There is no Flag ${id}.`);
  await readAccess(db, caller, alert.patientId, 'read', 'Flag');
  return flagOf(alert);
}

export async function searchFlags(db: Database, caller: FhirCaller, query: Record<string, unknown>) {
  const search = parse('Flag', query);
  const patientId = await searchedPatient(db, caller, search, 'Flag');
  const alerts = await alertRows(db, { patientId, activeOnly: true });
  return pagedBundle(caller, 'Flag', query, search, alerts.map(flagOf));
}

// -------------------------------------------------------------------------------------------- AuditEvent

/** The audit trail is for service administrators' clients only; anyone else is refused, and that is audited. */
async function requireAuditReader(db: Database, caller: FhirCaller): Promise<void> {
  if (caller.viewer.memberships.some((m) => m.role === 'service_administrator')) return;
  const reason = 'Only the client of a service administrator may read the audit trail.';
  await auditCaller(db, caller, {
    action: auditAction('read', 'AuditEvent'),
    outcome: 'refused',
    details: { reason },
  });
  throw new JointlyError('FORBIDDEN', reason);
}

function auditTheAudit(
  db: Database,
  caller: FhirCaller,
  what: 'read' | 'search',
  details: Record<string, unknown>,
) {
  return auditCaller(db, caller, { action: auditAction(what, 'AuditEvent'), details });
}

export async function readAuditEvent(db: Database, caller: FhirCaller, id: string): Promise<Resource> {
  await requireAuditReader(db, caller);
  const row = /^\d{1,15}$/.test(id) ? await findAuditRow(db, Number(id)) : undefined;
  if (!row) throw notFound(`There is no AuditEvent ${id}.`);
  await auditTheAudit(db, caller, 'read', { seq: Number(id) });
  return auditEventResource(row);
}

export async function searchAuditEvents(db: Database, caller: FhirCaller, query: Record<string, unknown>) {
  await requireAuditReader(db, caller);
  const search = parse('AuditEvent', query);
  const patient = search.values.get('patient');
  const filter = {
    ...(patient ? { patientId: referenceId(patient[0]!, 'Patient', 'patient') } : {}),
    ...dayRange(search.values.get('date') ?? [], 'date'),
  };
  const before = search.cursor ? Number(decodeCursor(search.cursor, 1)[0]) : undefined;
  if (before !== undefined && !Number.isSafeInteger(before))
    throw invalid('_cursor is not one Jointly gave.');
  const rows = await auditPage(db, filter, { before, limit: search.count + 1 });
  const shown = rows.slice(0, search.count);
  await auditTheAudit(db, caller, 'search', { filter, count: shown.length });
  const last = shown.at(-1);
  return searchBundle(place(caller, 'AuditEvent', query), shown.map(auditEventResource), {
    ...(rows.length > search.count && last ? { next: { _cursor: encodeCursor([Number(last.seq)]) } } : {}),
  });
}
