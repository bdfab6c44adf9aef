import { readFileSync } from 'node:fs';
import { checkProtocol } from './protocol.schema.ts';
import { parseProtocolText } from './protocol-versions.ts';

/**
 * `jointly protocol check FILE`: says whether a protocol file passes the schema, naming the path of each
 * problem so a reviewer can find it. Needs no database. Returns the exit code: 0 valid, 1 not.
 */
export function checkProtocolFile(
  file: string,
  out: { log(line: string): void; error(line: string): void } = console,
): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    out.error(
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
    return 1;
  }
  const parsed = parseProtocolText(text);
  const checked = parsed.ok ? checkProtocol(parsed.data) : parsed;
  if (checked.ok) {
    out.log(`${file}: valid protocol ${checked.protocol.id} version ${checked.protocol.version}`);
    return 0;
  }
  out.error(`${file}: not a valid protocol`);
  for (const problem of checked.problems) out.error(`${problem.path}: ${problem.message}`);
  return 1;
}
