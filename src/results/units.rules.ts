import type { Analyte } from '../protocols/protocol.schema.ts';
import { formatNumber } from '../protocols/protocol-words.rules.ts';
import { analyteNames } from './panels.ts';
import { resultUnits, type UnitConversion } from './units.ts';

/**
 * One unit per blood test. A result in another unit is converted when the unit is one laboratories use for
 * that test, and refused otherwise: a unit is never guessed.
 */

/** How a unit is compared: case, spaces, ^ and *, superscripts, the micro sign and a leading × do not matter. */
export function unitKey(unit: string): string {
  return unit
    .normalize('NFKC') // 10⁹ → 109, m² → m2, µ (micro sign) → μ (Greek mu)
    .toLowerCase()
    .replace(/μ/g, 'u')
    .replace(/×/g, 'x')
    .replace(/[\s^*]/g, '')
    .replace(/^x(?=10)/, '');
}

const conversionsByKey = new Map<Analyte, Map<string, UnitConversion>>(
  Object.entries(resultUnits).map(([analyte, units]) => [
    analyte as Analyte,
    new Map(units.conversions.flatMap((c) => c.spellings.map((s) => [unitKey(s), c] as const))),
  ]),
);

export function canonicalUnit(analyte: Analyte): string {
  return resultUnits[analyte].canonical;
}

/** The units a result for this analyte may be given in, as they are usually written. */
export function acceptedUnits(analyte: Analyte): string[] {
  return resultUnits[analyte].conversions.flatMap((c) => c.spellings);
}

export type CanonicalValue = { ok: true; value: number; unit: string } | { ok: false; message: string };

export function toCanonical(analyte: Analyte, value: number, unit: string): CanonicalValue {
  const name = analyteNames[analyte];
  if (!Number.isFinite(value)) return { ok: false, message: `${name}: the value must be a number.` };
  const accepted = acceptedUnits(analyte).join(', ');
  if (unit.trim() === '') return { ok: false, message: `${name}: give the unit, one of ${accepted}.` };
  const conversion = conversionsByKey.get(analyte)?.get(unitKey(unit));
  if (!conversion) {
    return {
      ok: false,
      message: `${name}: “${unit.trim()}” is not a unit Jointly accepts for this test. Give it in one of ${accepted}.`,
    };
  }
  return { ok: true, value: convert(value, conversion.factor), unit: canonicalUnit(analyte) };
}

/**
 * Exact factors (1, 10, 60) keep every digit the laboratory gave, without floating-point noise; factors from a
 * molar mass are themselves known to about four significant figures, so the result is given to four.
 */
function convert(value: number, factor: number): number {
  if (factor === 1) return value;
  const significant = Number.isInteger(factor) ? 12 : 4;
  return Number((value * factor).toPrecision(significant));
}

/** Why a value in the canonical unit cannot be a real result, or null when it can. */
export function impossibleValue(analyte: Analyte, canonicalValue: number): string | null {
  const name = analyteNames[analyte];
  if (!Number.isFinite(canonicalValue)) return `${name}: the value must be a number.`;
  if (canonicalValue < 0) return `${name} cannot be negative (${formatNumber(canonicalValue)} was given).`;
  const { canonical, plausible } = resultUnits[analyte];
  const given = `${name} ${formatNumber(canonicalValue)} ${canonical}`;
  if (canonicalValue < plausible.min) {
    const hint = plausible.belowHint ? ` — ${plausible.belowHint}` : '.';
    return `${given} is not physiologically possible (below ${formatNumber(plausible.min)} ${canonical}): check the value and its unit${hint}`;
  }
  if (canonicalValue > plausible.max) {
    return `${given} is not physiologically possible (above ${formatNumber(plausible.max)} ${canonical}): check the value and its unit.`;
  }
  return null;
}
