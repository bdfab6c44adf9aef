import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type Config, loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { buildApp } from '../server/app.ts';

export const DEMO_PASSWORD = 'demo-password-1';

/** A test's own Jointly on its own database, with a clock the test can move. */
export interface TestApp {
  app: FastifyInstance;
  db: Database;
  clock: { now: Date; advanceMinutes(minutes: number): void };
  /** Signs in through the JSON API and returns a client that carries the cookie and CSRF token. */
  signIn(email: string, password?: string): Promise<SignedInClient>;
  anonymous(): SignedInClient;
  close(): Promise<void>;
}

export interface SignedInClient {
  csrfToken: string;
  cookie: string;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a web form (the CSRF token is added unless `_csrf` is given). */
  postForm(url: string, form: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  /** Calls the JSON API with the session cookie and CSRF header. */
  api(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

export async function testApp(
  db: Database,
  config: Partial<Config> = {},
  start = new Date('2026-11-26T10:00:00Z'),
  logStream?: NodeJS.WritableStream,
): Promise<TestApp> {
  const clock = {
    now: start,
    advanceMinutes(minutes: number) {
      clock.now = new Date(clock.now.getTime() + minutes * 60_000);
    },
  };
  const fullConfig = loadConfig(
    { JOINTLY_DEMO: 'true', JOINTLY_LOG_LEVEL: 'silent', JOINTLY_SIGNIN_RATE_PER_MINUTE: '1000' },
    config,
  );
  const app = await buildApp({
    db,
    config: fullConfig,
    clock: () => clock.now,
    ...(logStream ? { logStream } : {}),
  });
  await app.ready();

  const client = (cookie: string, csrfToken: string): SignedInClient => ({
    cookie,
    csrfToken,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    postForm: (url, form) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(
          Object.entries({ _csrf: csrfToken, ...form }).flatMap(([k, v]) =>
            (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, one]),
          ),
        ).toString(),
      }),
    api: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
  });

  return {
    app,
    db,
    clock,
    async signIn(email, password = DEMO_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
      if (res.statusCode !== 201)
        throw new Error(`sign-in as ${email} failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      return client(cookie, res.json().csrfToken);
    },
    anonymous: () => client('', ''),
    async close() {
      await app.close();
    },
  };
}
