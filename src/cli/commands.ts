import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { sweepAgreementClocks } from '../agreements/agreement-clock.ts';
import { verifyAuditChain } from '../audit/audit.store.ts';
import { exportAuditCsv } from '../audit/audit-export.ts';
import { loadConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { demoDataLoaded, loadDemoData } from '../demo/demo-data.ts';
import { apiClientCommand } from '../interop/fhir/api-clients-cli.ts';
import { todayInUk } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { mailTransport, sendWaitingEmails } from '../messaging/mail-sender.ts';
import { outboxCounts } from '../messaging/outbox.store.ts';
import { sweepAndAudit } from '../monitoring/sweep.ts';
import { createUser } from '../people/users.ts';
import { checkProtocolFile } from '../protocols/protocol-file.ts';
import { syncShippedProtocols } from '../protocols/protocols.store.ts';
import { startSystem } from '../server/start.ts';

type Flags = Record<string, string | boolean | undefined>;

const usage = `Usage: jointly <command>

  start                      start the web server (migrates first; demo data on first start in demo mode)
  migrate                    bring the database schema up to date
  demo [--patients N]        load demo organisations, people and N synthetic patients (default 200)
  user add --email E --name N --role R [--organisation CODE] [--password P]
                             add a user (asks for the password when not given)
  audit export [--from DATE] [--to DATE] [--out FILE]
                             write the audit trail as CSV (to standard output unless --out)
  audit verify               check the audit trail's hash chain
  agreements sweep           run the shared care response clock now (reminders, no response, transfer dates)
  monitoring sweep           run the blood monitoring overdue ladder now (statuses, reminders, tasks, escalations)
  outbox send                send the e-mails waiting in the outbox now (needs JOINTLY_SMTP_HOST)
  protocol check FILE        check a shared care protocol file against the schema (no database needed)
  api-client add --organisation CODE --name NAME [--role ROLE]
                             add a FHIR API client for an organisation; prints its id and secret once
  api-client revoke ID       revoke an API client: its tokens stop working at once

Configuration comes from the environment: DATABASE_URL, PORT, JOINTLY_DATA_DIR, JOINTLY_DEMO, …`;

/** Runs one command; returns the process exit code (undefined while a server keeps running). */
export async function runCommand(args: string[], flags: Flags): Promise<number | undefined> {
  const [command, sub] = args;
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const system = await startSystem(config);
      const stop = async () => {
        await system.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      return undefined;
    }
    case 'migrate':
      return withDatabase(config, async (db) => {
        const applied = await migrate(db);
        console.log(
          applied.length ? `Applied migrations ${applied.join(', ')}.` : 'The database is up to date.',
        );
        return 0;
      });
    case 'demo':
      return withDatabase(config, async (db) => {
        await migrate(db);
        const alreadyLoaded = await demoDataLoaded(db);
        // Without --patients, a second run refuses rather than quietly adding another 200 children.
        const patients = flags.patients === undefined ? (alreadyLoaded ? 0 : 200) : Number(flags.patients);
        if (!Number.isInteger(patients) || patients < 0) throw new Error('--patients must be a whole number');
        // Blood monitoring needs approved protocols: in demo mode the shipped ones are approved, as at start-up.
        if (config.demo) await syncShippedProtocols(db, undefined, { approve: true });
        const summary = await loadDemoData(db, { patients, monitoring: config.demo });
        console.log(
          alreadyLoaded
            ? `Added ${summary.patients} synthetic patients.`
            : `Loaded ${summary.organisations} organisations, ${summary.users} people and ${summary.patients} patients.`,
        );
        return 0;
      });
    case 'user':
      if (sub !== 'add') break;
      return withDatabase(config, async (db) => {
        await migrate(db);
        const password =
          typeof flags.password === 'string'
            ? flags.password
            : await askHidden('Password for the new user: ');
        try {
          await createUser(db, {
            email: String(flags.email ?? ''),
            displayName: String(flags.name ?? ''),
            role: String(flags.role ?? '') as never,
            organisationCode: typeof flags.organisation === 'string' ? flags.organisation : undefined,
            password,
          });
        } catch (error) {
          if (error instanceof JointlyError) {
            console.error(
              `Not added: ${error.fields.map((f) => `--${flagName(f.field)}: ${f.message}`).join('; ') || error.message}`,
            );
            return 1;
          }
          throw error;
        }
        console.log(`Added ${String(flags.email).toLowerCase()}.`);
        return 0;
      });
    case 'audit':
      if (sub === 'verify') {
        return withDatabase(config, async (db) => {
          const result = await verifyAuditChain(db);
          if (result.ok) {
            console.log(`Audit trail intact: ${result.entries} entries, every hash matches.`);
            return 0;
          }
          console.error(
            `Audit trail broken at entry ${result.problem.seq}: ${result.problem.problem} (after ${result.entries} good entries).`,
          );
          return 2;
        });
      }
      if (sub === 'export') {
        return withDatabase(config, async (db) => {
          const out = typeof flags.out === 'string' ? createWriteStream(flags.out) : process.stdout;
          const rows = await exportAuditCsv(
            db,
            { from: str(flags.from), to: str(flags.to) },
            out as Writable,
          );
          if (out !== process.stdout) {
            await new Promise<void>((resolve) => (out as Writable).end(resolve));
            console.error(`Wrote ${rows} audit entries to ${flags.out}.`);
          }
          return 0;
        });
      }
      break;
    case 'protocol':
      if (sub !== 'check' || !args[2]) break;
      return checkProtocolFile(args[2]);
    case 'agreements':
      if (sub !== 'sweep') break;
      return withDatabase(config, async (db) => {
        await migrate(db);
        const counts = await sweepAgreementClocks(db, todayInUk());
        console.log(
          `Shared care clock: ${counts.remindersSent} reminders sent, ${counts.markedNoResponse} requests marked no response, ${counts.activated} agreements made active.`,
        );
        return 0;
      });
    case 'monitoring':
      if (sub !== 'sweep') break;
      return withDatabase(config, async (db) => {
        await migrate(db);
        const r = await sweepAndAudit(db, new Date());
        console.log(
          `Monitoring sweep for ${r.today}: ${r.statusesChanged} statuses changed, ${r.familyReminders} family reminders, ${r.practiceTasks} tests due, ${r.teamAlerts} overdue alerts to the team, ${r.withholdAdvice} withholding advice, ${r.redResultsEscalated} red results escalated.`,
        );
        return 0;
      });
    case 'outbox':
      if (sub !== 'send') break;
      return withDatabase(config, async (db) => {
        await migrate(db);
        const transport = mailTransport(config.mail);
        if (!transport) {
          const { waiting } = await outboxCounts(db);
          console.error(`JOINTLY_SMTP_HOST is not set: ${waiting} e-mails wait in the outbox.`);
          return 1;
        }
        try {
          const counts = await sendWaitingEmails(db, transport, {
            from: config.mail.from,
            publicUrl: config.publicUrl,
            log: { info: () => {}, error: (details) => console.error(JSON.stringify(details)) },
          });
          console.log(
            `Outbox: ${counts.sent} e-mails sent, ${counts.retrying} to try again later, ${counts.givenUp} given up.`,
          );
          return counts.retrying + counts.givenUp > 0 ? 2 : 0;
        } finally {
          transport.close();
        }
      });
    case 'api-client':
      if (sub !== 'add' && !(sub === 'revoke' && args[2])) break;
      return withDatabase(config, async (db) => {
        await migrate(db);
        return apiClientCommand(db, config, args.slice(1), flags);
      });
    case undefined:
    case 'help':
      console.log(usage);
      return 0;
  }
  console.error(`Unknown command: ${args.join(' ')}\n\n${usage}`);
  return 1;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function flagName(field: string): string {
  return { displayName: 'name', organisationCode: 'organisation' }[field] ?? field;
}

async function withDatabase(config: ReturnType<typeof loadConfig>, work: (db: Database) => Promise<number>) {
  const db = await openDatabase(config);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Reads a password from the terminal without echoing it. */
async function askHidden(prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  process.stdout.write(prompt);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  const answer = await rl.question('');
  rl.close();
  process.stdout.write('\n');
  return answer;
}
