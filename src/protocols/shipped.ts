import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProtocol, type Protocol, type ProtocolProblem } from './protocol.schema.ts';

/**
 * The shared care protocols Jointly ships: every `*.json` file in `./shipped/`, each checked against the protocol
 * schema. Files are read when first asked for (never at import) and kept for the life of the process.
 */

const shippedDir = fileURLToPath(new URL('./shipped/', import.meta.url));

/**
 * Reads and checks every protocol file in a folder, in file-name order. A file's id must be its name without `.json`.
 * Throws one Error naming every bad file and each problem's path, so a reviewer can find them all in one go.
 */
export function loadProtocolsFrom(dir: string): Protocol[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const protocols: Protocol[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const problems: ProtocolProblem[] = [];
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      failures.push(`${file}:\n  (the whole file): not valid JSON (${(error as Error).message})`);
      continue;
    }
    const checked = checkProtocol(data);
    if (checked.ok) {
      const expectedId = basename(file, '.json');
      if (checked.protocol.id === expectedId) protocols.push(deepFreeze(checked.protocol));
      else
        problems.push({
          path: 'id',
          message: `The id must be the file name without .json ("${expectedId}")`,
        });
    } else {
      problems.push(...checked.problems);
    }
    if (problems.length > 0) {
      failures.push(`${file}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`Invalid shared care protocol files in ${dir}:\n${failures.join('\n')}`);
  }
  return protocols;
}

/** Clinical rules are read-only once loaded: no caller can change a dose or threshold for everyone else. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

let cache: { list: Protocol[]; byId: Map<string, Protocol> } | undefined;

function loaded() {
  if (!cache) {
    const list = loadProtocolsFrom(shippedDir);
    cache = { list, byId: new Map(list.map((p) => [p.id, p])) };
  }
  return cache;
}

/** Every shipped protocol, checked; throws if any file is invalid. */
export function loadShippedProtocols(): Protocol[] {
  return [...loaded().list];
}

/** The shipped protocol with this id, if there is one. */
export function shippedProtocol(id: string): Protocol | undefined {
  return loaded().byId.get(id);
}
