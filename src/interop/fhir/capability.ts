import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { DEFAULT_COUNT, MAX_COUNT, type SearchParamDef } from './search-params.rules.ts';

type Interaction = 'read' | 'search-type' | 'create' | 'update' | 'patch';

/** What Jointly supports for one resource type: the CapabilityStatement and the routes both read this. */
export interface ResourceSupport {
  type: string;
  interactions: readonly Interaction[];
  searchParams: readonly SearchParamDef[];
  sorts?: readonly string[];
  documentation: string;
}

const patientParam: SearchParamDef = {
  name: 'patient',
  kind: 'reference',
  documentation: 'The child (Patient/{id}); required: searches are always about one child',
};

export const supported = {
  Patient: {
    type: 'Patient',
    interactions: ['read', 'search-type'],
    searchParams: [
      {
        name: 'identifier',
        kind: 'token',
        documentation: 'NHS number: https://fhir.nhs.uk/Id/nhs-number|9434765919 (or the number alone)',
      },
      { name: 'name', kind: 'string', documentation: 'Start of the family or given name, any case' },
      { name: 'family', kind: 'string', documentation: 'Start of the family name, any case' },
      { name: 'given', kind: 'string', documentation: 'Start of the given name, any case' },
      { name: 'birthdate', kind: 'date', documentation: 'Date of birth, with eq, ge, le, gt or lt' },
    ],
    documentation: 'Children the client’s organisation has a current relationship with (care team)',
  },
  CareTeam: {
    type: 'CareTeam',
    interactions: ['read', 'search-type'],
    searchParams: [patientParam],
    documentation:
      'One care team per child, with the child’s id: organisations and named people, with periods',
  },
  CarePlan: {
    type: 'CarePlan',
    interactions: ['read', 'search-type'],
    searchParams: [patientParam],
    documentation:
      'Shared care agreements (category shared-care-agreement) and blood monitoring schedules (category ' +
      'blood-monitoring, with an activity for each test due next)',
  },
  MedicationRequest: {
    type: 'MedicationRequest',
    interactions: ['read', 'search-type'],
    searchParams: [patientParam],
    documentation:
      'Medication orders, with dose and schedule; a dose change is a new order (priorPrescription)',
  },
  Observation: {
    type: 'Observation',
    interactions: ['read', 'search-type', 'create'],
    searchParams: [
      patientParam,
      {
        name: 'code',
        kind: 'token',
        documentation: 'LOINC code: http://loinc.org|751-8 (or the code alone)',
      },
      {
        name: 'date',
        kind: 'date',
        documentation: 'Specimen date, with eq, ge, le, gt or lt (repeat for a range)',
      },
    ],
    sorts: ['date', '-date'],
    documentation:
      'Laboratory results. Create takes one final result (LOINC code, valueQuantity, effectiveDateTime, ' +
      'subject by id or NHS number) through the same checks, judgement, alerts and tasks as a typed result',
  },
  Task: {
    type: 'Task',
    interactions: ['read', 'search-type', 'update', 'patch'],
    searchParams: [
      { ...patientParam, documentation: 'The child (Patient/{id}); optional' },
      { name: 'status', kind: 'token', documentation: 'ready (open), completed or cancelled' },
    ],
    documentation:
      'Work for the client’s organisation (Task.owner). Update (PUT, or PATCH with a JSON Patch of /status) ' +
      'closes an open task: status completed or cancelled',
  },
  Flag: {
    type: 'Flag',
    interactions: ['read', 'search-type'],
    searchParams: [patientParam],
    documentation: 'Red and amber results nobody has yet decided about (a search returns active flags only)',
  },
  AuditEvent: {
    type: 'AuditEvent',
    interactions: ['read', 'search-type'],
    searchParams: [
      { name: 'patient', kind: 'reference', documentation: 'Entries about one child (Patient/{id})' },
      { name: 'date', kind: 'date', documentation: 'UK day of the entry, with eq, ge, le, gt or lt' },
    ],
    documentation: 'The audit trail, newest first; for clients of a service administrator only',
  },
} as const satisfies Record<string, ResourceSupport>;

export type SupportedType = keyof typeof supported;

function restResource(r: ResourceSupport): CapabilityStatementRestResource {
  return {
    type: r.type as CapabilityStatementRestResource['type'],
    documentation: r.documentation,
    interaction: r.interactions.map((code) => ({ code })),
    ...(r.interactions.includes('update') ? { updateCreate: false } : {}),
    ...(r.searchParams.length
      ? {
          searchParam: r.searchParams.map((p) => ({
            name: p.name,
            type: p.kind,
            documentation: p.documentation,
          })),
        }
      : {}),
  };
}

/** The CapabilityStatement: exactly the resources, interactions and search parameters above. */
export function capabilityStatement(base: string, published: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: published,
    publisher: 'Jointly',
    kind: 'instance',
    software: { name: 'Jointly', version: '0.1.0' },
    implementation: { description: 'Jointly: shared care for children with rheumatic disease', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `JSON only. Searches page with _count (default ${DEFAULT_COUNT}, at most ${MAX_COUNT}) and the ` +
          'Bundle’s next link; an unknown search parameter is refused (400) rather than ignored. Errors are ' +
          'OperationOutcomes.',
        security: {
          cors: false,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'OAuth',
                  display: 'OAuth',
                },
              ],
            },
          ],
          description:
            `OAuth 2.0 client credentials: POST ${base}/token (form-encoded grant_type=client_credentials, ` +
            'client_id, client_secret, or HTTP Basic) gives a bearer token for one hour. Clients are created by a ' +
            'service administrator (/admin/api-clients or `jointly api-client add`), each for one organisation, ' +
            'and see only the children that organisation has a current relationship with.',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${base}/token` }],
            },
          ],
        },
        resource: Object.values(supported).map(restResource),
      },
    ],
  };
}
