import type { FastifyInstance } from 'fastify';
import { signInRoutes } from '../people/sign-in.routes.ts';
import type { AppDeps } from './context.ts';

/** Each capability's pages and API, in the order a reader meets them. */
export async function registerCapabilities(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await signInRoutes(app, deps);
}
