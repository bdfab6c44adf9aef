import type { FastifyRequest } from 'fastify';
import type { Asker } from '../access/patient-access.ts';
import { requireViewer } from '../server/guards.ts';

/** Who is asking, and when: the signed-in person (or a 401) and the request's own clock. */
export function askerOf(request: FastifyRequest): Asker {
  return { now: request.now, today: request.today, viewer: requireViewer(request) };
}
