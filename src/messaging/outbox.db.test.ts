import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AMELIA, type SharedCareWorld, sharedCareWorld } from '../agreements/agreements.testing.ts';
import type { Database } from '../db/database.ts';
import { openTask, openTasksTogether } from '../tasks/tasks.store.ts';
import { testDatabases } from '../testing/databases.ts';
import { startOutboxSender } from './mail-sender.ts';
import { keptLog, mailConfig, startTestMailServer, type TestMailServer } from './messaging.testing.ts';
import { linkTo } from './outbox.rules.ts';
import { claimBatch, type NewEmail, queueEmails } from './outbox.store.ts';

interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  kind: string;
  attempts: number;
  last_error: string | null;
  send_after: Date;
  sent_at: Date | null;
  failed_at: Date | null;
}

const clinicalDetail = /Amelia|Hart|9990000018|999 000 0018|methotrexate/i;

async function outboxAbout(db: Database, aboutIds: string[]): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(
    'select * from email_outbox where about_id = any($1::uuid[]) order by to_address',
    [aboutIds],
  );
}

async function taskIds(db: Database, subjectId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>('select id from task where subject_id = $1', [subjectId]);
  return rows.map((r) => r.id);
}

function notice(to: string, about = randomUUID()): NewEmail {
  return {
    toAddress: to,
    subject: 'Jointly: new task for GP001',
    body: `There is new work for Riverside Surgery in Jointly. Sign in to see it: ${linkTo('/tasks')}`,
    kind: 'new-task',
    aboutId: about,
  };
}

/** A clock a test moves by hand, a second ahead of the database's so that what was just queued is due. */
function handClock() {
  const clock = { now: new Date(Date.now() + 1000), read: () => clock.now };
  return clock;
}

const secondsLater = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

for (const database of testDatabases()) {
  describe(`e-mail for new tasks (${database.name})`, () => {
    let w: SharedCareWorld;
    let mail: TestMailServer;
    let orgs: Record<string, string>;
    before(async () => {
      w = await sharedCareWorld(database);
      mail = await startTestMailServer();
      const rows = await w.db.query<{ id: string; code: string }>('select id, code from organisation');
      orgs = Object.fromEntries(rows.map((r) => [r.code, r.id]));
    });
    after(async () => {
      await mail.close();
      await w.close();
    });

    test('a shared care request is e-mailed to the practice’s inbox, and delivered with the link but no clinical detail', async () => {
      await w.db.query("update organisation set email = 'riverside.surgery@nhs.test' where code = 'GP001'");
      const orderId = await w.orderFor(AMELIA, 'methotrexate-oral-jia');
      const consultant = await w.as('consultant');
      const created = await consultant.api('POST', `/api/patients/${w.ids[AMELIA]}/agreements`, {
        medicationOrderId: orderId,
      });
      assert.equal(created.statusCode, 201, created.body);
      const agreementId = created.json().id as string;
      const sent = await consultant.api(
        'POST',
        `/api/patients/${w.ids[AMELIA]}/agreements/${agreementId}/steps`,
        { kind: 'request' },
      );
      assert.equal(sent.statusCode, 200, sent.body);

      const queued = await outboxAbout(w.db, await taskIds(w.db, agreementId));
      assert.equal(queued.length, 1, 'one e-mail, to the practice’s own inbox and no one else');
      const [email] = queued;
      assert.equal(email!.to_address, 'riverside.surgery@nhs.test');
      assert.equal(email!.subject, 'Jointly: new task for GP001');
      assert.doesNotMatch(`${email!.subject} ${email!.body}`, clinicalDetail);

      const log = keptLog();
      const sender = startOutboxSender(w.db, mailConfig(mail.port), log, { everyMs: 3_600_000 });
      try {
        await sender.sendNow();
      } finally {
        await sender.stop();
      }
      const delivered = mail.received.filter((m) => m.to.includes('riverside.surgery@nhs.test'));
      assert.equal(delivered.length, 1);
      assert.match(delivered[0]!.text, /There is new work for Riverside Surgery in Jointly/);
      assert.match(delivered[0]!.text, /Sign in to see it: https:\/\/jointly\.example\.nhs\.uk\/tasks/);
      assert.doesNotMatch(delivered[0]!.text, clinicalDetail);
      assert.equal(delivered[0]!.messageId, `<${email!.id}@jointly>`);
      const [marked] = await w.db.query<OutboxRow>('select * from email_outbox where id = $1', [email!.id]);
      assert.ok(marked?.sent_at, 'marked sent');
      assert.equal(marked?.attempts, 1);
      assert.doesNotMatch(log.lines.join('\n'), /riverside|Riverside Surgery|new work/);
    });

    test('without an inbox each active clinician is e-mailed, never administrators, and only for tasks newly opened', async () => {
      const patientId = w.ids[AMELIA]!;
      const first = randomUUID();
      const task = {
        organisationId: orgs.SC001!,
        patientId,
        kind: 'dose-changed',
        title: 'Dose changed for Amelia Hart',
        subjectId: first,
        dueOn: null,
      };
      assert.equal(await openTask(w.db, task), true);
      const once = await outboxAbout(w.db, await taskIds(w.db, first));
      assert.deepEqual(
        once.map((e) => e.to_address),
        ['consultant@demo.test', 'nurse@demo.test'],
      );
      assert.ok(once.every((e) => e.subject === 'Jointly: new task for SC001'));
      assert.doesNotMatch(once.map((e) => e.body).join(' '), clinicalDetail);

      assert.equal(await openTask(w.db, task), false, 'the same task is already open');
      assert.equal((await outboxAbout(w.db, await taskIds(w.db, first))).length, 2, 'no second e-mail');

      await w.db.query("update app_user set is_active = false where email = 'nurse@demo.test'");
      const second = randomUUID();
      const third = randomUUID();
      const opened = await openTasksTogether(w.db, [
        { ...task, subjectId: second },
        { ...task, organisationId: orgs.GP002!, subjectId: third },
        task,
      ]);
      assert.equal(opened, 2);
      assert.deepEqual(
        (await outboxAbout(w.db, await taskIds(w.db, second))).map((e) => e.to_address),
        ['consultant@demo.test'],
        'a closed account is not written to',
      );
      assert.deepEqual(
        (await outboxAbout(w.db, await taskIds(w.db, third))).map((e) => [e.to_address, e.subject]),
        [['gp2@demo.test', 'Jointly: new task for GP002']],
      );
    });

    test('a task rolled back takes its e-mail with it', async () => {
      const count = async () =>
        (await w.db.query<{ n: number }>('select count(*)::int as n from email_outbox'))[0]!.n;
      const before = await count();
      const subjectId = randomUUID();
      await assert.rejects(
        w.db.transaction(async (tx) => {
          await openTask(tx, {
            organisationId: orgs.GP002!,
            patientId: w.ids[AMELIA]!,
            kind: 'dose-changed',
            title: 'Dose changed',
            subjectId,
            dueOn: null,
          });
          throw new Error('the change failed');
        }),
      );
      assert.equal(await count(), before);
    });
  });

  describe(`sending the outbox (${database.name})`, () => {
    let mail: TestMailServer;
    let db: Database;
    before(async () => {
      mail = await startTestMailServer();
    });
    after(() => mail.close());

    const fresh = async () => {
      db = await database.open();
      mail.received.length = 0;
      mail.refusing = false;
    };
    const row = async (id: string) =>
      (await db.query<OutboxRow>('select * from email_outbox where id = $1', [id]))[0]!;
    const idFor = async (about: string) =>
      (await db.query<{ id: string }>('select id from email_outbox where about_id = $1', [about]))[0]!.id;

    test('an e-mail the mail server refuses is kept, tried again after a wait, and then delivered', async () => {
      await fresh();
      const about = randomUUID();
      assert.equal(await queueEmails(db, [notice('Ward.Inbox@nhs.test', about)]), 1);
      assert.equal(await queueEmails(db, [notice('ward.inbox@nhs.test', about)]), 0, 'queued once');
      const id = await idFor(about);
      const clock = handClock();
      const start = clock.now;
      const log = keptLog();
      const sender = startOutboxSender(db, mailConfig(mail.port), log, {
        everyMs: 3_600_000,
        clock: clock.read,
      });
      try {
        mail.refusing = true;
        assert.deepEqual(await sender.sendNow(), { sent: 0, retrying: 1, givenUp: 0 });
        let now = await row(id);
        assert.equal(now.attempts, 1);
        assert.match(now.last_error ?? '', /Mailbox busy/);
        assert.equal(now.sent_at, null);
        assert.equal(now.send_after.getTime(), secondsLater(start, 60).getTime(), 'tried again in a minute');

        mail.refusing = false;
        assert.deepEqual(await sender.sendNow(), { sent: 0, retrying: 0, givenUp: 0 }, 'not before its time');
        assert.equal(mail.received.length, 0);

        clock.now = secondsLater(start, 61);
        assert.deepEqual(await sender.sendNow(), { sent: 1, retrying: 0, givenUp: 0 });
        assert.equal(mail.received.length, 1);
        assert.deepEqual(mail.received[0]!.to, ['ward.inbox@nhs.test']);
        now = await row(id);
        assert.equal(now.attempts, 2);
        assert.ok(now.sent_at);
        assert.doesNotMatch(log.lines.join('\n'), /ward\.inbox|Riverside|new work/i);
      } finally {
        await sender.stop();
        await db.close();
      }
    });

    test('after the twelfth refusal an e-mail is given up and shown as failed, not tried again', async () => {
      await fresh();
      const about = randomUUID();
      await queueEmails(db, [notice('practice@nhs.test', about)]);
      const id = await idFor(about);
      await db.query('update email_outbox set attempts = 11 where id = $1', [id]);
      const clock = handClock();
      const sender = startOutboxSender(db, mailConfig(mail.port), keptLog(), {
        everyMs: 3_600_000,
        clock: clock.read,
      });
      try {
        mail.refusing = true;
        assert.deepEqual(await sender.sendNow(), { sent: 0, retrying: 0, givenUp: 1 });
        mail.refusing = false;
        clock.now = secondsLater(clock.now, 86_400);
        assert.deepEqual(await sender.sendNow(), { sent: 0, retrying: 0, givenUp: 0 });
        const now = await row(id);
        assert.ok(now.failed_at);
        assert.equal(now.attempts, 12);
        assert.equal(mail.received.length, 0);
      } finally {
        await sender.stop();
        await db.close();
      }
    });

    test('an e-mail held by a sender that stopped is taken over once the hold has passed, with the same Message-ID', async () => {
      await fresh();
      const about = randomUUID();
      await queueEmails(db, [notice('practice@nhs.test', about)]);
      const id = await idFor(about);
      const clock = handClock();
      const start = clock.now;
      // A sender claims it and stops before sending (or after sending, before marking it sent).
      assert.equal((await claimBatch(db, 10, start, 600)).length, 1);
      const sender = startOutboxSender(db, mailConfig(mail.port), keptLog(), {
        everyMs: 3_600_000,
        clock: clock.read,
      });
      try {
        clock.now = secondsLater(start, 60);
        assert.equal((await sender.sendNow()).sent, 0, 'still held');
        assert.equal(mail.received.length, 0);
        clock.now = secondsLater(start, 601);
        assert.equal((await sender.sendNow()).sent, 1);
        assert.equal(mail.received.length, 1);
        assert.equal(mail.received[0]!.messageId, `<${id}@jointly>`);
        assert.ok((await row(id)).sent_at);
      } finally {
        await sender.stop();
        await db.close();
      }
    });

    test('two senders at once deliver every e-mail exactly once', async () => {
      await fresh();
      const emails = Array.from({ length: 30 }, (_, i) => notice(`practice${i}@nhs.test`));
      assert.equal(await queueEmails(db, emails), 30);
      const options = { everyMs: 3_600_000, batchSize: 4 };
      const one = startOutboxSender(db, mailConfig(mail.port), keptLog(), options);
      const two = startOutboxSender(db, mailConfig(mail.port), keptLog(), options);
      try {
        const [a, b] = await Promise.all([one.sendNow(), two.sendNow()]);
        assert.equal(a.sent + b.sent, 30);
        assert.ok(a.sent > 0 && b.sent > 0, 'both senders took part');
        assert.equal(mail.received.length, 30);
        assert.equal(new Set(mail.received.map((m) => m.messageId)).size, 30);
        assert.equal(new Set(mail.received.flatMap((m) => m.to)).size, 30);
        const [left] = await db.query<{ unsent: number; resent: number }>(
          `select count(*) filter (where sent_at is null)::int as unsent,
                  count(*) filter (where attempts <> 1)::int as resent from email_outbox`,
        );
        assert.deepEqual(left, { unsent: 0, resent: 0 });
      } finally {
        await one.stop();
        await two.stop();
        await db.close();
      }
    });
  });
}
