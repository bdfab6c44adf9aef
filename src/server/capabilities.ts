import type { FastifyInstance } from 'fastify';
import { breakGlassRoutes } from '../access/break-glass.routes.ts';
import { adminRoutes } from '../admin/admin.routes.ts';
import { agreementRoutes } from '../agreements/agreements.routes.ts';
import { patientAccessLogRoutes } from '../audit/patient-access-log.routes.ts';
import { careTeamRoutes } from '../care-team/care-team.routes.ts';
import { carersRoutes } from '../care-team/carers.routes.ts';
import { familyRoutes } from '../family/family.routes.ts';
import { apiClientRoutes } from '../interop/fhir/api-clients.routes.ts';
import { fhirRoutes } from '../interop/fhir/fhir.routes.ts';
import { reconciliationRoutes } from '../interop/hl7/reconciliation.routes.ts';
import { medicinesRoutes } from '../medicines/medicines.routes.ts';
import { outboxRoutes } from '../messaging/outbox.routes.ts';
import { monitoringSweepRoutes } from '../monitoring/sweep.routes.ts';
import { monitoringWorklistRoutes } from '../monitoring/worklists.routes.ts';
import { patientRoutes } from '../patients/patients.routes.ts';
import { signInRoutes } from '../people/sign-in.routes.ts';
import { protocolRoutes } from '../protocols/protocols.routes.ts';
import { releaseRoutes } from '../results/release.routes.ts';
import { resultsRoutes } from '../results/results.routes.ts';
import { taskRoutes } from '../tasks/tasks.routes.ts';
import type { AppDeps } from './context.ts';

/** Each capability's pages and API, in the order a reader meets them. */
export async function registerCapabilities(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await signInRoutes(app, deps);
  await patientRoutes(app, deps);
  await careTeamRoutes(app, deps);
  await carersRoutes(app, deps);
  await breakGlassRoutes(app, deps);
  await patientAccessLogRoutes(app, deps);
  await familyRoutes(app, deps);
  await adminRoutes(app, deps);
  await protocolRoutes(app, deps);
  await agreementRoutes(app, deps);
  await medicinesRoutes(app, deps);
  await resultsRoutes(app, deps);
  await taskRoutes(app, deps);
  await outboxRoutes(app, deps);
  await monitoringSweepRoutes(app, deps);
  await monitoringWorklistRoutes(app, deps);
  await releaseRoutes(app, deps);
  await apiClientRoutes(app, deps);
  await fhirRoutes(app, deps);
  await reconciliationRoutes(app, deps);
}
