import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = join(root, 'src/protocols/shipped/methotrexate-oral-jia.json');
const dir = mkdtempSync(join(tmpdir(), 'jointly-protocol-check-'));

/** Runs the real command, as a reviewer would, with no database configured. */
function jointly(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/jointly.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', JOINTLY_DATA_DIR: join(dir, 'data') },
  });
}

describe('jointly protocol check FILE', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a shipped protocol file is valid', () => {
    const run = jointly('protocol', 'check', shipped);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), `${shipped}: valid protocol methotrexate-oral-jia version 1.1`);
  });

  test('a broken file fails, naming the path of each problem', () => {
    const broken = JSON.parse(readFileSync(shipped, 'utf8'));
    broken.dosing.maximumMg = 25;
    delete broken.gpResponse.reminderDay.source;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const run = jointly('protocol', 'check', file);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /broken\.json: not a valid protocol/);
    assert.match(run.stderr, /^dosing\.maximumMg: Write each number with its source/m);
    assert.match(run.stderr, /^gpResponse\.reminderDay\.source: Say where this comes from/m);
  });

  test('a file that is not JSON, or not there, fails and says why', () => {
    const file = join(dir, 'half.json');
    writeFileSync(file, '{ "id": ');
    const half = jointly('protocol', 'check', file);
    assert.equal(half.status, 1);
    assert.match(half.stderr, /\(the whole file\): Not valid JSON/);
    const missing = jointly('protocol', 'check', join(dir, 'nowhere.json'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nowhere\.json: cannot be read \(ENOENT\)/);
  });
});
