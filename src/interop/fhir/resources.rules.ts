import type {
  AuditEvent,
  CarePlan,
  CarePlanActivity,
  CareTeam,
  CodeableConcept,
  Flag,
  MedicationRequest,
  Observation,
  ObservationReferenceRange,
  Organization,
  Patient,
  Reference,
  Task,
} from '@medplum/fhirtypes';
import type { AgreementState } from '../../agreements/agreement.rules.ts';
import { stateLabels } from '../../agreements/agreement-words.rules.ts';
import type { PlainDate } from '../../kernel/dates.ts';
import type { Analyte, Panel } from '../../protocols/protocol.schema.ts';
import { analyteNames } from '../../results/panels.ts';
import type { Finding, ResultOutcome } from '../../results/thresholds.rules.ts';
import { LOINC_SYSTEM, loincFor } from '../loinc.ts';

/**
 * Jointly's records as FHIR R4 resources. Pure: each function takes what the stores read and returns the
 * resource; every resource these make is validated against the R4 base definitions in the tests.
 */

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
/** Jointly's own code systems (task kinds, audit actions, care plan kinds) live under this address. */
export const JOINTLY_SYSTEM = 'https://jointly.invalid/fhir/CodeSystem';
const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

export interface OrganisationRef {
  code: string;
  name: string;
}

/** A logical reference to an organisation by its ODS code: Jointly does not serve Organization resources. */
export function organisationReference(o: OrganisationRef): Reference<Organization> {
  return { type: 'Organization', identifier: { system: ODS_SYSTEM, value: o.code }, display: o.name };
}

function patientReference(patientId: string): Reference<Patient> {
  return { reference: `Patient/${patientId}` };
}

function text(words: string): CodeableConcept {
  return { text: words };
}

function meta(lastUpdated: Date | null | undefined) {
  return lastUpdated ? { meta: { lastUpdated: lastUpdated.toISOString() } } : {};
}

// ---------------------------------------------------------------------------------------------- Patient

export interface PatientRow {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: PlainDate;
  sex: 'female' | 'male' | 'indeterminate' | 'unknown';
  postcode: string | null;
  registeredPractice: OrganisationRef | null;
  updatedAt: Date;
}

const genders: Record<PatientRow['sex'], Patient['gender']> = {
  female: 'female',
  male: 'male',
  indeterminate: 'other',
  unknown: 'unknown',
};

export function patientResource(p: PatientRow): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    ...meta(p.updatedAt),
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    active: true,
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    gender: genders[p.sex],
    birthDate: p.dateOfBirth,
    ...(p.postcode ? { address: [{ use: 'home', postalCode: p.postcode }] } : {}),
    ...(p.registeredPractice ? { generalPractitioner: [organisationReference(p.registeredPractice)] } : {}),
  };
}

// ------------------------------------------------------------------------------------------- Observation

export interface ObservationRow {
  id: string;
  patientId: string;
  analyte: Analyte;
  value: number;
  unit: string;
  rangeLow: number | null;
  rangeHigh: number | null;
  rangeSource: 'laboratory' | 'paediatric-table' | null;
  specimenDate: PlainDate;
  outcome: ResultOutcome;
  findings: Finding[];
  source: string;
  externalId: string | null;
  recordedAt: Date;
  /** The organisation that recorded or sent it. */
  organisation: OrganisationRef | null;
}

/** Jointly's units as UCUM codes, so a receiving system can compute with them. */
const ucumCodes: Record<string, string> = {
  '×10⁹/L': '10*9/L',
  'g/L': 'g/L',
  fL: 'fL',
  'U/L': 'U/L',
  'µmol/L': 'umol/L',
  'mmol/L': 'mmol/L',
  'mg/L': 'mg/L',
  'mm/h': 'mm/h',
  'mL/min/1.73m²': 'mL/min/{1.73_m2}',
};

function quantity(value: number, unit: string) {
  const code = ucumCodes[unit];
  return { value, unit, ...(code ? { system: UCUM_SYSTEM, code } : {}) };
}

/**
 * What Jointly made of the result, in HL7's interpretation codes: red is AA (critical), amber A (abnormal),
 * with H or L when the value is also above or below its range; N within it.
 */
export function interpretation(
  r: Pick<ObservationRow, 'value' | 'rangeLow' | 'rangeHigh' | 'outcome'>,
): CodeableConcept[] {
  const coding = (code: string, display: string): CodeableConcept => ({
    coding: [{ system: INTERPRETATION_SYSTEM, code, display }],
  });
  const side =
    r.rangeHigh !== null && r.value > r.rangeHigh
      ? coding('H', 'High')
      : r.rangeLow !== null && r.value < r.rangeLow
        ? coding('L', 'Low')
        : undefined;
  switch (r.outcome) {
    case 'red':
      return [
        { ...coding('AA', 'Critical abnormal'), text: 'Red: act now, as the protocol says' },
        ...(side ? [side] : []),
      ];
    case 'amber':
      return [{ ...coding('A', 'Abnormal'), text: 'Amber: needs attention' }, ...(side ? [side] : [])];
    case 'outside-range':
      return [side ?? coding('A', 'Abnormal')];
    case 'normal':
      return [coding('N', 'Normal')];
  }
}

function referenceRange(r: ObservationRow): ObservationReferenceRange[] {
  if (r.rangeLow === null && r.rangeHigh === null) return [];
  return [
    {
      ...(r.rangeLow !== null ? { low: quantity(r.rangeLow, r.unit) } : {}),
      ...(r.rangeHigh !== null ? { high: quantity(r.rangeHigh, r.unit) } : {}),
      text:
        r.rangeSource === 'laboratory'
          ? 'The reporting laboratory’s range'
          : 'Paediatric reference range for the child’s age and sex',
    },
  ];
}

/** A result sent through FHIR keeps the identifier it came with (stored as `client|system|value`). */
function identifiers(r: ObservationRow): Observation['identifier'] {
  if (r.source !== 'fhir' || !r.externalId) return undefined;
  const [, system, ...value] = r.externalId.split('|');
  return [{ ...(system ? { system } : {}), value: value.join('|') }];
}

export function observationResource(r: ObservationRow): Observation {
  const loinc = loincFor(r.analyte);
  const acted = r.findings.filter((f) => f.outcome === r.outcome && f.action);
  const ids = identifiers(r);
  const ranges = referenceRange(r);
  return {
    resourceType: 'Observation',
    id: r.id,
    ...meta(r.recordedAt),
    ...(ids ? { identifier: ids } : {}),
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'laboratory',
            display: 'Laboratory',
          },
        ],
      },
    ],
    code: {
      coding: [{ system: LOINC_SYSTEM, code: loinc.code, display: loinc.display }],
      text: analyteNames[r.analyte],
    },
    subject: patientReference(r.patientId),
    effectiveDateTime: r.specimenDate,
    issued: r.recordedAt.toISOString(),
    ...(r.organisation ? { performer: [organisationReference(r.organisation)] } : {}),
    valueQuantity: quantity(r.value, r.unit),
    interpretation: interpretation(r),
    ...(acted.length ? { note: acted.map((f) => ({ text: `${f.rule}: ${f.action}` })) } : {}),
    ...(ranges.length ? { referenceRange: ranges } : {}),
  };
}

// ---------------------------------------------------------------------------------------------- CareTeam

export interface CareTeamMemberRow {
  id: string;
  organisation: OrganisationRef;
  role: string;
  namedPerson: string | null;
  startDate: PlainDate;
  endDate: PlainDate | null;
}

/** A child's care team is one CareTeam with the child's id: the organisations (and named people) in it. */
export function careTeamResource(
  patientId: string,
  members: readonly CareTeamMemberRow[],
  today: PlainDate,
): CareTeam {
  const current = members.some((m) => m.startDate <= today && (m.endDate === null || m.endDate >= today));
  return {
    resourceType: 'CareTeam',
    id: patientId,
    status: current ? 'active' : 'inactive',
    name: 'Shared care team',
    subject: patientReference(patientId),
    participant: members.map((m) => ({
      id: m.id,
      role: [text(m.role.replaceAll('_', ' '))],
      ...(m.namedPerson
        ? {
            member: { type: 'Practitioner', display: m.namedPerson },
            onBehalfOf: organisationReference(m.organisation),
          }
        : { member: organisationReference(m.organisation) }),
      period: { start: m.startDate, ...(m.endDate ? { end: m.endDate } : {}) },
    })),
  };
}

// ---------------------------------------------------------------------------------------------- CarePlan

export interface AgreementRow {
  id: string;
  patientId: string;
  state: AgreementState;
  protocolTitle: string;
  protocolId: string;
  protocolVersion: string;
  specialist: OrganisationRef;
  gpPractice: OrganisationRef;
  requestedOn: PlainDate | null;
  responseDueOn: PlainDate | null;
  transferDate: PlainDate | null;
  createdAt: Date;
}

const carePlanStatus: Record<AgreementState, CarePlan['status']> = {
  draft: 'draft',
  requested: 'draft',
  'no-response': 'draft',
  accepted: 'draft',
  consented: 'draft',
  active: 'active',
  suspended: 'on-hold',
  ended: 'completed',
  declined: 'revoked',
  withdrawn: 'revoked',
};

const category = (code: string, display: string): CodeableConcept[] => [
  { coding: [{ system: `${JOINTLY_SYSTEM}/care-plan-kind`, code, display }], text: display },
];

export function agreementCarePlan(a: AgreementRow): CarePlan {
  const due =
    a.state === 'requested' && a.responseDueOn
      ? `; the practice is asked to answer by ${a.responseDueOn}`
      : '';
  return {
    resourceType: 'CarePlan',
    id: a.id,
    status: carePlanStatus[a.state],
    intent: 'plan',
    category: category('shared-care-agreement', 'Shared care agreement'),
    title: `Shared care: ${a.protocolTitle}`,
    description: `${stateLabels[a.state].text} (protocol ${a.protocolId} version ${a.protocolVersion})${due}.`,
    subject: patientReference(a.patientId),
    ...(a.transferDate ? { period: { start: a.transferDate } } : {}),
    created: a.createdAt.toISOString(),
    author: organisationReference(a.specialist),
    contributor: [organisationReference(a.specialist), organisationReference(a.gpPractice)],
  };
}

export interface MonitoringRow {
  id: string;
  patientId: string;
  medicine: string;
  agreementId: string | null;
  specialist: OrganisationRef | null;
  responsible: OrganisationRef | null;
  place: 'gp-surgery' | 'hospital' | 'home';
  startedOn: PlainDate;
  stoppedOn: PlainDate | null;
  nextDueOn: PlainDate | null;
  nextDuePanels: Panel[];
  lastTestedOn: PlainDate | null;
  status: string;
  updatedAt: Date;
}

export const panelNames: Record<Panel, string> = {
  FBC: 'Full blood count (FBC)',
  LFT: 'Liver function tests (LFT)',
  'U&E': 'Urea and electrolytes (U&E)',
  CRP: 'C-reactive protein (CRP)',
  ESR: 'Erythrocyte sedimentation rate (ESR)',
  lipids: 'Lipids',
};

const placeNames = { 'gp-surgery': 'GP surgery', hospital: 'hospital', home: 'home visit' } as const;

/** A medicine's blood monitoring schedule, with an activity for each test due next. */
export function monitoringCarePlan(m: MonitoringRow, today: PlainDate): CarePlan {
  const stopped = m.stoppedOn !== null && m.stoppedOn < today;
  const overdue = m.status === 'overdue' || m.status === 'seriously-overdue';
  const activity: CarePlanActivity[] =
    stopped || !m.nextDueOn
      ? []
      : m.nextDuePanels.map((panel) => ({
          detail: {
            kind: 'ServiceRequest',
            code: text(panelNames[panel]),
            status: 'scheduled',
            scheduledPeriod: { start: m.nextDueOn! },
            ...(m.responsible ? { performer: [organisationReference(m.responsible)] } : {}),
            description: `Due ${m.nextDueOn}${overdue ? ' (overdue)' : ''}; taken at the ${placeNames[m.place]}.`,
          },
        }));
  return {
    resourceType: 'CarePlan',
    id: m.id,
    ...meta(m.updatedAt),
    status: stopped ? 'completed' : 'active',
    intent: 'plan',
    category: category('blood-monitoring', 'Blood test monitoring'),
    title: `Blood test monitoring for ${m.medicine}`,
    description: `Monitoring ${m.status.replaceAll('-', ' ')}${m.lastTestedOn ? `; last tested ${m.lastTestedOn}` : ''}.`,
    subject: patientReference(m.patientId),
    period: { start: m.startedOn, ...(m.stoppedOn ? { end: m.stoppedOn } : {}) },
    ...(m.agreementId ? { partOf: [{ reference: `CarePlan/${m.agreementId}` }] } : {}),
    ...(m.specialist ? { author: organisationReference(m.specialist) } : {}),
    ...(activity.length ? { activity } : {}),
  };
}

// ------------------------------------------------------------------------------------- MedicationRequest

export interface MedicationOrderRow {
  id: string;
  patientId: string;
  medicine: string;
  description: string;
  doseMg: number;
  startDate: PlainDate;
  stopDate: PlainDate | null;
  replacesOrderId: string | null;
  replacedByOrderId: string | null;
  agreementId: string | null;
  createdByName: string;
  createdAt: Date;
}

export function medicationRequestResource(o: MedicationOrderRow, today: PlainDate): MedicationRequest {
  const status: MedicationRequest['status'] = o.replacedByOrderId
    ? 'stopped'
    : o.stopDate !== null && o.stopDate < today
      ? 'completed'
      : 'active';
  return {
    resourceType: 'MedicationRequest',
    id: o.id,
    status,
    intent: 'order',
    medicationCodeableConcept: text(o.medicine),
    subject: patientReference(o.patientId),
    authoredOn: o.createdAt.toISOString(),
    requester: { type: 'Practitioner', display: o.createdByName },
    ...(o.agreementId ? { basedOn: [{ reference: `CarePlan/${o.agreementId}` }] } : {}),
    ...(o.replacesOrderId
      ? { priorPrescription: { reference: `MedicationRequest/${o.replacesOrderId}` } }
      : {}),
    dosageInstruction: [
      {
        text: o.description,
        timing: {
          repeat: { boundsPeriod: { start: o.startDate, ...(o.stopDate ? { end: o.stopDate } : {}) } },
        },
        doseAndRate: [{ doseQuantity: { value: o.doseMg, unit: 'mg', system: UCUM_SYSTEM, code: 'mg' } }],
      },
    ],
  };
}

// -------------------------------------------------------------------------------------------------- Task

export interface TaskRow {
  id: string;
  patientId: string;
  organisation: OrganisationRef;
  kind: string;
  title: string;
  subjectId: string | null;
  dueOn: PlainDate | null;
  status: 'open' | 'done' | 'cancelled';
  createdAt: Date;
  completedAt: Date | null;
  outcome: string | null;
}

export const taskStatuses = { open: 'ready', done: 'completed', cancelled: 'cancelled' } as const;

/** What a task is about, when Jointly serves it: the agreement, the alert, the medicine or the schedule. */
function taskFocus(t: TaskRow): Reference | undefined {
  if (!t.subjectId) return undefined;
  if (t.kind.includes('shared-care')) return { reference: `CarePlan/${t.subjectId}` };
  if (t.kind.startsWith('result-')) return { reference: `Flag/${t.subjectId}` };
  if (t.kind.startsWith('dose') || t.kind.startsWith('medicine')) {
    return { reference: `MedicationRequest/${t.subjectId}` };
  }
  if (['blood-test-due', 'monitoring-overdue', 'consider-withholding'].includes(t.kind)) {
    return { reference: `CarePlan/${t.subjectId}` };
  }
  return undefined;
}

export function taskResource(t: TaskRow): Task {
  const focus = taskFocus(t);
  const closed = t.completedAt ?? null;
  return {
    resourceType: 'Task',
    id: t.id,
    ...meta(closed ?? t.createdAt),
    status: taskStatuses[t.status],
    intent: 'order',
    code: {
      coding: [{ system: `${JOINTLY_SYSTEM}/task-kind`, code: t.kind }],
      text: t.kind.replaceAll('-', ' '),
    },
    description: t.title,
    ...(focus ? { focus } : {}),
    for: patientReference(t.patientId),
    authoredOn: t.createdAt.toISOString(),
    ...(closed ? { lastModified: closed.toISOString() } : {}),
    owner: organisationReference(t.organisation),
    ...(t.dueOn ? { restriction: { period: { end: t.dueOn } } } : {}),
    ...(t.outcome ? { statusReason: text(t.outcome) } : {}),
  };
}

// -------------------------------------------------------------------------------------------------- Flag

export interface AlertRow {
  id: string;
  patientId: string;
  resultId: string;
  outcome: 'red' | 'amber';
  /** "Red result: Neutrophils 1.2 ×10⁹/L (taken 20 November 2026). Withhold …" */
  title: string;
  specialist: OrganisationRef | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
}

export function flagResource(a: AlertRow): Flag {
  return {
    resourceType: 'Flag',
    id: a.id,
    extension: [
      {
        url: 'http://hl7.org/fhir/StructureDefinition/flag-detail',
        valueReference: { reference: `Observation/${a.resultId}` },
      },
    ],
    status: a.acknowledgedAt ? 'inactive' : 'active',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'lab', display: 'Lab' },
        ],
      },
    ],
    code: {
      coding: [
        {
          system: `${JOINTLY_SYSTEM}/result-alert`,
          code: `${a.outcome}-result`,
          display: a.outcome === 'red' ? 'Red result' : 'Amber result',
        },
      ],
      text: a.title,
    },
    subject: patientReference(a.patientId),
    period: {
      start: a.createdAt.toISOString(),
      ...(a.acknowledgedAt ? { end: a.acknowledgedAt.toISOString() } : {}),
    },
    ...(a.specialist ? { author: organisationReference(a.specialist) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------- AuditEvent

export interface AuditRow {
  seq: number;
  occurredAt: Date;
  userId: string | null;
  userEmail: string | null;
  role: string | null;
  organisation: OrganisationRef | null;
  patientId: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  relationship: string | null;
  breakGlassReason: string | null;
  details: unknown;
}

function slug(words: string): string {
  return (
    words
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'action'
  );
}

/** One entry of the audit trail: who (the account and its organisation), what, when, which patient, the outcome. */
export function auditEventResource(e: AuditRow): AuditEvent {
  const reason =
    e.details &&
    typeof e.details === 'object' &&
    typeof (e.details as { reason?: unknown }).reason === 'string'
      ? (e.details as { reason: string }).reason
      : undefined;
  return {
    resourceType: 'AuditEvent',
    id: String(e.seq),
    type: { system: `${JOINTLY_SYSTEM}/audit-action`, code: slug(e.action), display: e.action },
    recorded: e.occurredAt.toISOString(),
    outcome: e.outcome === 'allowed' ? '0' : '4',
    ...(reason ? { outcomeDesc: reason } : {}),
    agent: [
      {
        who: e.userId
          ? {
              identifier: { system: `${JOINTLY_SYSTEM}/user`, value: e.userId },
              ...(e.userEmail ? { display: e.userEmail } : {}),
            }
          : { display: 'Jointly (the system itself or its command line)' },
        requestor: e.userId !== null,
        ...(e.role ? { role: [text(e.role.replaceAll('_', ' '))] } : {}),
        ...(e.breakGlassReason
          ? {
              purposeOfUse: [
                {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                      code: 'ETREAT',
                      display: 'Emergency Treatment',
                    },
                  ],
                  text: `Break-glass: ${e.breakGlassReason}`,
                },
              ],
            }
          : {}),
      },
      ...(e.organisation ? [{ who: organisationReference(e.organisation), requestor: false }] : []),
    ],
    source: {
      observer: { display: 'Jointly' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity: [
      ...(e.patientId
        ? [
            {
              what: patientReference(e.patientId),
              type: {
                system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
                code: '1',
                display: 'Person',
              },
              role: {
                system: 'http://terminology.hl7.org/CodeSystem/object-role',
                code: '1',
                display: 'Patient',
              },
              ...(e.relationship ? { description: `Access through: ${e.relationship}` } : {}),
            },
          ]
        : []),
      { name: 'details', detail: [{ type: 'details', valueString: JSON.stringify(e.details ?? {}) }] },
    ],
  };
}
