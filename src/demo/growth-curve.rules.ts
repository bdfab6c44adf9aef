import type { Random } from './random.rules.ts';

/**
 * Rough stand-ins for the UK-WHO 50th centiles, good enough for plausible demo measurements (a 10-year-old
 * girl about 137 cm and 32 kg, a 15-year-old boy about 171 cm and 58 kg). Not for any clinical use.
 */
export function medianHeightCm(sex: 'female' | 'male', ageYears: number): number {
  const a = Math.max(0, ageYears);
  if (a < 1) return 50 + 25 * a;
  if (a < 2) return 75 + 12 * (a - 1);
  const growthYears: readonly (readonly [until: number, cmPerYear: number])[] =
    sex === 'female'
      ? [
          [10, 6.1],
          [13, 6.5],
          [16, 2.3],
          [Number.POSITIVE_INFINITY, 0],
        ]
      : [
          [12, 6.2],
          [15, 7.3],
          [17, 2.5],
          [Number.POSITIVE_INFINITY, 0],
        ];
  let height = 87;
  let from = 2;
  for (const [until, cmPerYear] of growthYears) {
    height += (Math.min(a, until) - from) * cmPerYear;
    if (a <= until) break;
    from = until;
  }
  return height;
}

/** Body mass index at the 50th centile: falls to about 15.5 at 5 years, then rises through adolescence. */
export function medianBmi(ageYears: number): number {
  const a = Math.max(1, ageYears);
  return a <= 5 ? 16.5 - 0.25 * (a - 1) : 15.5 + 0.4 * (Math.min(a, 18) - 5);
}

/** Where one child sits on the centile charts: they keep roughly to it as they grow. */
export interface GrowthCentile {
  /** Standard deviations from the median height. */
  heightZ: number;
  /** Standard deviations from the median BMI. */
  bmiZ: number;
}

export function drawCentile(random: Random): GrowthCentile {
  const z = () => Math.max(-2.5, Math.min(2.5, random.normal(0, 1)));
  return { heightZ: z(), bmiZ: z() };
}

/** A measurement for a child of this age and centile, with a little measuring noise. */
export function measurementAt(
  random: Random,
  sex: 'female' | 'male',
  ageYears: number,
  centile: GrowthCentile,
): { heightCm: number; weightKg: number } {
  const height = medianHeightCm(sex, ageYears) * (1 + 0.045 * centile.heightZ) + random.normal(0, 0.4);
  const bmi = medianBmi(ageYears) * (1 + 0.11 * centile.bmiZ) + random.normal(0, 0.2);
  const heightCm = clamp(Math.round(height * 10) / 10, 30, 229.9);
  const weightKg = clamp(Math.round(bmi * (heightCm / 100) ** 2 * 10) / 10, 0.5, 249.9);
  return { heightCm, weightKg };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
