import type { ZodError } from 'zod';
import type { Database, Queryable } from '../db/database.ts';
import { fieldProblems, JointlyError } from '../kernel/errors.ts';
import {
  kindChangeProblem,
  type NewOrganisation,
  newOrganisationSchema,
  organisationChangeSchema,
} from './organisations.rules.ts';
import {
  findOrganisationForUpdate,
  insertOrganisation,
  type Organisation,
  rolesHeldAt,
  updateOrganisation,
} from './organisations.store.ts';

/** Writes the change's audit entry inside the change's own transaction, so both commit or neither. */
export type AuditInTransaction = (tx: Queryable, organisation: Organisation) => Promise<void>;

function refuseInput(error: ZodError): JointlyError {
  const fields = fieldProblems(error);
  return new JointlyError('INVALID_INPUT', fields.map((f) => f.message).join('; '), fields);
}

/** Adds an organisation; refuses a code already in use, naming the code field. */
export async function createOrganisation(
  db: Database,
  input: Record<keyof NewOrganisation, unknown>,
  audit: AuditInTransaction,
): Promise<Organisation> {
  const parsed = newOrganisationSchema.safeParse(input);
  if (!parsed.success) throw refuseInput(parsed.error);
  return db.transaction(async (tx) => {
    const organisation = await insertOrganisation(tx, parsed.data);
    if (!organisation) {
      const message = `There is already an organisation with the code ${parsed.data.code}`;
      throw new JointlyError('CONFLICT', message, [{ field: 'code', message }]);
    }
    await audit(tx, organisation);
    return organisation;
  });
}

/** Renames an organisation or changes its kind, when every role its people hold suits the new kind. */
export async function changeOrganisation(
  db: Database,
  code: string,
  input: { name?: unknown; kind?: unknown },
  audit: AuditInTransaction,
): Promise<Organisation> {
  const parsed = organisationChangeSchema.safeParse(input);
  if (!parsed.success) throw refuseInput(parsed.error);
  const change = parsed.data;
  return db.transaction(async (tx) => {
    const current = await findOrganisationForUpdate(tx, code);
    if (!current) throw new JointlyError('NOT_FOUND', `There is no organisation with the code ${code}.`);
    if (change.kind && change.kind !== current.kind) {
      const problem = kindChangeProblem(change.kind, await rolesHeldAt(tx, current.id));
      if (problem) throw new JointlyError('INVALID_INPUT', problem, [{ field: 'kind', message: problem }]);
    }
    const changed = await updateOrganisation(tx, current.id, change);
    await audit(tx, changed);
    return changed;
  });
}
