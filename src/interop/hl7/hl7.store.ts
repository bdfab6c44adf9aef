import type { Queryable } from '../../db/database.ts';
import type { PlainDate } from '../../kernel/dates.ts';
import type { Analyte } from '../../protocols/protocol.schema.ts';
import type { TestCode } from './hl7-oru.rules.ts';

export type MessageStatus = 'stored' | 'reconciliation' | 'resolved';
export type ReconciliationReason = 'patient-not-matched' | 'code-not-mapped';

export async function patientByNhsNumber(
  q: Queryable,
  nhsNumber: string,
): Promise<{ id: string; dateOfBirth: PlainDate } | null> {
  const [row] = await q.query<{ id: string; dateOfBirth: PlainDate }>(
    'select id, date_of_birth as "dateOfBirth" from patient where nhs_number = $1',
    [nhsNumber],
  );
  return row ?? null;
}

export async function organisationIdByCode(q: Queryable, code: string): Promise<string | null> {
  const [row] = await q.query<{ id: string }>('select id from organisation where code = $1', [code]);
  return row?.id ?? null;
}

export async function messageReceived(q: Queryable, facility: string, controlId: string): Promise<boolean> {
  const rows = await q.query('select 1 from hl7_message where sending_facility = $1 and control_id = $2', [
    facility,
    controlId,
  ]);
  return rows.length > 0;
}

/** The administrator's mappings for these codes, keyed `system|code`. */
export async function mappedCodes(q: Queryable, codes: readonly TestCode[]): Promise<Map<string, Analyte>> {
  if (codes.length === 0) return new Map();
  const rows = await q.query<{ key: string; analyte: Analyte }>(
    `select m.code_system || '|' || m.code as key, m.analyte
     from lab_code_map m join unnest($1::text[], $2::text[]) as c(code_system, code)
       on c.code_system = m.code_system and c.code = m.code`,
    [codes.map((c) => c.system), codes.map((c) => c.code)],
  );
  return new Map(rows.map((r) => [r.key, r.analyte]));
}

export interface NewMessage {
  sendingFacility: string;
  controlId: string;
  messageType: string;
  version: string;
  receivedAt: Date;
  status: MessageStatus;
  patientId: string | null;
  raw: string;
  error: string | null;
}

/** Stores a message once: null when this facility's control id is already stored (the message is a repeat). */
export async function insertMessage(tx: Queryable, m: NewMessage): Promise<string | null> {
  const [row] = await tx.query<{ id: string }>(
    `insert into hl7_message (sending_facility, control_id, message_type, version, received_at, status, patient_id,
       raw, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (sending_facility, control_id) do nothing
     returning id`,
    [
      m.sendingFacility,
      m.controlId,
      m.messageType,
      m.version,
      m.receivedAt,
      m.status,
      m.patientId,
      m.raw,
      m.error,
    ],
  );
  return row?.id ?? null;
}

export async function markMessage(
  tx: Queryable,
  id: string,
  change: { status: MessageStatus; resultsRecorded: number },
): Promise<void> {
  await tx.query('update hl7_message set status = $2, results_recorded = $3, error = null where id = $1', [
    id,
    change.status,
    change.resultsRecorded,
  ]);
}

export async function setMessagePatient(tx: Queryable, id: string, patientId: string): Promise<void> {
  await tx.query('update hl7_message set patient_id = $2 where id = $1', [id, patientId]);
}

export interface NewItem {
  messageId: string;
  reason: ReconciliationReason;
  details: Record<string, unknown>;
  createdAt: Date;
}

export async function insertItems(tx: Queryable, items: readonly NewItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `insert into reconciliation_item (message_id, reason, details, created_at)
     select * from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])`,
    [
      items.map((i) => i.messageId),
      items.map((i) => i.reason),
      items.map((i) => JSON.stringify(i.details)),
      items.map((i) => i.createdAt),
    ],
  );
}

export interface ReconciliationItem {
  id: string;
  messageId: string;
  reason: ReconciliationReason;
  details: Record<string, unknown>;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedByEmail: string | null;
  resolution: Record<string, unknown> | null;
  sendingFacility: string;
  controlId: string;
  receivedAt: Date;
  messageStatus: MessageStatus;
  patientId: string | null;
}

const itemColumns = `i.id, i.message_id as "messageId", i.reason, i.details, i.created_at as "createdAt",
  i.resolved_at as "resolvedAt", u.email as "resolvedByEmail", i.resolution,
  m.sending_facility as "sendingFacility", m.control_id as "controlId", m.received_at as "receivedAt",
  m.status as "messageStatus", m.patient_id as "patientId"`;

/** Items waiting for a person, oldest first. */
export async function waitingItems(q: Queryable, limit: number): Promise<ReconciliationItem[]> {
  return q.query<ReconciliationItem>(
    `select ${itemColumns}
     from reconciliation_item i join hl7_message m on m.id = i.message_id
     left join app_user u on u.id = i.resolved_by
     where i.resolved_at is null
     order by i.created_at, i.id
     limit $1`,
    [limit],
  );
}

export async function countWaitingItems(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    'select count(*)::int as n from reconciliation_item where resolved_at is null',
  );
  return row?.n ?? 0;
}

/** One item; `lock` holds it for the rest of the transaction so two people cannot resolve it at once. */
export async function findItem(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<ReconciliationItem | null> {
  const [row] = await q.query<ReconciliationItem>(
    `select ${itemColumns}
     from reconciliation_item i join hl7_message m on m.id = i.message_id
     left join app_user u on u.id = i.resolved_by
     where i.id = $1
     ${options.lock ? 'for update of i, m' : ''}`,
    [id],
  );
  return row ?? null;
}

/** The message's text (it holds patient data: for the person reconciling and for reprocessing only). */
export async function messageText(q: Queryable, messageId: string): Promise<string> {
  const [row] = await q.query<{ raw: string }>('select raw from hl7_message where id = $1', [messageId]);
  if (!row) throw new Error(`No HL7 message ${messageId}`);
  return row.raw;
}

export async function resolveItem(
  tx: Queryable,
  id: string,
  by: { userId: string; at: Date; resolution: Record<string, unknown> },
): Promise<void> {
  await tx.query(
    `update reconciliation_item set resolved_at = $2, resolved_by = $3, resolution = $4
     where id = $1 and resolved_at is null`,
    [id, by.at, by.userId, JSON.stringify(by.resolution)],
  );
}

export async function openItemCount(q: Queryable, messageId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    'select count(*)::int as n from reconciliation_item where message_id = $1 and resolved_at is null',
    [messageId],
  );
  return row?.n ?? 0;
}

export interface CodeMapping {
  codeSystem: string;
  code: string;
  analyte: Analyte;
  createdByEmail: string | null;
  createdAt: Date;
}

export async function codeMappings(q: Queryable): Promise<CodeMapping[]> {
  return q.query<CodeMapping>(
    `select m.code_system as "codeSystem", m.code, m.analyte, u.email as "createdByEmail", m.created_at as "createdAt"
     from lab_code_map m left join app_user u on u.id = m.created_by
     order by m.code_system, m.code`,
  );
}

/** Adds mappings; a code already mapped keeps its mapping. Returns the codes added (`system|code`). */
export async function insertCodeMappings(
  tx: Queryable,
  mappings: readonly { codeSystem: string; code: string; analyte: Analyte }[],
  by: { userId: string; at: Date },
): Promise<string[]> {
  if (mappings.length === 0) return [];
  const rows = await tx.query<{ key: string }>(
    `insert into lab_code_map (code_system, code, analyte, created_by, created_at)
     select c.code_system, c.code, c.analyte, $4, $5 from unnest($1::text[], $2::text[], $3::text[])
       as c(code_system, code, analyte)
     on conflict (code_system, code) do nothing
     returning code_system || '|' || code as key`,
    [
      mappings.map((m) => m.codeSystem),
      mappings.map((m) => m.code),
      mappings.map((m) => m.analyte),
      by.userId,
      by.at,
    ],
  );
  return rows.map((r) => r.key);
}
