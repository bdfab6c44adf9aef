import type { FastifyRequest } from 'fastify';
import { JointlyError } from '../kernel/errors.ts';
import type { Role } from '../kernel/roles.ts';
import type { SignedInUser } from '../people/people.store.ts';

/** The signed-in person, or a 401 that sends a browser to the sign-in page. */
export function requireViewer(request: FastifyRequest): SignedInUser {
  if (!request.viewer) throw new JointlyError('NOT_SIGNED_IN', 'Sign in to continue.');
  return request.viewer;
}

/** The membership through which the viewer holds one of `roles`, or a 403 naming the roles needed. */
export function requireRole(request: FastifyRequest, roles: readonly Role[], doing: string) {
  const viewer = requireViewer(request);
  const membership = viewer.memberships.find((m) => roles.includes(m.role));
  if (!membership) throw new JointlyError('FORBIDDEN', `Only some roles may ${doing}; yours does not.`);
  return { viewer, membership };
}
