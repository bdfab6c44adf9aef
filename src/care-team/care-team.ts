import { z } from 'zod';
import { decideAccess } from '../access/access.rules.ts';
import { type Asker, authorisePatientChange } from '../access/patient-access.ts';
import { loadRelationships } from '../access/relationships.store.ts';
import type { Database } from '../db/database.ts';
import { isPlainDate, type PlainDate } from '../kernel/dates.ts';
import { type FieldProblem, JointlyError, parseInput, refuseFields } from '../kernel/errors.ts';
import {
  type CareTeamMember,
  careTeamRoles,
  endDateProblem,
  leavesNoSpecialistTeam,
  overlaps,
  roleFitsOrganisation,
  startDateProblem,
} from './care-team.rules.ts';
import {
  findOrganisation,
  findStaffMember,
  insertMember,
  listCareTeam,
  lockCareTeam,
  setMemberEndDate,
} from './care-team.store.ts';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const newMemberSchema = z.object({
  organisationCode: z
    .string()
    .trim()
    .toUpperCase()
    .min(1, 'Choose an organisation')
    .max(10, 'Choose an organisation from the list'),
  role: z.enum(careTeamRoles, { message: 'Choose the part they play in the child’s care' }),
  namedPersonEmail: optionalText(254).transform((v) => v?.toLowerCase()),
  startDate: optionalText(10).describe('YYYY-MM-DD; today when not given'),
});

export const endMemberSchema = z.object({
  endDate: optionalText(10).describe('YYYY-MM-DD; today when not given'),
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why their part in the child’s care is ending')
    .max(500, 'Reason must be 500 characters or fewer'),
});

/** Whether to offer the forms that change the care team (the changes themselves check again). */
export async function mayEditCareTeam(db: Database, asker: Asker, patientId: string): Promise<boolean> {
  const relationships = await loadRelationships(db, patientId, asker.viewer.id, asker.now);
  return !!relationships && decideAccess(asker.viewer, relationships, 'edit-care-team', asker).allowed;
}

function dateOrToday(value: string | undefined, today: PlainDate, field: string, problems: FieldProblem[]) {
  if (value === undefined) return today;
  if (isPlainDate(value)) return value;
  problems.push({ field, message: `Enter a real date, like ${today}` });
  return undefined;
}

/** The organisation, named person and start date a new member would have, or every field that is wrong. */
async function checkNewMember(db: Database, input: z.output<typeof newMemberSchema>, today: PlainDate) {
  const problems: FieldProblem[] = [];
  const organisation = await findOrganisation(db, input.organisationCode);
  const misfit = organisation && roleFitsOrganisation(input.role, organisation.kind);
  if (!organisation) {
    problems.push({
      field: 'organisationCode',
      message: `There is no organisation with the code ${input.organisationCode}`,
    });
  } else if (misfit) {
    problems.push({ field: 'role', message: misfit });
  }
  const person =
    input.namedPersonEmail &&
    organisation &&
    (await findStaffMember(db, input.namedPersonEmail, organisation.id));
  if (organisation && input.namedPersonEmail && !person) {
    problems.push({
      field: 'namedPersonEmail',
      message: `There is no one with this e-mail address at ${organisation.name}`,
    });
  }
  const startDate = dateOrToday(input.startDate, today, 'startDate', problems);
  const startProblem = startDate && startDateProblem(startDate, today);
  if (startProblem) problems.push({ field: 'startDate', message: startProblem });
  if (problems.length || !organisation || !startDate) throw refuseFields(problems);
  return { organisation, namedPersonId: person ? person.id : null, startDate };
}

/**
 * Adds an organisation (and perhaps a named person in it) to the child's care team; returns the new member's id.
 * Like every change here it authorises before reading the input, so that someone who may not change the
 * care team is told so, whatever they sent.
 */
export async function addCareTeamMember(db: Database, asker: Asker, patientId: string, body: unknown) {
  const change = await authorisePatientChange(db, asker, patientId, 'edit-care-team', 'add care team member');
  const input = parseInput(newMemberSchema, body);
  const { organisation, namedPersonId, startDate } = await checkNewMember(db, input, asker.today);

  return db.transaction(async (tx) => {
    await lockCareTeam(tx, patientId);
    const members = await listCareTeam(tx, patientId);
    if (
      members.some(
        (m) => m.organisationId === organisation.id && m.role === input.role && overlaps(m, startDate),
      )
    ) {
      const message = `${organisation.name} is already in the care team in this role`;
      throw new JointlyError('CONFLICT', message, [{ field: 'organisationCode', message }]);
    }
    const memberId = await insertMember(tx, {
      patientId,
      organisationId: organisation.id,
      role: input.role,
      userId: namedPersonId,
      startDate,
      addedBy: asker.viewer.id,
    });
    await change.audit(tx, {
      memberId,
      organisationCode: organisation.code,
      careTeamRole: input.role,
      namedPersonId,
      startDate,
    });
    return memberId;
  });
}

/** Ends one member's part in the child's care; their organisation's access ends after `endDate`. */
export async function endCareTeamMember(
  db: Database,
  asker: Asker,
  patientId: string,
  memberId: string,
  body: unknown,
): Promise<CareTeamMember> {
  const change = await authorisePatientChange(db, asker, patientId, 'edit-care-team', 'end care team member');
  const input = parseInput(endMemberSchema, body);
  const problems: FieldProblem[] = [];
  const endDate = dateOrToday(input.endDate, asker.today, 'endDate', problems);
  if (!endDate) throw refuseFields(problems);

  return db.transaction(async (tx) => {
    await lockCareTeam(tx, patientId);
    const members = await listCareTeam(tx, patientId);
    const member = members.find((m) => m.id === memberId);
    if (!member) throw new JointlyError('NOT_FOUND', 'This patient’s care team has no such member.');
    const problem = endDateProblem(member, endDate, asker.today);
    if (problem) throw refuseFields([{ field: 'endDate', message: problem }]);
    if (leavesNoSpecialistTeam(members, memberId, endDate)) {
      throw refuseFields([
        {
          field: 'endDate',
          message:
            'The specialist team always leads the child’s care: add another specialist centre member before ending this one',
        },
      ]);
    }
    await setMemberEndDate(tx, memberId, endDate);
    await change.audit(tx, {
      memberId,
      organisationCode: member.organisationCode,
      careTeamRole: member.role,
      endDate,
      reason: input.reason,
    });
    return { ...member, endDate };
  });
}
