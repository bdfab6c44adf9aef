import { type Role, roleLabels } from '../kernel/roles.ts';
import { breakGlassRoles, type Membership } from './access.rules.ts';

export const breakGlassReasonLength = { min: 10, max: 500 } as const;

/** The clinical role someone declares break-glass access in, or undefined when none of theirs may. */
export function breakGlassMembership<M extends Membership>(memberships: readonly M[]): M | undefined {
  return memberships.find((m) => breakGlassRoles.includes(m.role));
}

/** Why this person may not declare break-glass access, naming their roles. */
export function breakGlassRoleRefusal(memberships: readonly { role: Role }[]): string {
  const roles = [...new Set(memberships.map((m) => roleLabels[m.role]))].join(', ') || 'none';
  return `Your role (${roles}) cannot declare break-glass access: only clinicians can, to care for a patient in an emergency.`;
}

/** A reviewer must be able to judge the reason later, so a word or two is not enough. */
export function breakGlassReasonProblem(reason: string): string | undefined {
  const length = reason.trim().length;
  if (length === 0) return 'Enter why you need to see this record now';
  if (length < breakGlassReasonLength.min) {
    return `Reason must be at least ${breakGlassReasonLength.min} characters, so the reviewer can understand it`;
  }
  if (length > breakGlassReasonLength.max)
    return `Reason must be ${breakGlassReasonLength.max} characters or fewer`;
  return undefined;
}

/** When a grant declared at `grantedAt` runs out. */
export function breakGlassExpiry(grantedAt: Date, minutes: number): Date {
  return new Date(grantedAt.getTime() + minutes * 60_000);
}
