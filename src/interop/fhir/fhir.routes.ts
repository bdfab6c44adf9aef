import type { Resource } from '@medplum/fhirtypes';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../server/context.ts';
import { accountForBearer, issueToken, TokenRefusal } from './api-clients.ts';
import { capabilityStatement, type SupportedType, supported } from './capability.ts';
import * as read from './fhir-read.ts';
import {
  type ApiClientCaller,
  createObservation,
  requestedTaskChange,
  updateTaskStatus,
} from './fhir-write.ts';
import { FhirProblem, invalid, operationOutcome, outcomeFor } from './outcome.ts';

export const FHIR_BASE_PATH = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API client behind the bearer token (FHIR routes only). */
    apiClient: { id: string; name: string } | null;
  }
  interface FastifyContextConfig {
    /** A FHIR route anyone may call without a token (the CapabilityStatement, the token endpoint). */
    fhirPublic?: boolean;
  }
}

/** Media types a client may ask for or send: JSON only. */
const jsonTypes = ['application/fhir+json', 'application/json', 'application/json+fhir'];
const acceptable = new Set([...jsonTypes, '*/*', 'application/*']);
const formats = new Set(['json', ...jsonTypes]);

/**
 * The FHIR R4 API at /fhir/R4, in a scope of its own: JSON only, OperationOutcome for every error, and bearer
 * tokens from the OAuth 2.0 client-credentials grant instead of sessions (so no CSRF, which is for cookies).
 */
export async function fhirRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(
    async (fhir) => {
      fhir.decorateRequest('apiClient', null);
      fhir.removeContentTypeParser(['application/json']);
      // Fastify's own JSON parser (it refuses __proto__ and constructor keys), with FHIR's wording of a refusal.
      const parseJson = fhir.getDefaultJsonParser('error', 'error');
      fhir.addContentTypeParser(
        [...jsonTypes, 'application/json-patch+json'],
        { parseAs: 'string' },
        (request, body, done) =>
          parseJson(request, body as string, (error, value) =>
            error
              ? done(invalid(`The body is not valid JSON: ${error.message}`) as unknown as FastifyError)
              : done(null, value),
          ),
      );
      fhir.addHook('onRequest', async (request) => {
        negotiate(request);
        if (!request.routeOptions.config.fhirPublic) await authenticate(request, deps);
      });
      fhir.setErrorHandler((error, request, reply) => sendError(error, request, reply));
      fhir.setNotFoundHandler((request, reply) => {
        const type =
          request.url
            .split('?')[0]!
            .slice(FHIR_BASE_PATH.length + 1)
            .split('/')[0] ?? '';
        const problem =
          type in supported
            ? new FhirProblem(405, [
                {
                  code: 'not-supported',
                  diagnostics: `Jointly does not support ${request.method} here on ${type}.`,
                },
              ])
            : new FhirProblem(404, [
                { code: 'not-supported', diagnostics: `Jointly does not serve ${type || 'this'} over FHIR.` },
              ]);
        return sendError(problem, request, reply);
      });
      registerRoutes(fhir, deps);
    },
    { prefix: FHIR_BASE_PATH },
  );
}

function registerRoutes(fhir: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  const published = new Date().toISOString();
  const hide = { schema: { hide: true } };

  fhir.get('/metadata', { ...hide, config: { fhirPublic: true } }, async (request, reply) =>
    send(reply, 200, capabilityStatement(baseOf(request), published)),
  );

  fhir.post(
    '/token',
    { ...hide, config: { fhirPublic: true, rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (request, reply) => tokenEndpoint(deps, request, reply),
  );

  const readers: Record<SupportedType, (c: read.FhirCaller, id: string) => Promise<Resource>> = {
    Patient: (c, id) => read.readPatient(db, c, id),
    CareTeam: (c, id) => read.readCareTeam(db, c, id),
    CarePlan: (c, id) => read.readCarePlan(db, c, id),
    MedicationRequest: (c, id) => read.readMedicationRequest(db, c, id),
    Observation: (c, id) => read.readObservation(db, c, id),
    Task: (c, id) => read.readTask(db, c, id),
    Flag: (c, id) => read.readFlag(db, c, id),
    AuditEvent: (c, id) => read.readAuditEvent(db, c, id),
  };
  const searchers: Record<
    SupportedType,
    (c: read.FhirCaller, q: Record<string, unknown>) => Promise<Resource>
  > = {
    Patient: (c, q) => read.searchPatients(db, c, q),
    CareTeam: (c, q) => read.searchCareTeams(db, c, q),
    CarePlan: (c, q) => read.searchCarePlans(db, c, q),
    MedicationRequest: (c, q) => read.searchMedicationRequests(db, c, q),
    Observation: (c, q) => read.searchObservations(db, c, q),
    Task: (c, q) => read.searchTasks(db, c, q),
    Flag: (c, q) => read.searchFlags(db, c, q),
    AuditEvent: (c, q) => read.searchAuditEvents(db, c, q),
  };
  for (const type of Object.keys(supported) as SupportedType[]) {
    fhir.get(`/${type}`, hide, async (request, reply) =>
      send(reply, 200, await searchers[type](callerOf(request), request.query as Record<string, unknown>)),
    );
    fhir.get<{ Params: { id: string } }>(`/${type}/:id`, hide, async (request, reply) =>
      send(reply, 200, await readers[type](callerOf(request), request.params.id)),
    );
  }

  fhir.post('/Observation', hide, async (request, reply) => {
    try {
      const { resource, created } = await createObservation(db, callerOf(request), request.body, {
        allowTestNhsNumbers: deps.config.demo,
      });
      reply.header('location', `${baseOf(request)}/Observation/${resource.id}`);
      return send(reply, created ? 201 : 200, resource);
    } catch (error) {
      // The results path names its fields as Jointly's (results.0.unit): answer with the Observation's elements.
      return sendError(error, request, reply, { creatingObservation: true });
    }
  });

  for (const how of ['put', 'patch'] as const) {
    fhir.route<{ Params: { id: string } }>({
      method: how.toUpperCase() as 'PUT' | 'PATCH',
      url: '/Task/:id',
      ...hide,
      handler: async (request, reply) => {
        const change = requestedTaskChange(request.body, how, request.params.id);
        return send(reply, 200, await updateTaskStatus(db, callerOf(request), request.params.id, change));
      },
    });
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).type(FHIR_JSON).send(body);
}

/** The address links point at: as the client reached the server. */
function baseOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${FHIR_BASE_PATH}`;
}

function callerOf(request: FastifyRequest): ApiClientCaller {
  // The onRequest hook has refused any request without a client, so both are set here.
  return {
    viewer: request.viewer!,
    now: request.now,
    today: request.today,
    base: baseOf(request),
    clientId: request.apiClient!.id,
    clientName: request.apiClient!.name,
  };
}

/** JSON only: anything else asked for by Accept or _format is refused with 406. */
function negotiate(request: FastifyRequest): void {
  const format = (request.query as Record<string, unknown> | undefined)?._format;
  if (format !== undefined && !formats.has(String(format))) {
    throw new FhirProblem(406, [
      {
        code: 'not-supported',
        diagnostics: `Jointly serves FHIR as JSON only (_format=json), not ${String(format)}.`,
      },
    ]);
  }
  const accept = request.headers.accept;
  if (!accept) return;
  const asked = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  if (!asked.some((t) => acceptable.has(t))) {
    throw new FhirProblem(406, [
      {
        code: 'not-supported',
        diagnostics: `Jointly serves FHIR as application/fhir+json only, not ${accept}.`,
      },
    ]);
  }
}

async function authenticate(request: FastifyRequest, deps: AppDeps): Promise<void> {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const account = token ? await accountForBearer(deps.db, token, request.now) : undefined;
  if (!account) {
    throw new FhirProblem(401, [
      {
        code: 'login',
        diagnostics: token
          ? 'The bearer token is not valid: it has run out or its client was revoked. Get a new token.'
          : `Send a bearer token (Authorization: Bearer …) from POST ${FHIR_BASE_PATH}/token.`,
      },
    ]);
  }
  const { clientId, clientName, ...viewer } = account;
  request.viewer = viewer;
  request.apiClient = { id: clientId, name: clientName };
}

function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  context: { creatingObservation?: boolean } = {},
): FastifyReply {
  const known = outcomeFor(error, context) ?? fastifyOutcome(error);
  if (known) {
    if (known.status === 401) reply.header('www-authenticate', 'Bearer realm="jointly"');
    return send(reply, known.status, known.outcome);
  }
  const e = error as Error;
  request.log.error({ err: { message: e.message, stack: e.stack } }, 'FHIR request failed');
  return send(
    reply,
    500,
    operationOutcome([
      { code: 'exception', diagnostics: 'Sorry, there is a problem with the service. Try again later.' },
    ]),
  );
}

/** Fastify's own refusals (body too large, a media type Jointly does not take, too many requests). */
function fastifyOutcome(error: unknown) {
  const status = (error as FastifyError).statusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  const code =
    status === 413
      ? 'too-costly'
      : status === 415
        ? 'not-supported'
        : status === 429
          ? 'throttled'
          : 'invalid';
  const message =
    status === 415
      ? 'Send FHIR as application/fhir+json.'
      : status === 429
        ? 'Too many requests; wait a minute and try again.'
        : (error as Error).message;
  return { status, outcome: operationOutcome([{ code, diagnostics: message }]) };
}

/** POST /fhir/R4/token: OAuth 2.0 client credentials (RFC 6749 §4.4), answered in OAuth's own JSON. */
async function tokenEndpoint(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const [basicId, basicSecret] = basic
    ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(formDecode)
    : [];
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json');
  try {
    if (body.grant_type !== 'client_credentials') {
      throw new TokenRefusal(
        'unsupported_grant_type',
        'Jointly supports grant_type=client_credentials only.',
      );
    }
    const clientId = basicId ?? body.client_id;
    const clientSecret = basicSecret ?? body.client_secret;
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
      throw new TokenRefusal(
        'invalid_request',
        'Send client_id and client_secret (form fields or HTTP Basic).',
      );
    }
    return reply.send(await issueToken(deps.db, { clientId, clientSecret }, request.now));
  } catch (error) {
    if (!(error instanceof TokenRefusal)) throw error;
    if (error.status === 401) reply.header('www-authenticate', 'Basic realm="jointly"');
    return reply.status(error.status).send({ error: error.error, error_description: error.description });
  }
}

/** HTTP Basic credentials are form-encoded (RFC 6749 §2.3.1); a malformed one is left as sent. */
function formDecode(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return part;
  }
}
