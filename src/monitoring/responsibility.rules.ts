import type { PlainDate } from '../kernel/dates.ts';

export const bloodTestPlaces = ['gp-surgery', 'hospital', 'home'] as const;
export type BloodTestPlace = (typeof bloodTestPlaces)[number];

export interface AgreementForTests {
  state: string;
  transferDate: PlainDate | null;
  gpPracticeId: string;
  specialistOrganisationId: string;
  bloodTestsAt: BloodTestPlace;
}

/**
 * Who arranges a child's blood tests, and where: the specialist team until the GP practice has taken on shared
 * care; then the GP practice, unless the agreement says the tests are taken at the hospital.
 */
export function whoArrangesBloodTests(
  agreement: AgreementForTests | null,
  specialistOrganisationId: string | null,
  today: PlainDate,
): { organisationId: string | null; place: BloodTestPlace } {
  const shared =
    agreement?.state === 'active' && (agreement.transferDate === null || agreement.transferDate <= today);
  if (!agreement || !shared) {
    return {
      organisationId: agreement?.specialistOrganisationId ?? specialistOrganisationId,
      place: 'hospital',
    };
  }
  if (agreement.bloodTestsAt === 'hospital') {
    return { organisationId: agreement.specialistOrganisationId, place: 'hospital' };
  }
  return { organisationId: agreement.gpPracticeId, place: agreement.bloodTestsAt };
}

export const placeWords: Record<BloodTestPlace, string> = {
  'gp-surgery': 'at your GP surgery',
  hospital: 'at the hospital',
  home: 'at home (a nurse visits)',
};
