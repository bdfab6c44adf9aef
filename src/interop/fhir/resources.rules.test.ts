import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../../kernel/dates.ts';
import type { Finding } from '../../results/thresholds.rules.ts';
import { assertValidFhir } from './fhir.testing.ts';
import {
  type AgreementRow,
  agreementCarePlan,
  auditEventResource,
  careTeamResource,
  flagResource,
  interpretation,
  medicationRequestResource,
  monitoringCarePlan,
  type ObservationRow,
  observationResource,
  patientResource,
  taskResource,
} from './resources.rules.ts';

const today = '2026-11-26' as PlainDate;
const patientId = '0b6c1d9e-8f3a-4c57-9b1e-2a4d6f8c0e13';
const sc = { code: 'SC001', name: "Northfield Children's Rheumatology Centre" };
const gp = { code: 'GP001', name: 'Riverside Surgery' };
const at = new Date('2026-11-20T09:30:00Z');

const redNeutrophils: Finding = {
  outcome: 'red',
  rule: 'Neutrophils below 1.6 ×10⁹/L',
  action: 'Withhold methotrexate and discuss with the specialist team.',
  repeatWithinDays: null,
  source: 'REFERENCE-2.md §7',
  confirmed: true,
  protocolId: 'methotrexate-oral-jia',
  medicine: 'methotrexate',
};

function result(overrides: Partial<ObservationRow> = {}): ObservationRow {
  return {
    id: '5d0e8a2c-3b7f-4e19-a6d4-9c1f2e8b7a30',
    patientId,
    analyte: 'neutrophils',
    value: 1.2,
    unit: '×10⁹/L',
    rangeLow: 1.5,
    rangeHigh: 8,
    rangeSource: 'laboratory',
    specimenDate: '2026-11-20' as PlainDate,
    outcome: 'red',
    findings: [redNeutrophils],
    source: 'fhir',
    externalId: `c1|https://lab.example/id|LAB-1`,
    recordedAt: at,
    organisation: gp,
    ...overrides,
  };
}

describe('Jointly records as FHIR R4 resources', () => {
  test('a patient validates, with the NHS number, the registered practice and a FHIR gender', () => {
    const patient = patientResource({
      id: patientId,
      nhsNumber: '9990000018',
      givenName: 'Amelia',
      familyName: 'Hart',
      dateOfBirth: '2016-03-14' as PlainDate,
      sex: 'indeterminate',
      postcode: 'NF1 2AB',
      registeredPractice: gp,
      updatedAt: at,
    });
    assertValidFhir(patient);
    assert.deepEqual(patient.identifier, [
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' },
    ]);
    assert.equal(patient.gender, 'other');
    assert.equal(patient.generalPractitioner?.[0]?.identifier?.value, 'GP001');
  });

  test('a red result validates, coded in LOINC, with its range, the identifier it came with and the action', () => {
    const observation = observationResource(result());
    assertValidFhir(observation);
    assert.equal(observation.code.coding?.[0]?.code, '751-8');
    assert.deepEqual(observation.identifier, [{ system: 'https://lab.example/id', value: 'LAB-1' }]);
    assert.equal(observation.valueQuantity?.code, '10*9/L');
    assert.deepEqual(
      observation.interpretation?.map((i) => i.coding?.[0]?.code),
      ['AA', 'L'],
    );
    assert.match(observation.note?.[0]?.text ?? '', /Withhold methotrexate/);
  });

  test('results typed in, without a range, or in every unit Jointly keeps, validate too', () => {
    for (const [analyte, unit] of [
      ['egfr', 'mL/min/1.73m²'],
      ['esr', 'mm/h'],
      ['bilirubin', 'µmol/L'],
    ] as const) {
      assertValidFhir(
        observationResource(
          result({
            analyte,
            unit,
            value: 20,
            rangeLow: null,
            rangeHigh: null,
            rangeSource: null,
            outcome: 'normal',
            findings: [],
            source: 'form',
            externalId: null,
            organisation: null,
          }),
        ),
      );
    }
  });

  test('interpretation: amber above the range is A and H; outside the range alone is L; normal is N', () => {
    const codes = (r: Parameters<typeof interpretation>[0]) =>
      interpretation(r).map((i) => i.coding?.[0]?.code);
    assert.deepEqual(codes({ value: 90, rangeLow: 0, rangeHigh: 40, outcome: 'amber' }), ['A', 'H']);
    assert.deepEqual(codes({ value: 1, rangeLow: 2, rangeHigh: 5, outcome: 'outside-range' }), ['L']);
    assert.deepEqual(codes({ value: 3, rangeLow: 2, rangeHigh: 5, outcome: 'normal' }), ['N']);
  });

  test('a care team validates, with named people on behalf of their organisation and ended parts', () => {
    const team = careTeamResource(
      patientId,
      [
        {
          id: 'a1',
          organisation: sc,
          role: 'lead_consultant',
          namedPerson: 'Dr Priya Shah',
          startDate: '2024-01-10' as PlainDate,
          endDate: null,
        },
        {
          id: 'a2',
          organisation: gp,
          role: 'gp_practice',
          namedPerson: null,
          startDate: '2023-05-01' as PlainDate,
          endDate: '2025-06-30' as PlainDate,
        },
      ],
      today,
    );
    assertValidFhir(team);
    assert.equal(team.status, 'active');
    assert.equal(team.participant?.[1]?.period?.end, '2025-06-30');
  });

  test('an agreement and a monitoring schedule validate as care plans, the schedule with the tests due', () => {
    const agreement: AgreementRow = {
      id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      patientId,
      state: 'requested',
      protocolTitle: 'Methotrexate (oral) for JIA',
      protocolId: 'methotrexate-oral-jia',
      protocolVersion: '1.0',
      specialist: sc,
      gpPractice: gp,
      requestedOn: '2026-11-20' as PlainDate,
      responseDueOn: '2026-12-04' as PlainDate,
      transferDate: null,
      createdAt: at,
    };
    const plan = agreementCarePlan(agreement);
    assertValidFhir(plan);
    assert.equal(plan.status, 'draft');
    assert.match(plan.description ?? '', /answer by 2026-12-04/);

    const schedule = monitoringCarePlan(
      {
        id: '8b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        patientId,
        medicine: 'methotrexate',
        agreementId: agreement.id,
        specialist: sc,
        responsible: gp,
        place: 'gp-surgery',
        startedOn: '2026-08-18' as PlainDate,
        stoppedOn: null,
        nextDueOn: '2026-11-23' as PlainDate,
        nextDuePanels: ['FBC', 'LFT', 'U&E'],
        lastTestedOn: '2026-10-26' as PlainDate,
        status: 'overdue',
        updatedAt: at,
      },
      today,
    );
    assertValidFhir(schedule);
    assert.equal(schedule.activity?.length, 3);
    assert.equal(schedule.activity?.[0]?.detail?.scheduledPeriod?.start, '2026-11-23');
    assert.match(schedule.activity?.[0]?.detail?.description ?? '', /overdue/);
    assert.equal(schedule.partOf?.[0]?.reference, `CarePlan/${agreement.id}`);
  });

  test('a medication order validates; one replaced by a dose change is stopped', () => {
    const order = {
      id: '9c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
      patientId,
      medicine: 'Methotrexate',
      description: '6 × 2.5 mg tablets (15 mg) once weekly on Monday',
      doseMg: 15,
      startDate: '2026-08-18' as PlainDate,
      stopDate: null,
      replacesOrderId: null,
      replacedByOrderId: null,
      agreementId: null,
      createdByName: 'Dr Priya Shah',
      createdAt: at,
    };
    const request = medicationRequestResource(order, today);
    assertValidFhir(request);
    assert.equal(request.status, 'active');
    assert.equal(medicationRequestResource({ ...order, replacedByOrderId: 'x' }, today).status, 'stopped');
  });

  test('a task validates with its owner, due date and what it is about', () => {
    const task = taskResource({
      id: '1d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a',
      patientId,
      organisation: gp,
      kind: 'result-red',
      title: 'Red result: Neutrophils 1.2 ×10⁹/L (taken 20 November 2026). Withhold methotrexate.',
      subjectId: '2e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
      dueOn: today,
      status: 'done',
      createdAt: at,
      completedAt: new Date('2026-11-21T10:00:00Z'),
      outcome: 'Seen by the GP',
    });
    assertValidFhir(task);
    assert.equal(task.status, 'completed');
    assert.equal(task.focus?.reference, 'Flag/2e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b');
  });

  test('an alert validates as a flag pointing at its result', () => {
    const flag = flagResource({
      id: '3f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
      patientId,
      resultId: '5d0e8a2c-3b7f-4e19-a6d4-9c1f2e8b7a30',
      outcome: 'red',
      title: 'Red result: Neutrophils 1.2 ×10⁹/L',
      specialist: sc,
      createdAt: at,
      acknowledgedAt: null,
    });
    assertValidFhir(flag);
    assert.equal(flag.status, 'active');
  });

  test('audit entries validate: a refusal, a break-glass read, and a command-line entry without a user', () => {
    for (const entry of [
      {
        userId: '4a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
        userEmail: 'api-client-x@clients.jointly.invalid',
        role: 'practice_nurse',
        organisation: gp,
        patientId,
        action: 'FHIR read Patient',
        outcome: 'refused' as const,
        relationship: null,
        breakGlassReason: null,
        details: { reason: 'Your organisation (GP002) is not in this patient’s current care team.' },
      },
      {
        userId: '4a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
        userEmail: 'gp@demo.test',
        role: 'gp',
        organisation: gp,
        patientId,
        action: 'view summary',
        outcome: 'allowed' as const,
        relationship: 'break-glass',
        breakGlassReason: 'Seen in A&E out of hours',
        details: {},
      },
      {
        userId: null,
        userEmail: null,
        role: null,
        organisation: null,
        patientId: null,
        action: 'add API client',
        outcome: 'allowed' as const,
        relationship: null,
        breakGlassReason: null,
        details: { via: 'command line' },
      },
    ]) {
      const event = auditEventResource({ seq: 42, occurredAt: at, ...entry });
      assertValidFhir(event);
    }
  });
});
