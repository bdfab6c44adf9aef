import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { type RunningSystem, startSystem } from '../src/server/start.ts';

/** A whole Jointly, started the way `npm start` starts it: embedded database, demo data, a real port. */
export async function startJointly(): Promise<RunningSystem & { close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jointly-e2e-'));
  const config = loadConfig({
    JOINTLY_DATA_DIR: dataDir,
    PORT: '0',
    JOINTLY_MLLP_PORT: '0',
    JOINTLY_LOG_LEVEL: 'silent',
    JOINTLY_DEMO: 'true',
  });
  const system = await startSystem(config, () => {});
  return {
    ...system,
    async close() {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
