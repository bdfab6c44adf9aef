import { z } from 'zod';
import { type Asker, authorisePatientChange, isUuid } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import { JointlyError, parseInput } from '../kernel/errors.ts';
import { carerRelationships } from './care-team.rules.ts';
import { deleteCarer, findParentCarerAccount, insertCarer, lockCareTeam } from './care-team.store.ts';

export const newCarerSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Enter the e-mail address of the parent’s or carer’s Jointly account')
    .max(254, 'E-mail address must be 254 characters or fewer'),
  relationship: z.enum(carerRelationships, { message: 'Choose how they are related to the child' }),
  hasProxyAccess: z.boolean({ message: 'Say whether they may see the child’s record' }),
});

/** The web form says yes or no where the API says true or false. */
export function carerFormAsInput(form: Record<string, unknown>): Record<string, unknown> {
  const answer = form.hasProxyAccess;
  return { ...form, hasProxyAccess: answer === 'yes' ? true : answer === 'no' ? false : undefined };
}

export const removeCarerSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why this parent or carer is being unlinked')
    .max(500, 'Reason must be 500 characters or fewer'),
});

/** Links an existing parent/carer account to the child; returns the account's id. */
export async function linkCarer(
  db: Database,
  asker: Asker,
  patientId: string,
  body: unknown,
): Promise<string> {
  const change = await authorisePatientChange(db, asker, patientId, 'edit-care-team', 'link parent or carer');
  const input = parseInput(newCarerSchema, body);
  const account = await findParentCarerAccount(db, input.email);
  if (!account) {
    const message =
      'There is no parent or carer account with this e-mail address. Ask the service administrator to create one first';
    throw new JointlyError('INVALID_INPUT', message, [{ field: 'email', message }]);
  }
  await db.transaction(async (tx) => {
    await lockCareTeam(tx, patientId);
    const linked = await insertCarer(tx, { patientId, userId: account.id, ...input });
    if (!linked) {
      const message = 'This parent or carer is already linked to the child';
      throw new JointlyError('CONFLICT', message, [{ field: 'email', message }]);
    }
    await change.audit(tx, {
      carerUserId: account.id,
      relationship: input.relationship,
      hasProxyAccess: input.hasProxyAccess,
    });
  });
  return account.id;
}

/** Unlinks a parent or carer from the child, recording why. */
export async function unlinkCarer(
  db: Database,
  asker: Asker,
  patientId: string,
  carerUserId: string,
  body: unknown,
): Promise<void> {
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    'edit-care-team',
    'unlink parent or carer',
  );
  const { reason } = parseInput(removeCarerSchema, body);
  const notLinked = new JointlyError('NOT_FOUND', 'This parent or carer is not linked to the child.');
  if (!isUuid(carerUserId)) throw notLinked;
  await db.transaction(async (tx) => {
    await lockCareTeam(tx, patientId);
    const removed = await deleteCarer(tx, patientId, carerUserId);
    if (!removed) throw notLinked;
    await change.audit(tx, { carerUserId, relationship: removed.relationship, reason });
  });
}
