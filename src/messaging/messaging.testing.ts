import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../config.ts';
import type { OutboxLog } from './mail-sender.ts';

/** A message as the test mail server received it. */
export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The whole message with quoted-printable soft breaks and escapes undone, to search for words. */
  text: string;
  messageId: string | undefined;
}

/** A real SMTP server on 127.0.0.1 and a random port, in the test's own process. */
export interface TestMailServer {
  port: number;
  received: ReceivedMail[];
  /** While true, every recipient is refused with a temporary failure (450). */
  refusing: boolean;
  close(): Promise<void>;
}

export async function startTestMailServer(): Promise<TestMailServer> {
  const state: TestMailServer = {
    port: 0,
    received: [],
    refusing: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!state.refusing) return callback();
      callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 450 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        state.received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: decodeQuotedPrintable(raw),
          messageId: /^Message-ID: *(.+)$/im.exec(raw)?.[1]?.trim(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  return state;
}

/** Configuration that sends to the test mail server, with links to a public address a test can look for. */
export function mailConfig(port: number) {
  const config = loadConfig({
    JOINTLY_SMTP_HOST: '127.0.0.1',
    JOINTLY_SMTP_PORT: String(port),
    JOINTLY_PUBLIC_URL: 'https://jointly.example.nhs.uk',
  });
  return { mail: config.mail, publicUrl: config.publicUrl };
}

/** A log that keeps what it is told, so a test can show no address or body reaches it. */
export function keptLog(): OutboxLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (details, message) => lines.push(`${message} ${JSON.stringify(details)}`),
    error: (details, message) => lines.push(`${message} ${JSON.stringify(details)}`),
  };
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
