import type { Database, Queryable } from '../db/database.ts';
import { type FieldProblem, invalidField, JointlyError } from '../kernel/errors.ts';
import { checkProtocol, type Protocol, type ProtocolProblem } from './protocol.schema.ts';
import { versionNumberProblem } from './protocol-versions.rules.ts';
import {
  findProtocolVersion,
  insertLocalVersion,
  type ProtocolVersionRecord,
  recordDecision,
  versionNumbersOf,
} from './protocols.store.ts';

/** Writes the audit entry for a protocol change inside the change's own transaction. */
export type AuditProtocolChange = (tx: Queryable, details: Record<string, unknown>) => Promise<void>;

/** A protocol file's text as JSON, or the problem a reviewer must fix first. */
export function parseProtocolText(
  text: string,
): { ok: true; data: unknown } | { ok: false; problems: ProtocolProblem[] } {
  if (text.trim() === '') {
    return {
      ok: false,
      problems: [{ path: '(the whole file)', message: 'Choose a file or paste the protocol' }],
    };
  }
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: '(the whole file)', message: `Not valid JSON: ${(error as Error).message}` }],
    };
  }
}

/** Refuses a protocol with each problem as a field named by its path, e.g. "dosing.rangeMax.source". */
export function refuseProtocol(problems: readonly ProtocolProblem[]): JointlyError {
  const fields: FieldProblem[] = problems.map((p) => ({ field: p.path, message: p.message }));
  return new JointlyError(
    'INVALID_INPUT',
    `The protocol is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    fields,
  );
}

/**
 * Stores a service administrator's new protocol version, awaiting a clinical safety officer's approval.
 * Refuses a file that fails the schema, and a version number not above every earlier one; nothing is stored then.
 */
export async function submitProtocolVersion(
  db: Database,
  data: unknown,
  submission: {
    origin: 'uploaded' | 'edited';
    uploadedBy: string;
    uploadedAt: Date;
    audit: AuditProtocolChange;
  },
): Promise<{ id: string; protocol: Protocol }> {
  const checked = checkProtocol(data);
  if (!checked.ok) throw refuseProtocol(checked.problems);
  const { protocol } = checked;
  const { audit, ...stored } = submission;
  return db.transaction(async (tx) => {
    const existing = await versionNumbersOf(tx, protocol.id);
    const problem = versionNumberProblem(protocol.id, protocol.version, existing);
    if (problem) throw versionRefused(problem);
    const id = await insertLocalVersion(tx, { protocol, ...stored });
    // Another administrator stored the same number between the check and the insert.
    if (!id) throw versionRefused(versionNumberProblem(protocol.id, protocol.version, [protocol.version])!);
    await audit(tx, {
      protocolVersionId: id,
      protocolId: protocol.id,
      version: protocol.version,
      origin: submission.origin,
    });
    return { id, protocol };
  });
}

function versionRefused(problem: { kind: 'taken' | 'lower'; message: string }): JointlyError {
  return new JointlyError(problem.kind === 'taken' ? 'CONFLICT' : 'INVALID_INPUT', problem.message, [
    { field: 'version', message: problem.message },
  ]);
}

export type Decision = 'approve' | 'reject';

/**
 * A clinical safety officer's approval or rejection of a version awaiting approval. A rejection needs a note;
 * nobody decides on a version they uploaded themselves.
 */
export async function decideProtocolVersion(
  db: Database,
  id: string,
  decision: Decision,
  by: { userId: string; now: Date; note: string | undefined; audit: AuditProtocolChange },
): Promise<ProtocolVersionRecord> {
  const note = by.note?.trim() || null;
  if (decision === 'reject' && !note) {
    throw invalidField('note', 'Say why this version is rejected, so that it can be corrected');
  }
  if (note && note.length > 2000) throw invalidField('note', 'The note must be 2,000 characters or fewer');
  return db.transaction(async (tx) => {
    const version = await findProtocolVersion(tx, id);
    if (!version) throw new JointlyError('NOT_FOUND', 'There is no protocol version with that identifier.');
    const decided = (how: string) =>
      new JointlyError(
        'CONFLICT',
        `Version ${version.version} of ${version.protocolId} has already been ${how}: a decision is made once.`,
      );
    if (version.status !== 'awaiting-approval') throw decided(version.status);
    if (version.uploadedById === by.userId) {
      throw new JointlyError(
        'FORBIDDEN',
        'You uploaded this version, so another clinical safety officer must approve or reject it.',
      );
    }
    const status = decision === 'approve' ? 'approved' : 'rejected';
    if (!(await recordDecision(tx, id, { status, decidedBy: by.userId, decidedAt: by.now, note }))) {
      throw decided('decided by someone else');
    }
    await by.audit(tx, {
      protocolVersionId: id,
      protocolId: version.protocolId,
      version: version.version,
      ...(note ? { note } : {}),
    });
    return { ...version, status, decidedAt: by.now, decisionNote: note };
  });
}
