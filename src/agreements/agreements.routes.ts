import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../server/context.ts';
import { patientAgreementRoutes } from './patient-agreements.routes.ts';
import { worklistRoutes } from './worklists.routes.ts';

/** Shared care agreements: each child's agreements and their steps, the worklists, and the response clock. */
export async function agreementRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await patientAgreementRoutes(app, deps);
  await worklistRoutes(app, deps);
}
