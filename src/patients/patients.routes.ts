import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../server/context.ts';
import { patientListRoutes } from './patient-lists.routes.ts';
import { registrationRoutes } from './registration.routes.ts';
import { summaryRoutes } from './summary.routes.ts';

/** The Patients capability: registration, details, lists and search, the summary, growth and diagnoses. */
export async function patientRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await patientListRoutes(app, deps);
  await registrationRoutes(app, deps);
  await summaryRoutes(app, deps);
}
