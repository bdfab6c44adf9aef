import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const jointly = new URL('../../bin/jointly.js', import.meta.url).pathname;

/** The `jointly` command as an operator uses it, on its own embedded database in a temporary folder. */
describe('the jointly command', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, JOINTLY_DATA_DIR: dataDir, JOINTLY_DEMO: 'false', DATABASE_URL: '' });
  const cli = (...args: string[]) => run(process.execPath, [jointly, ...args], { env: env() });

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'jointly-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('migrate creates the schema, and a second run finds it up to date', async () => {
    assert.match((await cli('migrate')).stdout, /Applied migrations 1/);
    assert.match((await cli('migrate')).stdout, /up to date/);
  });

  test('user add refuses a weak password, naming the flag, and adds nothing', async () => {
    const result = await cli(
      'user',
      'add',
      '--email',
      'admin@example.nhs.uk',
      '--name',
      'Sam Admin',
      '--role',
      'service_administrator',
      '--organisation',
      'SC999',
      '--password',
      'password1234',
    ).catch((e) => e);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--password: Password is too common/);
  });

  test('user add refuses an organisation that does not exist', async () => {
    const result = await cli(
      'user',
      'add',
      '--email',
      'admin@example.nhs.uk',
      '--name',
      'Sam Admin',
      '--role',
      'service_administrator',
      '--organisation',
      'SC999',
      '--password',
      'kettle-orbit-lantern-42',
    ).catch((e) => e);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--organisation: There is no organisation with the code SC999/);
  });

  test('audit verify reports an intact trail, and audit export writes CSV', async () => {
    assert.match((await cli('audit', 'verify')).stdout, /Audit trail intact: 0 entries/);
    const out = join(dataDir, 'audit.csv');
    await cli('audit', 'export', '--out', out);
    assert.match(readFileSync(out, 'utf8'), /^seq,occurred_at,user_email,role/);
  });

  test('an unknown command prints the usage and fails', async () => {
    const result = await cli('frobnicate').catch((e) => e);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Usage: jointly <command>/);
  });
});
