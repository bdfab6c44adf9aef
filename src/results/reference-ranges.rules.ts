import { z } from 'zod';
import { type Analyte, analytes } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import ranges from './paediatric-ranges.json' with { type: 'json' };
import { canonicalUnit } from './units.rules.ts';

/**
 * The normal range for a child's age and sex, from the paediatric tables in the clinical reference, for flagging
 * a result whose laboratory gave no range of its own. Ranges are in each analyte's canonical unit.
 */

export type Sex = 'female' | 'male' | 'other' | 'unknown';

export interface PaediatricRange {
  low: number | null;
  high: number | null;
  source: string;
  confirmed: boolean;
  label: string;
}

const band = z
  .object({
    analyte: z.enum(analytes),
    fromYears: z.number().min(0),
    belowYears: z.number().positive().nullable(),
    sex: z.enum(['any', 'female', 'male']),
    low: z.number().nonnegative().nullable(),
    high: z.number().positive().nullable(),
    label: z.string().min(3),
    source: z.string().min(3),
    confirmed: z.boolean(),
  })
  .strict()
  .refine((b) => b.low !== null || b.high !== null, 'A band needs a low or a high end')
  .refine(
    (b) => b.low === null || b.high === null || b.low < b.high,
    'A band’s low end must be below its high end',
  )
  .refine((b) => b.belowYears === null || b.fromYears < b.belowYears, 'A band must end after it starts');
type Band = z.infer<typeof band>;

export const paediatricBands: readonly Band[] = z
  .object({ about: z.string(), bands: z.array(band) })
  .strict()
  .parse(ranges).bands;

export function paediatricRange(analyte: Analyte, ageYears: number, sex: Sex): PaediatricRange | null {
  if (!Number.isFinite(ageYears) || ageYears < 0) return null;
  const matching = paediatricBands.filter(
    (b) =>
      b.analyte === analyte &&
      b.fromYears <= ageYears &&
      (b.belowYears === null || ageYears < b.belowYears) &&
      (b.sex === 'any' || sex === 'other' || sex === 'unknown' || b.sex === sex),
  );
  const [only] = matching;
  if (!only) return null;
  if (matching.length === 1) return pick(only);
  return widest(analyte, matching);
}

function pick(b: Band): PaediatricRange {
  return { low: b.low, high: b.high, source: b.source, confirmed: b.confirmed, label: b.label };
}

/** Sex-specific bands when the child's sex is not recorded as female or male: the wider bound of each. */
function widest(analyte: Analyte, bands: readonly Band[]): PaediatricRange {
  const lows = bands.map((b) => b.low);
  const highs = bands.map((b) => b.high);
  const unit = canonicalUnit(analyte);
  const each = bands.map((b) => `${b.sex} ${formatRange(b.low, b.high)}`).join(', ');
  return {
    low: lows.includes(null) ? null : Math.min(...(lows as number[])),
    high: highs.includes(null) ? null : Math.max(...(highs as number[])),
    source: [...new Set(bands.map((b) => b.source))].join('; '),
    confirmed: bands.every((b) => b.confirmed),
    label: `${bands[0]?.label.replace(/ (female|male)/, '')} (${each} ${unit}; sex not recorded as female or male, so the wider bound)`,
  };
}

function formatRange(low: number | null, high: number | null): string {
  if (low !== null && high !== null) return `${formatNumber(low)}–${formatNumber(high)}`;
  return low === null ? `up to ${formatNumber(high ?? 0)}` : `at least ${formatNumber(low)}`;
}
