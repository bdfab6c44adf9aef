import { actionsByRole, type Membership } from '../access/access.rules.ts';
import { type AgreementState, prescriber } from '../agreements/agreement.rules.ts';
import { isCountedForm, type RuleResult } from './order.rules.ts';

/**
 * Who prescribes an order, and whether this person belongs to that party. The specialist team prescribes
 * until the order's shared care agreement is active; from then the agreement's GP practice does.
 */

export type PrescribingParty = 'gp-practice' | 'specialist-team';

/** The facts about an order's agreement that decide who prescribes. */
export interface AgreementFacts {
  state: AgreementState;
  gpPracticeId: string;
  specialistOrganisationId: string;
}

export function prescribingParty(agreement: Pick<AgreementFacts, 'state'> | undefined): PrescribingParty {
  return agreement ? prescriber(agreement.state) : 'specialist-team';
}

/** "Riverside Surgery (GP001) under shared care", or "the specialist team". */
export function describePrescriber(
  party: PrescribingParty,
  practice: { name: string; code: string } | undefined,
): string {
  if (party === 'gp-practice' && practice) return `${practice.name} (${practice.code}) under shared care`;
  return party === 'gp-practice' ? 'the GP practice under shared care' : 'the specialist team';
}

/**
 * The membership through which this person may record a prescription for the order now: a prescribing role
 * at the agreement's GP practice while it is active; otherwise at a specialist centre in the child's current
 * care team (the agreement's own, when there is one).
 */
export function prescribingMembership(
  memberships: readonly Membership[],
  agreement: AgreementFacts | undefined,
  currentCareTeam: ReadonlySet<string>,
): Membership | undefined {
  const party = prescribingParty(agreement);
  return memberships.find((m) => {
    if (!m.organisationId || !actionsByRole[m.role].includes('record-prescription')) return false;
    if (!currentCareTeam.has(m.organisationId)) return false;
    if (party === 'gp-practice') return m.organisationId === agreement?.gpPracticeId;
    if (m.organisationKind !== 'specialist_centre') return false;
    return !agreement || m.organisationId === agreement.specialistOrganisationId;
  });
}

/** What a supply of this form is counted in, unless the prescriber says otherwise. */
export function defaultQuantityUnit(form: string): string {
  const plural: Record<string, string> = {
    tablet: 'tablets',
    capsule: 'capsules',
    'oral solution': 'mL',
    'oral suspension': 'mL',
    'prefilled syringe': 'prefilled syringes',
    'prefilled pen': 'prefilled pens',
    'vial for infusion': 'vials',
    'vial for injection': 'vials',
  };
  return plural[form] ?? 'units';
}

/** A quantity supplied: more than nothing, and whole tablets or capsules. */
export function checkQuantity(form: string, quantity: number): RuleResult<number> {
  if (!(quantity > 0)) return { ok: false, field: 'quantity', message: 'Quantity must be more than 0.' };
  if (Math.abs(quantity * 100 - Math.round(quantity * 100)) > 1e-6) {
    return { ok: false, field: 'quantity', message: 'Quantity can have at most 2 decimal places.' };
  }
  if (isCountedForm(form) && !Number.isInteger(quantity)) {
    return {
      ok: false,
      field: 'quantity',
      message: `Quantity must be a whole number of ${defaultQuantityUnit(form)}.`,
    };
  }
  return { ok: true, value: quantity };
}
