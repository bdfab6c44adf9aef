/**
 * Version numbers of a protocol ("1.0", "1.2.3") and what changed between two versions, so that a clinical
 * safety officer approving a local version sees exactly which rules and numbers differ from the one in use.
 */

function parts(version: string): number[] {
  return version.split('.').map(Number);
}

/** Negative when `a` is the earlier version; "1.1" and "1.1.0" are the same version. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The next minor version after the highest of `versions`: ["1.0", "1.2.1"] → "1.3". */
export function suggestNextVersion(versions: readonly string[]): string {
  const highest = [...versions].sort(compareVersions).at(-1);
  if (!highest) return '1.0';
  const [major = 1, minor = 0] = parts(highest);
  return `${major}.${minor + 1}`;
}

/**
 * Why a new version number cannot be used for a protocol that already has `existing` versions, or undefined
 * when it can: it must be new and higher than every earlier one, so "newest" always means "highest".
 */
export function versionNumberProblem(
  protocolId: string,
  version: string,
  existing: readonly string[],
): { kind: 'taken' | 'lower'; message: string } | undefined {
  const next = suggestNextVersion([...existing, version]);
  if (existing.some((v) => compareVersions(v, version) === 0)) {
    return {
      kind: 'taken',
      message: `Version ${version} of ${protocolId} already exists, and a stored version never changes. Give this one a new number, such as ${next}.`,
    };
  }
  const highest = [...existing].sort(compareVersions).at(-1);
  if (highest && compareVersions(highest, version) > 0) {
    return {
      kind: 'lower',
      message: `Version ${version} is lower than version ${highest} of ${protocolId}, which already exists. Give this one a higher number, such as ${next}.`,
    };
  }
  return undefined;
}

export interface ProtocolDifference {
  /** Where in the file, e.g. "dosing.rangeMax.value". */
  path: string;
  before: string;
  after: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const shown = (value: Json | undefined): string =>
  value === undefined ? '(not there)' : typeof value === 'string' ? value : JSON.stringify(value);

/** Every value that differs between two versions of a protocol, by path; the version number itself left out. */
export function protocolDifferences(before: unknown, after: unknown): ProtocolDifference[] {
  const differences: ProtocolDifference[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, path: string[]) => {
    const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
    if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) {
        walk((a as Record<string, Json>)[key], (b as Record<string, Json>)[key], [...path, key]);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push({ path: path.join('.') || '(the whole file)', before: shown(a), after: shown(b) });
    }
  };
  walk(before as Json, after as Json, []);
  return differences.filter((d) => d.path !== 'version');
}
