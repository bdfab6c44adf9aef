import { z } from 'zod';
import {
  type OrganisationKind,
  organisationKindLabels,
  organisationKinds,
  type Role,
  roleLabels,
  rolesByOrganisationKind,
} from '../kernel/roles.ts';

const organisationName = z
  .string({ message: 'Enter the organisation’s name' })
  .trim()
  .min(1, 'Enter the organisation’s name')
  .max(200, 'Name must be 200 characters or fewer');

const organisationKind = z.enum(organisationKinds, { message: 'Choose what kind of organisation this is' });

/** An organisation as a service administrator adds it: the code is its ODS-style identifier and never changes. */
export const newOrganisationSchema = z.object({
  code: z
    .string({ message: 'Enter the organisation code' })
    .trim()
    .toUpperCase()
    .pipe(
      z
        .string()
        .min(1, 'Enter the organisation code')
        .regex(
          /^[A-Z0-9]{3,10}$/,
          'Organisation code must be 3 to 10 letters or digits, like the ODS code A81001',
        ),
    ),
  name: organisationName,
  kind: organisationKind,
});
export type NewOrganisation = z.output<typeof newOrganisationSchema>;

/** What may change about an organisation: its name and kind, never its code. */
export const organisationChangeSchema = z.object({
  name: organisationName.optional(),
  kind: organisationKind.optional(),
});
export type OrganisationChange = z.output<typeof organisationChangeSchema>;

/**
 * Why an organisation may not become `kind`, or undefined when it may. Every role its people hold
 * must suit the new kind: a local hospital turned specialist centre would otherwise hand its nurse
 * specialists the specialist team's powers over every patient it shares.
 */
export function kindChangeProblem(kind: OrganisationKind, rolesHeld: readonly Role[]): string | undefined {
  const misfits = [...new Set(rolesHeld)].filter(
    (role) => !rolesByOrganisationKind[kind].includes(role as never),
  );
  if (misfits.length === 0) return undefined;
  const names = misfits.map((role) => roleLabels[role].toLowerCase()).join(', ');
  return `A ${organisationKindLabels[kind].toLowerCase()} cannot have the roles its people hold (${names}). Change their roles first.`;
}
