import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readObservation } from './observation-input.rules.ts';
import { FhirProblem } from './outcome.ts';

const clientId = '6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b';
const options = { clientId, allowTestNhsNumbers: true };

function neutrophils(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '751-8' }] },
    subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' } },
    effectiveDateTime: '2026-11-20',
    valueQuantity: { value: 1.2, unit: '10*9/L', system: 'http://unitsofmeasure.org', code: '10*9/L' },
    referenceRange: [{ low: { value: 1.5, unit: '10*9/L' }, high: { value: 8, unit: '10*9/L' } }],
    identifier: [{ system: 'https://lab.example/result', value: 'R-1' }],
    ...overrides,
  };
}

/** The status and the elements named by the refusal. */
function refusal(body: unknown): { status: number; elements: string[]; text: string } {
  try {
    readObservation(body, options);
  } catch (error) {
    assert.ok(error instanceof FhirProblem, String(error));
    return {
      status: error.status,
      elements: error.issues.flatMap((i) => i.expression ?? []),
      text: error.message,
    };
  }
  assert.fail('the Observation was taken');
}

describe('reading a laboratory result sent as a FHIR Observation', () => {
  test('a neutrophil count by NHS number becomes a result in the sender’s unit, range and identifier', () => {
    assert.deepEqual(readObservation(neutrophils(), options), {
      subject: { nhsNumber: '9990000018' },
      result: {
        analyte: 'neutrophils',
        value: 1.2,
        unit: '10*9/L',
        rangeLow: 1.5,
        rangeHigh: 8,
        specimenDate: '2026-11-20',
        externalId: `${clientId}|https://lab.example/result|R-1`,
      },
    });
  });

  test('a patient reference, a UCUM code without unit text and a date-time after midnight in the UK', () => {
    const read = readObservation(
      neutrophils({
        subject: { reference: 'Patient/0B6C1D9E-8F3A-4C57-9B1E-2A4D6F8C0E13' },
        valueQuantity: { value: 3, system: 'http://unitsofmeasure.org', code: '10*9/L' },
        effectiveDateTime: '2026-06-30T23:30:00Z',
        referenceRange: undefined,
        identifier: undefined,
      }),
      options,
    );
    assert.deepEqual(read.subject, { patientId: '0b6c1d9e-8f3a-4c57-9b1e-2a4d6f8c0e13' });
    assert.equal(read.result.unit, '10*9/L');
    // 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    assert.equal(read.result.specimenDate, '2026-07-01');
    assert.equal(read.result.externalId, null);
  });

  test('an unknown LOINC code is a 422 naming Observation.code', () => {
    const r = refusal(neutrophils({ code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] } }));
    assert.equal(r.status, 422);
    assert.deepEqual(r.elements, ['Observation.code']);
    assert.match(r.text, /LOINC 2345-7 is not a test Jointly monitors/);
  });

  test('a code from another system only is a 422 too: codes are never guessed', () => {
    const r = refusal(
      neutrophils({ code: { coding: [{ system: 'http://snomed.info/sct', code: '30630007' }] } }),
    );
    assert.equal(r.status, 422);
    assert.deepEqual(r.elements, ['Observation.code']);
  });

  test('a value that is not a number is a 400 naming Observation.valueQuantity.value', () => {
    const r = refusal(neutrophils({ valueQuantity: { value: '1.2', unit: '10*9/L' } }));
    assert.equal(r.status, 400);
    assert.deepEqual(r.elements, ['Observation.valueQuantity.value']);
  });

  test('every malformed element is named at once', () => {
    const r = refusal(
      neutrophils({
        subject: undefined,
        effectiveDateTime: '20/11/2026',
        valueQuantity: { value: 1 },
        colour: 'red',
      }),
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.elements.sort(), [
      'Observation.colour',
      'Observation.effectiveDateTime',
      'Observation.subject',
      'Observation.valueQuantity.unit',
    ]);
  });

  test('a preliminary result, a value with a comparator or a text value is refused (422), naming each', () => {
    assert.deepEqual(refusal(neutrophils({ status: 'preliminary' })).elements, ['Observation.status']);
    assert.deepEqual(
      refusal(neutrophils({ valueQuantity: { value: 0.5, comparator: '<', unit: '10*9/L' } })).elements,
      ['Observation.valueQuantity.comparator'],
    );
    const text = refusal(neutrophils({ valueQuantity: undefined, valueString: 'low' }));
    assert.equal(text.status, 422);
    assert.deepEqual(text.elements, ['Observation.valueString']);
  });

  test('a range in another unit than the value is refused rather than compared', () => {
    const r = refusal(neutrophils({ referenceRange: [{ low: { value: 1500, unit: '/uL' } }] }));
    assert.equal(r.status, 422);
    assert.deepEqual(r.elements, ['Observation.referenceRange.low.unit']);
  });

  test('a mistyped NHS number, or one in the test range outside test mode, names the identifier value', () => {
    const typo = neutrophils({
      subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' } },
    });
    assert.deepEqual(refusal(typo).elements, ['Observation.subject.identifier.value']);
    assert.throws(
      () => readObservation(neutrophils(), { clientId, allowTestNhsNumbers: false }),
      /test numbers/,
    );
  });

  test('anything but one Observation object is a 400', () => {
    assert.equal(refusal([neutrophils()]).status, 400);
    assert.deepEqual(refusal({ ...neutrophils(), resourceType: 'Patient' }).elements, [
      'Observation.resourceType',
    ]);
  });
});
