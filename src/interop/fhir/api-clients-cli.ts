import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { JointlyError } from '../../kernel/errors.ts';
import {
  commandLine,
  createApiClient,
  revokeClient,
  roleWords,
  TOKEN_LIFETIME_SECONDS,
} from './api-clients.ts';

type Flags = Record<string, string | boolean | undefined>;

/**
 * `jointly api-client add --organisation CODE --name NAME [--role ROLE]` prints the client id and secret
 * (shown this once); `jointly api-client revoke ID` revokes one. Returns the exit code.
 */
export async function apiClientCommand(
  db: Database,
  config: Config,
  args: string[],
  flags: Flags,
  out: { log(line: string): void; error(line: string): void } = console,
): Promise<number> {
  const [sub, id] = args;
  try {
    if (sub === 'revoke' && id) {
      await revokeClient(db, id, commandLine, new Date());
      out.log(`Revoked API client ${id}: it can get no more tokens and its tokens no longer work.`);
      return 0;
    }
    const { client, secret } = await createApiClient(
      db,
      {
        name: typeof flags.name === 'string' ? flags.name : '',
        organisationCode: typeof flags.organisation === 'string' ? flags.organisation : '',
        role: typeof flags.role === 'string' ? flags.role : undefined,
      },
      commandLine,
      new Date(),
    );
    for (const line of [
      `Added API client "${client.name}" for ${client.organisationCode} (${client.organisationName}), acting as ${roleWords(client.role)}.`,
      `  client_id:     ${client.id}`,
      `  client_secret: ${secret}`,
      'The secret is shown only this once: Jointly keeps only its hash.',
      `Get a bearer token (it lasts ${TOKEN_LIFETIME_SECONDS / 60} minutes) with`,
      `  curl -d grant_type=client_credentials -d client_id=${client.id} -d client_secret=… ${config.publicUrl}/fhir/R4/token`,
    ]) {
      out.log(line);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof JointlyError)) throw error;
    const flag = (field: string) => ({ organisationCode: 'organisation' })[field] ?? field;
    out.error(
      `Not done: ${error.fields.map((f) => `--${flag(f.field)}: ${f.message}`).join('; ') || error.message}`,
    );
    return 1;
  }
}
