import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyteForLoinc } from '../loinc.ts';
import { fbc, lft, oruMessage, SAMPLE_23, SAMPLE_24, SAMPLE_251 } from './hl7.testing.ts';
import { buildAck, escapeHl7 } from './hl7-ack.rules.ts';
import {
  type CodeLookup,
  hl7Date,
  mapResults,
  type OruMessage,
  type ParsedOru,
  parseOru,
  readHeader,
  readRange,
  resultProblemsAsHl7,
} from './hl7-oru.rules.ts';

const options = { allowTestRange: true };
const loincOnly: CodeLookup = (c) => (c.system === 'LN' ? analyteForLoinc(c.code) : undefined);

function parsed(text: string): OruMessage {
  const result = parseOru(text, options);
  if (!result.ok) assert.fail(`expected the message to parse: ${JSON.stringify(result.problems)}`);
  return result.message;
}

function refused(text: string): Extract<ParsedOru, { ok: false }> {
  const result = parseOru(text, options);
  if (result.ok) assert.fail('expected the message to be refused');
  return result;
}

const lines = (text: string) => text.split('\r');
const withLine = (text: string, index: number, line: string) =>
  lines(text)
    .map((l, i) => (i === index ? line : l))
    .join('\r');

describe('reading ORU^R01 messages', () => {
  test('v2.5.1 with two orders: each result with its code, value, unit, range, specimen date and id', () => {
    const m = parsed(SAMPLE_251);
    assert.equal(m.header.sendingFacility, 'LH001');
    assert.equal(m.header.controlId, 'LH001-000123');
    assert.equal(m.patient.nhsNumber, '9990000018', 'the NHS number is the repetition the NHS assigned');
    assert.equal(m.patient.dateOfBirth, '2016-03-14');
    assert.deepEqual(m.patient.otherIdentifiers, [{ value: 'H123456', authority: 'LH001', type: 'MR' }]);
    const mapped = mapResults(m.observations, loincOnly);
    assert.deepEqual(
      mapped.results.map((r) => [r.analyte, r.reported.value, r.reported.unit, r.reported.specimenDate]),
      [
        ['haemoglobin', 118, 'g/L', '2026-11-24'],
        ['white_cell_count', 6.2, '10*9/L', '2026-11-24'],
        ['neutrophils', 3.1, '10*9/L', '2026-11-24'],
        ['platelets', 310, '10*9/L', '2026-11-24'],
        ['alt', 24, 'U/L', '2026-11-25'],
        ['alkaline_phosphatase', 210, 'U/L', '2026-11-25'],
        ['albumin', 42, 'g/L', '2026-11-25'],
      ],
      'the FBC takes the collection date from SPM-17, the LFT from OBR-7; the specimen OBX after SPM is no result',
    );
    const neutrophils = mapped.results[2]!.reported;
    assert.equal(neutrophils.externalId, 'LH001|LH001-000123|1|3');
    assert.deepEqual([neutrophils.rangeLow, neutrophils.rangeHigh], [1.5, 8]);
    assert.deepEqual(
      [mapped.results[4]!.reported.rangeLow, mapped.results[4]!.reported.rangeHigh],
      [null, 40],
    );
    assert.equal(mapped.results[4]!.reported.externalId, 'LH001|LH001-000123|2|1');
    assert.deepEqual(mapped.unmapped, []);
  });

  test('NTE comments belong to the order or the result they follow', () => {
    const m = parsed(SAMPLE_251);
    assert.deepEqual(m.orders[0]!.comments, ['Sample received in good condition']);
    assert.deepEqual(m.observations[2]!.comments, ['Manual differential confirms', 'No blasts seen']);
    assert.deepEqual(m.observations[0]!.comments, []);
  });

  test('v2.3: a local code with LOINC as its alternate is mapped; one with no mapping waits for a person', () => {
    const m = parsed(SAMPLE_23);
    assert.equal(m.patient.nhsNumber, '9990000026', 'identifier type NH marks the NHS number');
    const mapped = mapResults(m.observations, loincOnly);
    assert.deepEqual(
      mapped.results.map((r) => [r.analyte, r.reported.value, r.reported.unit]),
      [
        ['white_cell_count', 7.1, 'x10^9/L'],
        ['haemoglobin', 13.2, 'g/dL'],
      ],
      'the escaped ^ in the unit is read as ^',
    );
    assert.deepEqual(mapped.unmapped, [{ system: 'local:GP001', code: 'NEUT', text: 'Neutrophils' }]);
  });

  test('an administrator’s mapping of a local code is used', () => {
    const m = parsed(SAMPLE_23);
    const mapped = mapResults(m.observations, (c) =>
      c.system === 'local:GP001' && c.code === 'NEUT' ? 'neutrophils' : loincOnly(c),
    );
    assert.deepEqual(mapped.unmapped, []);
    assert.equal(mapped.results.find((r) => r.analyte === 'neutrophils')?.reported.value, 4.2);
  });

  test('v2.4: NHS number by OID; corrected results recorded, preliminary and text ones not; SN values', () => {
    const m = parsed(SAMPLE_24);
    assert.equal(m.patient.nhsNumber, '9990000018');
    assert.equal(m.patient.dateOfBirth, '2016-03-14', 'a date of birth with a time keeps its date');
    const mapped = mapResults(m.observations, loincOnly);
    assert.deepEqual(
      mapped.results.map((r) => [r.analyte, r.reported.value, r.reported.specimenDate]),
      [
        ['creatinine', 38, '2026-11-23'],
        ['crp', 4, '2026-11-23'],
      ],
    );
    assert.deepEqual(
      mapped.notRecorded.map((n) => n.why),
      ['result status P: not final', 'a TX observation, not a result'],
    );
  });

  test('a message built by the sample writer round-trips', () => {
    const m = parsed(oruMessage({ controlId: 'C1', orders: [fbc('1.2'), lft()] }));
    const mapped = mapResults(m.observations, loincOnly);
    assert.equal(mapped.results.length, 7);
    assert.equal(mapped.results.find((r) => r.analyte === 'neutrophils')?.reported.value, 1.2);
  });

  test('no NHS number, or one with a wrong check digit, still parses: the patient is matched by a person', () => {
    const none = parsed(oruMessage({ controlId: 'C2', nhsNumber: null, orders: [fbc()] }));
    assert.equal(none.patient.nhsNumber, null);
    const wrong = parsed(oruMessage({ controlId: 'C3', nhsNumber: '9990000019', orders: [fbc()] }));
    assert.equal(wrong.patient.nhsNumber, '9990000019');
    assert.match(wrong.patient.nhsNumberProblem ?? '', /check digit/);
    const test = parseOru(oruMessage({ controlId: 'C4', orders: [fbc()] }), { allowTestRange: false });
    assert.ok(test.ok);
    assert.match(test.message.patient.nhsNumberProblem ?? '', /test numbers/);
  });
});

describe('refusing messages that are not right, saying where', () => {
  const good = oruMessage({ controlId: 'C9', orders: [fbc()] });

  const cases: [string, string, 'AR' | 'AE', { segment: string; field: number | null; message: RegExp }][] = [
    [
      'no MSH',
      good.slice(good.indexOf('\r') + 1),
      'AR',
      { segment: 'MSH', field: null, message: /begin with an MSH/ },
    ],
    [
      'another field separator',
      good.replace(/\|/g, '#'),
      'AR',
      { segment: 'MSH', field: 1, message: /field separator/ },
    ],
    [
      'other encoding characters',
      good.replace('MSH|^~\\&|', 'MSH|$~\\&|'),
      'AR',
      { segment: 'MSH', field: 2, message: /encoding/ },
    ],
    [
      'not ORU',
      good.replace('ORU^R01^ORU_R01', 'ADT^A01^ADT_A01'),
      'AR',
      { segment: 'MSH', field: 9, message: /ORU\^R01 only/ },
    ],
    [
      'not R01',
      good.replace('ORU^R01^ORU_R01', 'ORU^R30'),
      'AR',
      { segment: 'MSH', field: 9, message: /ORU\^R30/ },
    ],
    ['no control id', good.replace('|C9|', '||'), 'AR', { segment: 'MSH', field: 10, message: /control id/ }],
    [
      'version 2.6',
      good.replace('|P|2.5.1', '|P|2.6'),
      'AR',
      { segment: 'MSH', field: 12, message: /2\.6.*not supported/ },
    ],
    [
      'no sending facility',
      good.replace('|WINPATH|LH001|', '|WINPATH||'),
      'AR',
      { segment: 'MSH', field: 4, message: /sending facility/ },
    ],
    [
      'no PID',
      lines(good)
        .filter((l) => !l.startsWith('PID'))
        .join('\r'),
      'AE',
      { segment: 'PID', field: null, message: /missing/ },
    ],
    [
      'a date of birth that is no date',
      good.replace('|20160314|', '|20161314|'),
      'AE',
      { segment: 'PID', field: 7, message: /date of birth/ },
    ],
    [
      'two NHS numbers',
      good.replace('9990000018^^^NHS^NH', '9990000018^^^NHS^NH~9990000026^^^NHS^NH'),
      'AE',
      { segment: 'PID', field: 3, message: /two different NHS numbers/ },
    ],
    [
      'OBX before any OBR',
      withLine(good, 2, 'OBX|1|NM|718-7^Hemoglobin^LN||118|g/L|||||F'),
      'AE',
      { segment: 'OBX', field: null, message: /follow an OBR/ },
    ],
    [
      'no result status',
      good.replace(/\|F\|\|\|\r/, '||||\r'),
      'AE',
      { segment: 'OBX', field: 11, message: /result status/ },
    ],
    [
      'a result status not in table 0085',
      good.replace(/\|F\|\|\|\r/, '|Q|||\r'),
      'AE',
      { segment: 'OBX', field: 11, message: /not a result status/ },
    ],
    [
      'no specimen date anywhere',
      good.replace('|20261125091500|', '||'),
      'AE',
      { segment: 'OBX', field: 14, message: /No specimen date/ },
    ],
    [
      'the same OBX set id twice',
      good.replace('OBX|2|', 'OBX|1|'),
      'AE',
      { segment: 'OBX', field: 1, message: /appears twice/ },
    ],
    [
      'no test code',
      good.replace('718-7^Hemoglobin^LN', ''),
      'AE',
      { segment: 'OBX', field: 3, message: /test code/ },
    ],
  ];
  for (const [name, text, ack, expected] of cases) {
    test(`${name} → ${ack}`, () => {
      const result = refused(text);
      assert.equal(result.ack, ack);
      const found = result.problems.find((p) => p.segment === expected.segment && p.field === expected.field);
      assert.ok(
        found,
        `a problem at ${expected.segment}-${expected.field}: ${JSON.stringify(result.problems)}`,
      );
      assert.match(found.message, expected.message);
    });
  }

  test('a result Jointly records must be one number: "<5" is refused at OBX-5, never guessed', () => {
    const m = parsed(
      oruMessage({
        controlId: 'C10',
        orders: [
          {
            code: 'CRP',
            text: 'CRP',
            results: [{ code: '1988-5', text: 'CRP', value: '<5', unit: 'mg/L', valueType: 'ST' }],
          },
        ],
      }),
    );
    const mapped = mapResults(m.observations, loincOnly);
    assert.deepEqual(mapped.results, []);
    assert.equal(mapped.problems[0]?.field, 5);
    assert.match(mapped.problems[0]!.message, /“<5” is not a single number/);
  });

  test('the results path’s refusals point at the OBX they came from', () => {
    const m = parsed(oruMessage({ controlId: 'C11', orders: [fbc(), lft()] }));
    const mapped = mapResults(m.observations, loincOnly);
    const problems = resultProblemsAsHl7(
      [{ field: 'results.5.unit', message: 'Alkaline phosphatase: “x” is not a unit' }],
      mapped.results,
    );
    assert.deepEqual(problems, [
      {
        segment: 'OBX',
        sequence: 6,
        field: 6,
        error: 'dataType',
        message: 'Alkaline phosphatase: “x” is not a unit',
      },
    ]);
  });
});

describe('dates and ranges as laboratories write them', () => {
  test('HL7 dates', () => {
    assert.equal(hl7Date('20261125'), '2026-11-25');
    assert.equal(hl7Date('202611250915'), '2026-11-25');
    assert.equal(hl7Date('20261125091500.123+0100'), '2026-11-25');
    assert.equal(hl7Date('20260230'), null);
    assert.equal(hl7Date('2026-11-25'), null);
    assert.equal(hl7Date('202611'), null);
  });
  test('reference ranges', () => {
    assert.deepEqual(readRange('1.5-8.0'), { low: 1.5, high: 8 });
    assert.deepEqual(readRange('1.5 - 8.0'), { low: 1.5, high: 8 });
    assert.deepEqual(readRange('<5'), { low: null, high: 5 });
    assert.deepEqual(readRange('>=10'), { low: 10, high: null });
    assert.equal(readRange('Negative'), null);
    assert.equal(readRange(''), null);
  });
});

describe('acknowledgements', () => {
  const header = parsed(SAMPLE_251).header;
  const now = new Date('2026-11-26T10:00:00Z');

  test('AA echoes the control id and is addressed back to the sender', () => {
    const ack = buildAck({ code: 'AA', header, now, ackControlId: 'J1' }).split('\r');
    assert.equal(
      ack[0],
      'MSH|^~\\&|JOINTLY|JOINTLY|WINPATH|LH001^2.16.840.1.113883.2.1.3.2.4.17.1^ISO|20261126100000+0000||ACK^R01^ACK|J1|P|2.5.1',
    );
    assert.equal(ack[1], 'MSA|AA|LH001-000123|Message accepted');
    assert.equal(ack.length, 2);
  });

  test('AE carries one ERR per problem, in the v2.3 and the v2.5 places, with separators escaped', () => {
    const ack = buildAck({
      code: 'AE',
      header,
      now,
      ackControlId: 'J2',
      problems: [
        { segment: 'OBX', sequence: 3, field: 5, error: 'dataType', message: 'Value “1|2^3” is wrong & odd' },
      ],
    }).split('\r');
    assert.match(ack[1]!, /^MSA\|AE\|LH001-000123\|Not recorded: Value “1\\F\\2\\S\\3” is wrong \\T\\ odd$/);
    assert.equal(
      ack[2],
      'ERR|OBX^3^5^102&Value “1\\F\\2\\S\\3” is wrong \\T\\ odd&HL70357|OBX^3^5|102^Data type error^HL70357|E||||Value “1\\F\\2\\S\\3” is wrong \\T\\ odd',
    );
  });

  test('a v2.3 sender gets a v2.3 ACK; a message with no readable header gets MSA with no control id', () => {
    const old = parsed(SAMPLE_23).header;
    assert.match(buildAck({ code: 'AA', header: old, now, ackControlId: 'J3' }), /\|ACK\^R01\|J3\|P\|2\.3\r/);
    const junk = buildAck({
      code: 'AR',
      header: null,
      now,
      ackControlId: 'J4',
      problems: [{ segment: 'MSH', sequence: 1, field: null, error: 'segmentSequence', message: 'No MSH' }],
    });
    assert.match(junk, /\rMSA\|AR\|\|Rejected: No MSH\r/);
  });

  test('the header of a message too large to read whole', () => {
    assert.equal(readHeader(`${SAMPLE_251}\rOBX|${'9'.repeat(100)}`)?.controlId, 'LH001-000123');
    assert.equal(readHeader('garbage'), null);
  });

  test('escaping', () => {
    assert.equal(escapeHl7('a\\b|c^d&e~f\rg'), 'a\\E\\b\\F\\c\\S\\d\\T\\e\\R\\f g');
  });
});

describe('fuzzing the parser and mapper (fast-check)', () => {
  const samples = [SAMPLE_251, SAMPLE_23, SAMPLE_24, oruMessage({ controlId: 'F1', orders: [fbc(), lft()] })];

  /** Parse and map: must never throw, and anything it accepts must be whole. */
  function parseAndMap(text: string): void {
    const result = parseOru(text, options);
    if (!result.ok) {
      assert.ok(result.problems.length > 0, 'a refusal always says why');
      assert.ok(['AR', 'AE'].includes(result.ack));
      buildAck({
        code: result.ack,
        header: result.header,
        problems: result.problems,
        now: new Date(),
        ackControlId: 'F',
      });
      return;
    }
    const mapped = mapResults(result.message.observations, loincOnly);
    for (const r of mapped.results) {
      assert.ok(Number.isFinite(r.reported.value));
      assert.match(r.reported.specimenDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(r.reported.externalId.includes(result.message.header.controlId));
    }
    buildAck({ code: 'AA', header: result.message.header, now: new Date(), ackControlId: 'F' });
  }

  test('random text never crashes the parser', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => parseAndMap(text)),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (rest) => parseAndMap(`MSH|^~\\&|${rest}`)),
      { numRuns: 1000 },
    );
  });

  test('mutated sample messages never crash it either', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('replace' as const),
        at: fc.nat(),
        with: fc.string({ minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        with: fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', '\x00', '\x0b', '\x1c', 'OBX|', 'PID|'),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 20 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        (sample, mutations) => {
          let text = sample;
          for (const m of mutations) {
            const at = m.at % (text.length + 1);
            if (m.kind === 'replace') text = text.slice(0, at) + m.with + text.slice(at + m.with.length);
            else if (m.kind === 'insert') text = text.slice(0, at) + m.with + text.slice(at);
            else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
            else text = text.slice(0, at);
          }
          parseAndMap(text);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
