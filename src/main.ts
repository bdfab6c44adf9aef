import { parseArgs } from 'node:util';
import { runCommand } from './cli/commands.ts';

/**
 * `jointly <command>`: start the server, migrate, load demo data, add users, export and verify the audit trail,
 * send the e-mail outbox.
 */
const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    patients: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    password: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  },
  strict: false,
});

try {
  const code = await runCommand(positionals, values);
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
