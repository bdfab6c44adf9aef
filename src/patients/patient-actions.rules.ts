import {
  decideAccess,
  type PatientAction,
  type PatientRelationships,
  patientActions,
  type Viewer,
} from '../access/access.rules.ts';
import type { PlainDate } from '../kernel/dates.ts';

/** For each action, whether this viewer may take it on this patient: what the page offers. */
export type AllowedActions = Record<PatientAction, boolean>;

/**
 * The links and forms a page offers, decided by the same rule that guards the action itself, so the page
 * never offers what would then be refused (nor hides what would be allowed).
 */
export function allowedActions(
  viewer: Viewer,
  relationships: PatientRelationships,
  at: { today: PlainDate; now: Date },
): AllowedActions {
  return Object.fromEntries(
    patientActions.map((action) => [action, decideAccess(viewer, relationships, action, at).allowed]),
  ) as AllowedActions;
}
