import { type Asker, authorisePatientChange } from '../access/patient-access.ts';
import { appendAudit } from '../audit/audit.store.ts';
import { insertMember } from '../care-team/care-team.store.ts';
import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import { invalidField, JointlyError } from '../kernel/errors.ts';
import type { Role } from '../kernel/roles.ts';
import { findOrganisation } from '../organisations/organisations.store.ts';
import type { SignedInUser } from '../people/people.store.ts';
import { type PatientDetails, parsePatientDetails } from './patient.rules.ts';
import {
  findPatient,
  insertPatient,
  isNhsNumberRegistered,
  lockPatient,
  type PatientRecord,
  updatePatient,
} from './patients.store.ts';

const registeringRoles: readonly Role[] = ['consultant', 'nurse_specialist', 'team_administrator'];

/** The specialist-centre role through which this person may register patients, if any. */
export function registeringMembership(viewer: SignedInUser) {
  return viewer.memberships.find(
    (m) =>
      registeringRoles.includes(m.role) && m.organisationKind === 'specialist_centre' && m.organisationId,
  );
}

/** The registering team's membership, or a refusal saying who may register patients. */
export function requireRegisteringTeam(viewer: SignedInUser): { role: Role; organisationId: string } {
  const team = registeringMembership(viewer);
  if (!team?.organisationId) {
    throw new JointlyError(
      'FORBIDDEN',
      'Only the specialist team (a consultant, nurse specialist or team administrator at a specialist centre) may register patients.',
    );
  }
  return { role: team.role, organisationId: team.organisationId };
}

function nhsNumberTaken(): JointlyError {
  const message = 'A patient with this NHS number is already registered';
  return new JointlyError('CONFLICT', message, [{ field: 'nhsNumber', message }]);
}

async function gpPracticeId(tx: Queryable, code: string): Promise<string> {
  const practice = await findOrganisation(tx, code);
  if (!practice)
    throw invalidField('registeredPracticeCode', `There is no organisation with the code ${code}`);
  if (practice.kind !== 'gp_practice') {
    throw invalidField('registeredPracticeCode', `${practice.name} (${code}) is not a GP practice`);
  }
  return practice.id;
}

/** A second registration racing the first past the check meets the unique index: the same refusal. */
async function refusingDuplicateNhsNumber<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw nhsNumberTaken();
    throw error;
  }
}

/**
 * Registers a child with the specialist team: the patient, their specialist team and registered GP practice
 * in the care team from today, and the audit entry, all in one transaction. Returns the new patient's id.
 */
export async function registerPatient(
  db: Database,
  asker: Asker,
  input: unknown,
  options: { allowTestRange: boolean },
): Promise<string> {
  const team = requireRegisteringTeam(asker.viewer);
  const teamId = team.organisationId;
  const details = parsePatientDetails(input, { today: asker.today, allowTestRange: options.allowTestRange });
  return refusingDuplicateNhsNumber(() =>
    db.transaction(async (tx) => {
      if (await isNhsNumberRegistered(tx, details.nhsNumber)) throw nhsNumberTaken();
      const practiceId = await gpPracticeId(tx, details.registeredPracticeCode);
      const patientId = await insertPatient(tx, details, practiceId);
      const joining = { patientId, userId: null, startDate: asker.today, addedBy: asker.viewer.id };
      await insertMember(tx, { ...joining, organisationId: teamId, role: 'specialist_team' });
      await insertMember(tx, { ...joining, organisationId: practiceId, role: 'gp_practice' });
      await appendAudit(tx, {
        userId: asker.viewer.id,
        userEmail: asker.viewer.email,
        role: team.role,
        organisationId: teamId,
        patientId,
        action: 'register patient',
        outcome: 'allowed',
        relationship: 'care-team',
        breakGlassReason: null,
        details: {},
        occurredAt: asker.now,
      });
      return patientId;
    }),
  );
}

/** The record as the input that would produce it: what an edit form starts from and a PATCH is laid over. */
export function recordAsInput(record: PatientRecord): Record<string, string | undefined> {
  return {
    nhsNumber: record.nhsNumber,
    givenName: record.givenName,
    familyName: record.familyName,
    dateOfBirth: record.dateOfBirth,
    sex: record.sex,
    postcode: record.postcode ?? undefined,
    registeredPracticeCode: record.registeredPractice?.code,
    symptomOnsetDate: record.symptomOnsetDate ?? undefined,
    referralReceivedDate: record.referralReceivedDate ?? undefined,
    firstSeenDate: record.firstSeenDate ?? undefined,
    diagnosisDate: record.diagnosisDate ?? undefined,
  };
}

/** Which details an edit changed, by name only (the audit trail records no values). */
function changedFields(before: PatientRecord, after: PatientDetails): string[] {
  const previous = recordAsInput(before);
  return Object.keys(previous).filter((key) => previous[key] !== after[key as keyof PatientDetails]);
}

/**
 * Changes a patient's details. With `partial`, fields left out keep their values (and null clears one).
 * Changing the registered practice does not change the care team: that is edited on its own.
 */
export async function editDemographics(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
  options: { allowTestRange: boolean; partial: boolean },
): Promise<void> {
  const change = await authorisePatientChange(db, asker, patientId, 'edit-demographics', 'edit demographics');
  const current = await findPatient(db, patientId);
  if (!current) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  const body = typeof input === 'object' && input !== null ? input : {};
  const details = parsePatientDetails(options.partial ? { ...recordAsInput(current), ...body } : body, {
    today: asker.today,
    allowTestRange: options.allowTestRange,
    recordedDateOfBirth: current.dateOfBirth,
  });
  await refusingDuplicateNhsNumber(() =>
    db.transaction(async (tx) => {
      const before = (await lockPatient(tx, patientId)) ?? current;
      if (await isNhsNumberRegistered(tx, details.nhsNumber, patientId)) throw nhsNumberTaken();
      const practiceId = await gpPracticeId(tx, details.registeredPracticeCode);
      await updatePatient(tx, patientId, details, practiceId, asker.now);
      await change.audit(tx, { changed: changedFields(before, details) });
    }),
  );
}
