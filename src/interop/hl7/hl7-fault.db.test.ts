import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openEmbedded } from '../../db/database.ts';
import { ackCode, fbc, lft, MllpClient, oruMessage } from './hl7.testing.ts';

const run = promisify(execFile);
const jointly = new URL('../../../bin/jointly.js', import.meta.url).pathname;
const RESULTS_PER_MESSAGE = 7;

/**
 * The fault test: the real server (`jointly start`, as `npm start` runs it) is killed with SIGKILL while a
 * laboratory streams messages to it. After a restart on the same data, the laboratory sends again whatever was
 * not acknowledged (as MLLP senders do). Every message that got AA must then be in the database exactly once,
 * with its results exactly once.
 */
describe('a server killed mid-stream loses no acknowledged result and stores none twice', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jointly-hl7-fault-'));
    // The demo's named children only (no 200 synthetic ones): start-up then finds demo data and loads no more.
    await run(process.execPath, [jointly, 'demo', '--patients', '0'], {
      env: { ...process.env, JOINTLY_DATA_DIR: dataDir, JOINTLY_DEMO: 'true', DATABASE_URL: '' },
    });
  });
  after(() => {
    server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ process: ChildProcess; mllpPort: number }> {
    const [webPort, mllpPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [jointly, 'start'], {
      env: {
        ...process.env,
        JOINTLY_DATA_DIR: dataDir,
        PORT: String(webPort),
        JOINTLY_MLLP_PORT: String(mllpPort),
        JOINTLY_DEMO: 'true',
        JOINTLY_LOG_LEVEL: 'silent',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 180_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Laboratory results \(HL7 v2 over MLLP\) are received at/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}): ${output}`));
      });
    });
    return { process: child, mllpPort };
  }

  const message = (n: number) => oruMessage({ controlId: `FAULT-${n}`, orders: [fbc(), lft()] });

  /** Sends messages in order until `stop` says so or the connection goes; returns the control numbers acknowledged AA. */
  async function stream(
    port: number,
    numbers: number[],
    onAck: (acked: number) => void = () => {},
  ): Promise<number[]> {
    const acked: number[] = [];
    const client = await MllpClient.connect(port);
    for (const n of numbers) {
      const ack = await client.send(message(n)).catch(() => null);
      if (ack === null) break;
      assert.equal(ackCode(ack), 'AA', ack);
      acked.push(n);
      onAck(acked.length);
    }
    await client.close();
    return acked;
  }

  test('SIGKILL during the stream, restart, send again what was not acknowledged', {
    timeout: 600_000,
  }, async () => {
    const first = await start();
    const all = Array.from({ length: 60 }, (_, i) => i + 1);
    // Killed a few milliseconds after the 15th acknowledgement, while later messages are on their way.
    const ackedBeforeKill = await stream(first.mllpPort, all, (count) => {
      if (count === 15) setTimeout(() => first.process.kill('SIGKILL'), 3);
    });
    await new Promise((resolve) =>
      first.process.exitCode === null ? first.process.once('exit', resolve) : resolve(null),
    );
    assert.ok(
      ackedBeforeKill.length >= 15 && ackedBeforeKill.length < all.length,
      `acked ${ackedBeforeKill.length}`,
    );

    const second = await start();
    const unacknowledged = all.filter((n) => !ackedBeforeKill.includes(n));
    // A sender that never saw an ACK sends again; the last few acknowledged ones are sent again too.
    const resent = [...ackedBeforeKill.slice(-3), ...unacknowledged];
    const ackedAfter = await stream(second.mllpPort, resent);
    assert.deepEqual(ackedAfter, resent, 'after the restart every message is acknowledged');
    second.process.kill('SIGTERM');
    await new Promise((resolve) => second.process.once('exit', resolve));
    server = undefined;

    const db = await openEmbedded(join(dataDir, 'db'));
    try {
      const messages = await db.query<{ control_id: string; copies: number; status: string }>(
        `select control_id, count(*)::int as copies, min(status) as status from hl7_message
         where control_id like 'FAULT-%' group by control_id`,
      );
      const results = await db.query<{ control_id: string; copies: number }>(
        `select split_part(external_id, '|', 2) as control_id, count(*)::int as copies from lab_result
         where source = 'hl7' and external_id like 'LH001|FAULT-%' group by 1`,
      );
      const byId = new Map(messages.map((m) => [m.control_id, m]));
      const resultsById = new Map(results.map((r) => [r.control_id, r.copies]));
      for (const n of new Set([...ackedBeforeKill, ...ackedAfter])) {
        const id = `FAULT-${n}`;
        assert.equal(byId.get(id)?.copies, 1, `${id} acknowledged and stored once`);
        assert.equal(byId.get(id)?.status, 'stored');
        assert.equal(resultsById.get(id), RESULTS_PER_MESSAGE, `${id}'s results stored once each`);
      }
      assert.equal(messages.length, all.length, 'no message stored that was never sent');
    } finally {
      await db.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
