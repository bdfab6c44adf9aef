import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openEmbedded } from '../../db/database.ts';
import { testApp } from '../../testing/app.ts';

const run = promisify(execFile);
const jointly = new URL('../../../bin/jointly.js', import.meta.url).pathname;

/** `jointly api-client` as an operator uses it, on an embedded database in a temporary folder. */
describe('jointly api-client', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, JOINTLY_DATA_DIR: dataDir, JOINTLY_DEMO: 'false', DATABASE_URL: '' });
  const cli = (...args: string[]) => run(process.execPath, [jointly, ...args], { env: env() });

  /** Asks the API for a token with the credentials, then for the practice's patient by NHS number. */
  async function tryCredential(clientId: string, secret: string) {
    const db = await openEmbedded(join(dataDir, 'db'));
    const t = await testApp(db);
    try {
      const token = await t.app.inject({
        method: 'POST',
        url: '/fhir/R4/token',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      });
      if (token.statusCode !== 200) return { tokenStatus: token.statusCode, patients: [] };
      const search = await t.app.inject({
        method: 'GET',
        url: '/fhir/R4/Patient?identifier=9990000018',
        headers: { authorization: `Bearer ${token.json().access_token}` },
      });
      const bundle = search.json() as { entry?: { resource: { name: { family: string }[] } }[] };
      return { tokenStatus: 200, patients: (bundle.entry ?? []).map((e) => e.resource.name[0]!.family) };
    } finally {
      await t.close();
      await db.close();
    }
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jointly-api-client-'));
    await cli('demo', '--patients', '0');
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  let clientId = '';
  let secret = '';

  test('api-client add prints a client id and secret that get a token and read the practice’s patient', async () => {
    const { stdout } = await cli(
      'api-client',
      'add',
      '--organisation',
      'GP001',
      '--name',
      'Riverside GP system',
    );
    assert.match(
      stdout,
      /Added API client "Riverside GP system" for GP001 \(Riverside Surgery\), acting as practice nurse/,
    );
    clientId = /client_id:\s+(\S+)/.exec(stdout)?.[1] ?? '';
    secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1] ?? '';
    assert.deepEqual(await tryCredential(clientId, secret), { tokenStatus: 200, patients: ['Hart'] });
  });

  test('api-client add refuses an organisation that does not exist, or a role it cannot have, naming the flag', async () => {
    const missing = await cli('api-client', 'add', '--organisation', 'XX999', '--name', 'Nobody').catch(
      (e) => e,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--organisation: There is no organisation with the code XX999/);
    const role = await cli(
      'api-client',
      'add',
      '--organisation',
      'GP001',
      '--name',
      'X',
      '--role',
      'consultant',
    ).catch((e) => e);
    assert.equal(role.code, 1);
    assert.match(
      role.stderr,
      /--role: A client of Riverside Surgery can act as gp, practice nurse, practice pharmacist/,
    );
  });

  test('api-client revoke stops the credential working', async () => {
    assert.match((await cli('api-client', 'revoke', clientId)).stdout, /Revoked API client/);
    assert.deepEqual(await tryCredential(clientId, secret), { tokenStatus: 401, patients: [] });
  });
});
