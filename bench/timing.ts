/** Times taken by repeated calls, and the figures a reader of the benchmark wants from them. */
export interface Timings {
  p50: number;
  p99: number;
  mean: number;
  /** The mean number of rows each call returned, so a fast figure can be told from an empty answer. */
  meanRows: number;
}

/** Runs `call` once per input (after `warmUp` untimed calls) and summarises the times in milliseconds. */
export async function timeCalls<T>(
  inputs: readonly T[],
  warmUp: readonly T[],
  call: (input: T) => Promise<number>,
): Promise<Timings> {
  for (const input of warmUp) await call(input);
  const times: number[] = [];
  let rows = 0;
  for (const input of inputs) {
    const start = performance.now();
    rows += await call(input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    p50: nearestRank(times, 0.5),
    p99: nearestRank(times, 0.99),
    mean: times.reduce((sum, t) => sum + t, 0) / Math.max(1, times.length),
    meanRows: rows / Math.max(1, inputs.length),
  };
}

function nearestRank(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** A fixed-width table: the first columns left-aligned text, the rest right-aligned figures. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: number,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function ms(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

/** A size from the environment (BENCH_…), a whole number above 0, or undefined when not set. */
export function optionalWholeNumber(variable: string): number | undefined {
  const value = process.env[variable];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${variable} must be a whole number above 0`);
  return number;
}

/** A size from the environment, or the benchmark's default. */
export function wholeNumber(variable: string, fallback: number): number {
  return optionalWholeNumber(variable) ?? fallback;
}

/** Indents every line of a printed table. */
export function indent(text: string, spaces = 2): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}
