import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from '../server/context.ts';
import { requireViewer } from '../server/guards.ts';
import { cookieOptions, SESSION_COOKIE } from '../server/session-hooks.ts';
import { endSession, startSession } from '../server/sessions.store.ts';
import { findActiveUser, type SignedInUser } from './people.store.ts';
import { checkPassword } from './sign-in.ts';

const credentials = z.object({
  email: z.string().trim().min(1, 'Enter your e-mail address').max(254),
  password: z.string().min(1, 'Enter your password').max(1024),
});

/** A redirect target only within Jointly, so a sign-in link cannot send someone elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function viewerSummary(viewer: SignedInUser) {
  return {
    id: viewer.id,
    email: viewer.email,
    displayName: viewer.displayName,
    memberships: viewer.memberships.map((m) => ({
      organisationCode: m.organisationCode ?? null,
      organisationName: m.organisationName,
      role: m.role,
    })),
  };
}

export async function signInRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // A few tries a minute from one address, whatever the account; the per-account lockout does the rest.
  const signInRateLimit = {
    config: { rateLimit: { max: deps.config.signIn.attemptsPerMinutePerAddress, timeWindow: '1 minute' } },
  };

  r.get('/', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) return reply.redirect('/sign-in', 303);
    const roles = new Set(request.viewer.memberships.map((m) => m.role));
    if (roles.has('parent_carer') || roles.has('young_person')) return reply.redirect('/family', 303);
    if (roles.has('service_administrator') && roles.size === 1) return reply.redirect('/admin', 303);
    // Clinical safety officers look after protocol approval; they see no patients.
    if (
      roles.has('clinical_safety_officer') &&
      [...roles].every((r) => r === 'clinical_safety_officer' || r === 'service_administrator')
    ) {
      return reply.redirect('/admin/protocols/approvals', 303);
    }
    return reply.redirect('/patients', 303);
  });

  r.get(
    '/sign-in',
    { schema: { hide: true, querystring: z.object({ next: z.string().optional() }) } },
    async (request, reply) =>
      reply.page('people/views/sign-in.njk', { title: 'Sign in', next: safeNext(request.query.next) }),
  );

  r.post('/sign-in', { ...signInRateLimit, schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = credentials.safeParse(body);
    const next = safeNext(body.next);
    const email = typeof body.email === 'string' ? body.email : '';
    try {
      if (!parsed.success) {
        throw new JointlyError(
          'INVALID_INPUT',
          'Enter your e-mail address and password',
          parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })),
        );
      }
      const userId = await checkPassword(
        deps.db,
        deps.config,
        parsed.data.email,
        parsed.data.password,
        request.now,
      );
      await beginSession(request, reply, deps, userId);
      return reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof JointlyError)) throw error;
      reply.status(error.status);
      return reply.page('people/views/sign-in.njk', {
        title: 'Sign in',
        next,
        email,
        problem: error.message,
        fields: error.fields.length ? error.fields : [{ field: 'email', message: error.message }],
      });
    }
  });

  r.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(deps.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in?signed-out=1', 303);
  });

  r.post(
    '/api/session',
    {
      ...signInRateLimit,
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token to send as x-csrf-token',
        body: credentials,
      },
    },
    async (request, reply) => {
      const userId = await checkPassword(
        deps.db,
        deps.config,
        request.body.email,
        request.body.password,
        request.now,
      );
      const csrfToken = await beginSession(request, reply, deps, userId);
      const viewer = await findActiveUser(deps.db, userId);
      return reply.status(201).send({ csrfToken, user: viewerSummary(viewer!) });
    },
  );

  r.get('/api/session', { schema: { tags: ['session'], summary: 'Who is signed in' } }, async (request) => ({
    csrfToken: request.csrfToken,
    user: viewerSummary(requireViewer(request)),
  }));

  r.delete('/api/session', { schema: { tags: ['session'], summary: 'Sign out' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(deps.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}

/** A new session id at every sign-in (and the old one ended), so a planted cookie is worth nothing. */
async function beginSession(
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
  deps: AppDeps,
  userId: string,
): Promise<string> {
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) await endSession(deps.db, previous);
  const { token, csrfToken } = await startSession(deps.db, userId, request.now);
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps));
  return csrfToken;
}
