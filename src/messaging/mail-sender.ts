import nodemailer, { type Transporter } from 'nodemailer';
import type { Config, MailConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { afterFailure, describeFailure, messageIdFor, renderBody } from './outbox.rules.ts';
import { type ClaimedEmail, claimBatch, markFailedAttempt, markGivenUp, markSent } from './outbox.store.ts';

/*
 * Delivery is at least once, and in practice once:
 * - an e-mail is claimed (held for HOLD_SECONDS) before it is sent, so two senders never send it together;
 * - it is marked sent as soon as the mail server has accepted it;
 * - if a sender stops after the server accepted a message but before it was marked sent, the hold lapses and
 *   the message is sent once more, with the same Message-ID (`<outbox-id@jointly>`) so mail systems and
 *   readers can see it is the same notice. A duplicate "new task" e-mail is harmless; a lost one is not.
 * The hold is far longer than any one send can take (the transport's time-outs below), so a slow but living
 * sender never has its message taken over.
 */
const HOLD_SECONDS = 10 * 60;
const BATCH_SIZE = 20;
const EVERY_MS = 5_000;

/** Where the sender reports: ids and counts only, never an address, a subject or a body. */
export interface OutboxLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SendCounts {
  sent: number;
  retrying: number;
  givenUp: number;
}

export interface SendOptions {
  from: string;
  publicUrl: string;
  log: OutboxLog;
  /** The time now (tests move it on). */
  clock?: () => Date;
  batchSize?: number;
  holdSeconds?: number;
}

/** One pooled SMTP transport for the whole process; undefined when no SMTP host is configured. */
export function mailTransport(mail: MailConfig): Transporter | undefined {
  if (!mail.smtpHost) return undefined;
  return nodemailer.createTransport({
    pool: true,
    host: mail.smtpHost,
    port: mail.smtpPort,
    secure: mail.smtpSecure,
    ...(mail.smtpUser ? { auth: { user: mail.smtpUser, pass: mail.smtpPassword ?? '' } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

/** Sends every e-mail that is due, a batch at a time, until none is left that this sender may take. */
export async function sendWaitingEmails(
  db: Database,
  transport: Transporter,
  options: SendOptions,
): Promise<SendCounts> {
  const clock = options.clock ?? (() => new Date());
  const counts: SendCounts = { sent: 0, retrying: 0, givenUp: 0 };
  for (;;) {
    const batch = await claimBatch(
      db,
      options.batchSize ?? BATCH_SIZE,
      clock(),
      options.holdSeconds ?? HOLD_SECONDS,
    );
    if (batch.length === 0) return counts;
    const outcomes = await Promise.all(batch.map((email) => sendOne(db, transport, email, options, clock)));
    for (const outcome of outcomes) counts[outcome] += 1;
  }
}

async function sendOne(
  db: Database,
  transport: Transporter,
  email: ClaimedEmail,
  options: SendOptions,
  clock: () => Date,
): Promise<keyof SendCounts> {
  try {
    await transport.sendMail({
      from: options.from,
      to: email.toAddress,
      subject: email.subject,
      text: renderBody(email.body, options.publicUrl),
      messageId: messageIdFor(email.id),
    });
  } catch (error) {
    const attempts = email.attempts + 1;
    const next = afterFailure(attempts, clock());
    const failure = describeFailure(error);
    const responseCode = (error as { responseCode?: unknown }).responseCode;
    options.log.error(
      { emailId: email.id, attempts, responseCode, willRetry: next.kind === 'retry' },
      'e-mail not accepted by the mail server',
    );
    if (next.kind === 'retry') {
      await markFailedAttempt(db, email.id, failure, next.at);
      return 'retrying';
    }
    await markGivenUp(db, email.id, failure, clock());
    return 'givenUp';
  }
  // Outside the try: if this fails the message was still delivered, and must not be recorded as refused.
  await markSent(db, email.id, clock());
  return 'sent';
}

export interface OutboxSender {
  /** Sends what is waiting now (waiting first for a run in progress); resolves with what this run did. */
  sendNow(): Promise<SendCounts>;
  /** Stops the timer, waits for a run in progress and closes the mail connections. */
  stop(): Promise<void>;
}

const nothingSent: SendCounts = { sent: 0, retrying: 0, givenUp: 0 };

/**
 * The outbox's worker: every few seconds, and when poked with `sendNow`, sends what is due. Without an SMTP
 * host it sends nothing and the e-mails wait in the outbox (the demo shows them on /admin/outbox).
 */
export function startOutboxSender(
  db: Database,
  config: Pick<Config, 'mail' | 'publicUrl'>,
  log: OutboxLog,
  options: { everyMs?: number; clock?: () => Date; batchSize?: number; holdSeconds?: number } = {},
): OutboxSender {
  const transport = mailTransport(config.mail);
  if (!transport) {
    log.info({}, 'no SMTP host configured: e-mails wait in the outbox');
    return { sendNow: async () => ({ ...nothingSent }), stop: async () => {} };
  }
  const sendOptions: SendOptions = {
    from: config.mail.from,
    publicUrl: config.publicUrl,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.holdSeconds ? { holdSeconds: options.holdSeconds } : {}),
  };
  let running: Promise<SendCounts> = Promise.resolve({ ...nothingSent });
  let queued = 0;
  let stopped = false;
  const run = (): Promise<SendCounts> => {
    queued += 1;
    running = running
      .catch(() => nothingSent)
      .then(() => sendWaitingEmails(db, transport, sendOptions))
      .then(
        (counts) => {
          if (counts.sent + counts.retrying + counts.givenUp > 0) log.info({ outbox: counts }, 'outbox sent');
          return counts;
        },
        (error: Error) => {
          log.error({ err: { message: error.message } }, 'outbox sender failed; it will try again');
          return { ...nothingSent };
        },
      )
      .finally(() => {
        queued -= 1;
      });
    return running;
  };
  // A tick while a run is under way or waiting adds nothing: that run will find what is due.
  const timer = setInterval(() => {
    if (!stopped && queued === 0) void run();
  }, options.everyMs ?? EVERY_MS);
  timer.unref();
  return {
    sendNow: () => (stopped ? Promise.resolve({ ...nothingSent }) : run()),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
