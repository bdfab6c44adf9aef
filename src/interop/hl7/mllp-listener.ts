import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { Database } from '../../db/database.ts';
import { buildAck } from './hl7-ack.rules.ts';
import { receiveHl7Message } from './hl7-inbox.ts';
import { readHeader } from './hl7-oru.rules.ts';

/** MLLP framing: VT, the message, FS CR. */
const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** A connection with this many messages waiting stops reading until it has caught up. */
const PAUSE_AT = 16;
const RESUME_AT = 4;
/** How long a closing listener waits for messages in hand to be answered. */
const DRAIN_MS = 5000;

export interface MllpLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface MllpOptions {
  host: string;
  port: number;
  /** A message larger than this is answered AR and the connection closed. */
  maxBytes: number;
  /** Answers one message with its ACK. */
  handle(message: string): Promise<string>;
  /** The answer when `handle` fails, or the message is over the limit (given its first bytes). */
  refuse(reason: 'too-large' | 'failed', start: string): string;
  log?: MllpLog;
}

export interface MllpListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP listener speaking MLLP. Frames may arrive split over many reads or several in one; each connection's
 * messages are answered one at a time, in order; any number of connections at once. Bytes outside a frame mean
 * the other end is not speaking MLLP: the connection is closed without a word. Nothing a sender does can
 * stop the listener.
 */
export function startMllpListener(options: MllpOptions): Promise<MllpListener> {
  const connections = new Set<Connection>();
  const server = createServer({ noDelay: true }, (socket) => {
    const connection = new Connection(socket, options);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  server.on('error', (error) =>
    options.log?.warn({ code: (error as { code?: string }).code }, 'MLLP listener error'),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        host: options.host,
        port,
        async close() {
          const closed = new Promise<void>((done) => server.close(() => done()));
          await Promise.all([...connections].map((c) => c.finish(DRAIN_MS)));
          await closed;
        },
      });
    });
  });
}

class Connection {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  /** FS was the last byte read: the next must be CR. */
  private awaitingCr = false;
  private overLimit = false;
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: MllpOptions,
  ) {
    socket.on('data', (data: Buffer) => this.read(data));
    socket.on('error', () => socket.destroy());
    socket.setKeepAlive(true);
  }

  private read(data: Buffer): void {
    if (this.overLimit || this.socket.destroyed) return;
    let i = 0;
    if (this.awaitingCr) {
      if (data[0] !== CR) {
        this.drop('no CR after FS');
        return;
      }
      this.awaitingCr = false;
      this.frameEnded();
      i = 1;
    }
    while (i < data.length) {
      if (!this.inFrame) {
        if (data[i] !== VT) {
          this.drop('bytes outside a frame');
          return;
        }
        this.inFrame = true;
        i += 1;
        continue;
      }
      const end = data.indexOf(FS, i);
      if (!this.take(data.subarray(i, end < 0 ? data.length : end))) return;
      if (end < 0) return;
      if (end + 1 === data.length) {
        this.awaitingCr = true;
        return;
      }
      if (data[end + 1] !== CR) {
        this.drop('no CR after FS');
        return;
      }
      this.frameEnded();
      i = end + 2;
    }
  }

  /** Keeps part of a frame; false once the frame is over the limit (it is then answered AR and closed). */
  private take(part: Buffer): boolean {
    this.size += part.length;
    if (this.size > this.options.maxBytes) {
      this.overLimit = true;
      const start = decode(Buffer.concat([...this.chunks, part]).subarray(0, 4096));
      this.chunks = [];
      this.enqueue(async () => {
        this.options.log?.warn(
          { limit: this.options.maxBytes },
          'HL7 message over the size limit: answered AR and closed',
        );
        this.write(this.options.refuse('too-large', start));
        this.socket.end();
        setTimeout(() => this.socket.destroy(), 1000).unref();
      });
      return false;
    }
    if (part.length) this.chunks.push(part);
    return true;
  }

  private frameEnded(): void {
    const message = decode(Buffer.concat(this.chunks));
    this.chunks = [];
    this.size = 0;
    this.inFrame = false;
    this.enqueue(async () => {
      const started = performance.now();
      let ack: string;
      try {
        ack = await this.options.handle(message);
      } catch {
        ack = this.options.refuse('failed', message.slice(0, 4096));
      }
      this.write(ack);
      const code = /(?:^|\r)MSA\|([A-Z]{2})/.exec(ack)?.[1] ?? '?';
      this.options.log?.info(
        { ack: code, ms: Math.round(performance.now() - started) },
        'HL7 message answered',
      );
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.waiting += 1;
    if (this.waiting >= PAUSE_AT) this.socket.pause();
    this.queue = this.queue
      .then(work)
      .catch(() => {
        this.socket.destroy();
      })
      .finally(() => {
        this.waiting -= 1;
        if (this.waiting <= RESUME_AT && !this.socket.destroyed) this.socket.resume();
      });
  }

  private write(ack: string): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(Buffer.concat([Buffer.from([VT]), Buffer.from(ack, 'utf8'), Buffer.from([FS, CR])]));
  }

  private drop(reason: string): void {
    this.options.log?.warn({ reason }, 'MLLP connection closed: not MLLP');
    this.chunks = [];
    this.socket.destroy();
  }

  /** Stops reading, lets the messages in hand be answered (up to `ms`), then closes. */
  async finish(ms: number): Promise<void> {
    this.socket.pause();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue, new Promise((done) => (timer = setTimeout(done, ms)))]);
    clearTimeout(timer);
    this.socket.destroy();
  }
}

/** UTF-8 unless MSH-18 says ISO 8859-1. */
function decode(bytes: Buffer): string {
  const firstSegment =
    bytes
      .subarray(0, 1024)
      .toString('latin1')
      .split(/[\r\n]/, 1)[0] ?? '';
  const charset = firstSegment.split('|')[17] ?? '';
  return bytes.toString(charset.startsWith('8859/1') ? 'latin1' : 'utf8');
}

/** The MLLP listener for laboratory results: each message through the HL7 inbox, on Jointly's database. */
export function startHl7Listener(
  db: Database,
  settings: { host: string; port: number; maxBytes: number; allowTestRange: boolean },
  log?: MllpLog,
  clock: () => Date = () => new Date(),
): Promise<MllpListener> {
  const refusal = (reason: 'too-large' | 'failed', start: string) =>
    buildAck({
      code: reason === 'too-large' ? 'AR' : 'AE',
      header: readHeader(start),
      now: clock(),
      ackControlId: `J${randomUUID().replace(/-/g, '').slice(0, 18)}`,
      problems: [
        reason === 'too-large'
          ? {
              segment: 'MSH',
              sequence: 1,
              field: null,
              error: 'segmentSequence',
              message: `The message is larger than ${settings.maxBytes} bytes, the most Jointly accepts`,
            }
          : {
              segment: 'MSH',
              sequence: 1,
              field: null,
              error: 'internal',
              message: 'Jointly could not store this message and recorded nothing: send it again',
            },
      ],
    });
  return startMllpListener({
    host: settings.host,
    port: settings.port,
    maxBytes: settings.maxBytes,
    refuse: refusal,
    ...(log ? { log } : {}),
    handle: async (message) =>
      (
        await receiveHl7Message(db, message, {
          now: clock(),
          allowTestRange: settings.allowTestRange,
          // The error's kind only: its message could quote the laboratory's data.
          onError: (error) =>
            log?.warn(
              {
                error: error instanceof Error ? error.name : typeof error,
                code: (error as { code?: unknown })?.code,
              },
              'HL7 message could not be stored: answered AE',
            ),
        })
      ).ack,
  });
}
