import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JointlyError } from '../kernel/errors.ts';
import { findActiveUser } from '../people/people.store.ts';
import type { AppDeps } from './context.ts';
import { newToken, resumeSession } from './sessions.store.ts';

export const SESSION_COOKIE = 'jointly_session';
const PRESESSION_COOKIE = 'jointly_presession';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** JSON sign-in cannot be forged by a cross-site form (browsers cannot send JSON without asking first). */
const csrfExempt = new Set(['POST /api/session']);

export function cookieOptions(deps: AppDeps) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies };
}

/** Finds the signed-in person behind each request and checks the CSRF token of every change. */
export function registerSessionHooks(app: FastifyInstance, deps: AppDeps): void {
  app.addHook('preHandler', async (request, reply) => {
    // The FHIR API (/fhir/) authenticates systems by bearer token in its own hooks: no cookies, so no CSRF.
    if (isStaticAsset(request) || request.url.startsWith('/fhir/')) return;
    await loadViewer(request, reply, deps);
    if (
      unsafeMethods.has(request.method) &&
      !csrfExempt.has(`${request.method} ${request.routeOptions.url}`)
    ) {
      checkCsrf(request);
    }
  });
}

function isStaticAsset(request: FastifyRequest): boolean {
  return /^\/(nhsuk|assets|static)\//.test(request.url) || request.url.startsWith('/api/docs');
}

async function loadViewer(request: FastifyRequest, reply: FastifyReply, deps: AppDeps): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) {
    const session = await resumeSession(deps.db, token, request.now, deps.config.sessionIdleMinutes);
    const user = session && (await findActiveUser(deps.db, session.userId));
    if (session && user) {
      request.viewer = user;
      request.csrfToken = session.csrfToken;
      return;
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
  let presession = request.cookies[PRESESSION_COOKIE];
  if (!presession) {
    presession = newToken();
    reply.setCookie(PRESESSION_COOKIE, presession, cookieOptions(deps));
  }
  request.csrfToken = presession;
}

function checkCsrf(request: FastifyRequest): void {
  const body = request.body as Record<string, unknown> | undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const sent = request.headers['x-csrf-token'] ?? body?._csrf ?? query?._csrf;
  if (typeof sent !== 'string' || !sameToken(sent, request.csrfToken)) {
    throw new JointlyError(
      'CSRF_FAILED',
      'This form was out of date or came from another site, so nothing was changed. Go back, reload the page and try again.',
    );
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
