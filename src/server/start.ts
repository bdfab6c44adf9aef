import type { FastifyInstance } from 'fastify';
import { startAgreementClock } from '../agreements/agreement-clock.ts';
import type { Config } from '../config.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { demoSignIns, loadDemoData } from '../demo/demo-data.ts';
import { startHl7Listener } from '../interop/hl7/mllp-listener.ts';
import { startOutboxSender } from '../messaging/mail-sender.ts';
import { startMonitoringClock } from '../monitoring/sweep.ts';
import { syncShippedProtocols } from '../protocols/protocols.store.ts';
import { buildApp } from './app.ts';

export interface RunningSystem {
  app: FastifyInstance;
  db: Database;
  url: string;
  /** Where the MLLP listener for laboratory results listens. */
  mllp: { host: string; port: number };
  stop(): Promise<void>;
}

/**
 * Opens and migrates the database, loads demo data on the first start in demo mode, and starts the server.
 */
export async function startSystem(
  config: Config,
  log: (line: string) => void = console.log,
): Promise<RunningSystem> {
  const db = await openDatabase(config);
  await migrate(db);
  // In production a new shipped protocol version waits for the service's clinical safety officer;
  // the demo uses them at once.
  await syncShippedProtocols(db, undefined, { approve: config.demo });
  if (config.demo) {
    const [{ users } = { users: 0 }] = await db.query<{ users: number }>(
      'select count(*)::int as users from app_user',
    );
    if (users === 0) {
      log('First start in demo mode: loading demo data…');
      const summary = await loadDemoData(db, { patients: 200, monitoring: true });
      log(
        `Loaded ${summary.organisations} organisations, ${summary.users} people and ${summary.patients} patients.`,
      );
    }
  }
  const app = await buildApp({ db, config, clock: () => new Date() });
  const clock = startAgreementClock(db, app.log);
  const monitoring = startMonitoringClock(db, app.log);
  const outbox = startOutboxSender(db, config, app.log);
  const address = await app.listen({ host: config.host, port: config.port });
  const url = address.replace('127.0.0.1', 'localhost');
  const mllp = await startHl7Listener(db, { ...config.mllp, allowTestRange: config.demo }, app.log).catch(
    async (error: unknown) => {
      // Without its laboratory listener Jointly does not run half-started: everything started is stopped.
      await Promise.all([clock.stop(), monitoring.stop(), outbox.stop()]);
      await app.close();
      await db.close();
      throw error;
    },
  );
  log(
    `Jointly is running at ${url} on ${db.kind === 'embedded' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL'}.`,
  );
  log(`Laboratory results (HL7 v2 over MLLP) are received at ${mllp.host}:${mllp.port}.`);
  if (config.demo) {
    log('Demo mode. Sign in with any of these (password demo-password-1):');
    for (const line of demoSignIns) log(`  ${line}`);
  }
  return {
    app,
    db,
    url,
    mllp: { host: mllp.host, port: mllp.port },
    async stop() {
      await mllp.close();
      await clock.stop();
      await monitoring.stop();
      await outbox.stop();
      await app.close();
      await db.close();
    },
  };
}
