import { type Administrator, auditAdminAction } from '../../admin/administrator.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { PlainDate } from '../../kernel/dates.ts';
import { type FieldProblem, invalidField, JointlyError } from '../../kernel/errors.ts';
import { checkNhsNumber } from '../../kernel/nhs-number.ts';
import { type Analyte, analytes } from '../../protocols/protocol.schema.ts';
import { analyteNames } from '../../results/panels.ts';
import {
  findItem,
  insertCodeMappings,
  messageText,
  openItemCount,
  organisationIdByCode,
  patientByNhsNumber,
  type ReconciliationItem,
  resolveItem,
  setMessagePatient,
} from './hl7.store.ts';
import { codeLookup, recordMessageResults, refusalProblems } from './hl7-inbox.ts';
import { mapResults, type OruMessage, parseOru } from './hl7-oru.rules.ts';
import { mappingProblems, type UnmappedCode } from './reconciliation.rules.ts';

export interface Reconciling {
  admin: Administrator;
  now: Date;
  allowTestRange: boolean;
}

/** A waiting item with what its message says, for the person reconciling it. */
export interface ItemForReview {
  item: ReconciliationItem;
  message: OruMessage;
}

export async function itemForReview(db: Database, itemId: string, r: Reconciling): Promise<ItemForReview> {
  const item = await existingItem(db, itemId);
  const message = readMessage(await messageText(db, item.messageId), r.allowTestRange);
  // The message holds patient details: opening it is recorded, by item and message only.
  await db.transaction((tx) =>
    auditAdminAction(
      r.admin,
      r.now,
      'view laboratory message for reconciliation',
      {
        itemId,
        messageId: item.messageId,
      },
      item.patientId,
    )(tx),
  );
  return { item, message };
}

async function existingItem(q: Queryable, itemId: string, lock = false): Promise<ReconciliationItem> {
  const item = await findItem(q, itemId, { lock });
  if (!item) throw new JointlyError('NOT_FOUND', 'There is no reconciliation item with that identifier.');
  return item;
}

function readMessage(raw: string, allowTestRange: boolean): OruMessage {
  const parsed = parseOru(raw, { allowTestRange });
  // Only messages that parsed are ever stored; this would mean the parser changed under a stored message.
  if (!parsed.ok) throw new Error('A stored laboratory message no longer parses');
  return parsed.message;
}

/** The child an administrator has typed the NHS number of, with the date of birth to confirm against. */
export async function findChildToMatch(
  db: Database,
  itemId: string,
  input: { nhsNumber?: string | undefined },
  r: Reconciling,
): Promise<{ nhsNumber: string; patientId: string; dateOfBirth: PlainDate }> {
  const item = await existingItem(db, itemId);
  if (item.reason !== 'patient-not-matched')
    throw new JointlyError('NOT_NOW', 'This item is not about the patient.');
  const check = checkNhsNumber(input.nhsNumber ?? '', { allowTestRange: r.allowTestRange });
  if (!check.ok) throw invalidField('nhsNumber', check.message);
  const found = await patientByNhsNumber(db, check.nhsNumber);
  if (!found) throw invalidField('nhsNumber', 'No child with this NHS number is registered in Jointly');
  await db.transaction((tx) =>
    auditAdminAction(r.admin, r.now, 'look up child to match a laboratory message', { itemId }, found.id)(tx),
  );
  return { nhsNumber: check.nhsNumber, patientId: found.id, dateOfBirth: found.dateOfBirth };
}

/**
 * Files a waiting message under the child the administrator confirmed. When nothing else waits, its results go
 * through the results path as if they had just arrived; if they are refused, nothing changes.
 */
export async function matchItemToChild(
  db: Database,
  itemId: string,
  input: { nhsNumber?: string | undefined; confirmed?: string | undefined },
  r: Reconciling,
): Promise<{ recorded: number | null }> {
  const check = checkNhsNumber(input.nhsNumber ?? '', { allowTestRange: r.allowTestRange });
  if (!check.ok) throw invalidField('nhsNumber', check.message);
  if (input.confirmed !== 'yes') {
    throw invalidField('confirmed', 'Confirm that this is the child the results belong to');
  }
  return db.transaction(async (tx) => {
    const item = await openItem(tx, itemId, 'patient-not-matched');
    const child = await patientByNhsNumber(tx, check.nhsNumber);
    if (!child) throw invalidField('nhsNumber', 'No child with this NHS number is registered in Jointly');
    await setMessagePatient(tx, item.messageId, child.id);
    await resolveItem(tx, itemId, {
      userId: r.admin.viewer.id,
      at: r.now,
      resolution: { patientId: child.id },
    });
    await auditAdminAction(
      r.admin,
      r.now,
      'match laboratory message to child',
      {
        itemId,
        messageId: item.messageId,
      },
      child.id,
    )(tx);
    return { recorded: await recordIfReady(tx, item.messageId, r) };
  });
}

/**
 * Maps each unmapped code of a waiting message to the test it measures, saving the mapping for the laboratory's
 * later messages. A code's unit must be one Jointly accepts for the chosen test.
 */
export async function mapItemCodes(
  db: Database,
  itemId: string,
  input: Record<string, string | undefined>,
  r: Reconciling,
): Promise<{ recorded: number | null }> {
  return db.transaction(async (tx) => {
    const item = await openItem(tx, itemId, 'code-not-mapped');
    const codes = (item.details as { codes: UnmappedCode[] }).codes;
    const chosen = codes.map((code, i) => ({
      field: `analyte${i}`,
      code,
      analyte: asAnalyte(input[`analyte${i}`]),
    }));
    const problems = mappingProblems(chosen);
    if (problems.length) throw refuse(problems);
    const mappings = chosen.map((c) => ({
      codeSystem: c.code.system,
      code: c.code.code,
      analyte: c.analyte!,
    }));
    await insertCodeMappings(tx, mappings, { userId: r.admin.viewer.id, at: r.now });
    await resolveItem(tx, itemId, { userId: r.admin.viewer.id, at: r.now, resolution: { mappings } });
    await auditAdminAction(r.admin, r.now, 'map laboratory test codes', {
      itemId,
      messageId: item.messageId,
      mappings,
    })(tx);
    return { recorded: await recordIfReady(tx, item.messageId, r) };
  });
}

function asAnalyte(value: string | undefined): Analyte | undefined {
  return (analytes as readonly string[]).includes(value ?? '') ? (value as Analyte) : undefined;
}

function refuse(fields: FieldProblem[]): JointlyError {
  return new JointlyError('INVALID_INPUT', fields.map((f) => f.message).join('; '), fields);
}

async function openItem(tx: Queryable, itemId: string, reason: ReconciliationItem['reason']) {
  const item = await existingItem(tx, itemId, true);
  if (item.reason !== reason) throw new JointlyError('NOT_NOW', 'This item is about something else.');
  if (item.resolvedAt) throw new JointlyError('CONFLICT', 'Someone has already resolved this item.');
  return item;
}

/**
 * Once nothing about a message waits, its results are recorded exactly as on arrival (source hl7, the same
 * identifiers). Returns how many were recorded, or null while other items still wait.
 */
async function recordIfReady(tx: Queryable, messageId: string, r: Reconciling): Promise<number | null> {
  if ((await openItemCount(tx, messageId)) > 0) return null;
  const [row] = await tx.query<{ patientId: string | null }>(
    'select patient_id as "patientId" from hl7_message where id = $1',
    [messageId],
  );
  const message = readMessage(await messageText(tx, messageId), r.allowTestRange);
  const mapped = mapResults(
    message.observations,
    await codeLookup(
      tx,
      message.observations.flatMap((o) => o.codes),
    ),
  );
  if (!row?.patientId) throw new JointlyError('NOT_NOW', 'The message has no child matched yet.');
  if (mapped.unmapped.length)
    throw new JointlyError('NOT_NOW', 'Some of the message’s test codes are still not mapped.');
  try {
    const recorded = await recordMessageResults(tx, {
      messageId,
      patientId: row.patientId,
      message,
      mapped,
      labOrganisationId: await organisationIdByCode(tx, message.header.sendingFacility),
      now: r.now,
      status: 'resolved',
      resolvedBy: r.admin.viewer.id,
    });
    return recorded.results.length;
  } catch (error) {
    const problems = refusalProblems(error);
    if (!problems) throw error;
    const fields = problems.map((p) => ({ field: 'results', message: p.message }));
    throw new JointlyError(
      'INVALID_INPUT',
      `The results cannot be recorded: ${fields.map((f) => f.message).join('; ')}`,
      fields,
    );
  }
}

/** An administrator adds a mapping from a laboratory's code to a Jointly test. */
export async function addCodeMapping(
  db: Database,
  input: {
    codeSystem?: string | undefined;
    laboratory?: string | undefined;
    code?: string | undefined;
    analyte?: string | undefined;
  },
  r: Reconciling,
): Promise<void> {
  const problems: FieldProblem[] = [];
  const code = (input.code ?? '').trim();
  const laboratory = (input.laboratory ?? '').trim();
  let codeSystem = input.codeSystem;
  if (codeSystem === 'local') {
    if (!laboratory)
      problems.push({
        field: 'laboratory',
        message: 'Give the laboratory’s sending facility (MSH-4), for example LH001',
      });
    else if (laboratory.length > 100)
      problems.push({ field: 'laboratory', message: 'The laboratory’s name is too long' });
    codeSystem = `local:${laboratory}`;
  } else if (codeSystem !== 'LN' && codeSystem !== 'SCT') {
    problems.push({ field: 'codeSystem', message: 'Choose LOINC, SNOMED CT or a laboratory’s own code' });
  }
  if (!code) problems.push({ field: 'code', message: 'Give the code the laboratory sends' });
  else if (code.length > 100) problems.push({ field: 'code', message: 'The code is too long' });
  const analyte = asAnalyte(input.analyte);
  if (!analyte) problems.push({ field: 'analyte', message: 'Choose the test the code measures' });
  if (problems.length) throw refuse(problems);
  await db.transaction(async (tx) => {
    const mapping = { codeSystem: codeSystem!, code, analyte: analyte! };
    const added = await insertCodeMappings(tx, [mapping], { userId: r.admin.viewer.id, at: r.now });
    if (added.length === 0) {
      throw new JointlyError('CONFLICT', 'That code is already mapped', [
        { field: 'code', message: `${code} is already mapped; a mapping is kept as made` },
      ]);
    }
    await auditAdminAction(r.admin, r.now, 'add laboratory code mapping', mapping)(tx);
  });
}

/** Analytes as choices for a form, in the order the panels list them. */
export function analyteChoices(): { value: Analyte; text: string }[] {
  return analytes.map((a) => ({ value: a, text: analyteNames[a] }));
}
