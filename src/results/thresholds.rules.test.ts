import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import {
  type Analyte,
  checkProtocol,
  type Protocol,
  type SourcedNumber,
} from '../protocols/protocol.schema.ts';
import methotrexateFile from '../protocols/shipped/methotrexate-oral-jia.json' with { type: 'json' };
import {
  describeRule,
  type EarlierResult,
  type Finding,
  judgeResult,
  monthsBefore,
  outcomeRank,
  type ResultOutcome,
  type ThresholdSet,
} from './thresholds.rules.ts';

const checked = checkProtocol(methotrexateFile);
assert.ok(checked.ok);
const methotrexate: ThresholdSet = {
  protocolId: checked.protocol.id,
  protocolVersion: checked.protocol.version,
  medicine: 'methotrexate',
  thresholds: checked.protocol.thresholds,
};

const today = '2026-06-15' as PlainDate;
const daysAgo = (n: number) => addDays(today, -n);

function judge(
  analyte: Analyte,
  value: number,
  options: {
    range?: { low: number | null; high: number | null } | null;
    earlier?: EarlierResult[];
    sets?: ThresholdSet[];
  } = {},
) {
  return judgeResult(
    { analyte, value, specimenDate: today, range: options.range ?? null },
    options.earlier ?? [],
    options.sets ?? [methotrexate],
  );
}

const withhold = 'Withhold methotrexate and discuss with the specialist team today.';
const repeatAndTell = 'Repeat within 2 weeks and tell the specialist team.';

describe('judging a result against the methotrexate protocol', () => {
  test('neutrophils 1.5 is red, with the protocol’s action, source and medicine', () => {
    const { outcome, findings } = judge('neutrophils', 1.5);
    assert.equal(outcome, 'red');
    assert.deepEqual(findings, [
      {
        outcome: 'red',
        rule: 'Neutrophils below 1.6 ×10⁹/L',
        action: withhold,
        repeatWithinDays: null,
        source: methotrexate.thresholds.find((t) => t.analyte === 'neutrophils')?.source,
        confirmed: true,
        protocolId: 'methotrexate-oral-jia',
        medicine: 'methotrexate',
      },
    ]);
  });

  test('neutrophils of exactly 1.6 is not red', () => {
    assert.equal(judge('neutrophils', 1.6).outcome, 'normal');
    assert.equal(judge('neutrophils', 1.6, { range: { low: 2, high: 8 } }).outcome, 'outside-range');
  });

  test('each absolute red threshold in the file fires just past its number and not at it', () => {
    const cases: [Analyte, number, number][] = [
      ['white_cell_count', 3.4, 3.5],
      ['platelets', 139, 140],
      ['eosinophils', 0.51, 0.5],
      ['alt', 101, 100],
      ['ast', 101, 100],
      ['mcv', 106, 105],
      ['albumin', 29, 30],
      ['egfr', 59, 60],
    ];
    for (const [analyte, red, notRed] of cases) {
      assert.equal(
        judge(analyte, red, { range: { low: null, high: 40 } }).outcome,
        'red',
        `${analyte} ${red}`,
      );
      assert.notEqual(judge(analyte, notRed, { range: { low: 0, high: 1000 } }).outcome, 'red', analyte);
    }
  });

  test('ALT 85 with an upper limit of 40 is amber: above 2 × the upper limit, up to 100', () => {
    const { outcome, findings } = judge('alt', 85, { range: { low: null, high: 40 } });
    assert.equal(outcome, 'amber');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.rule, 'ALT above 2 × the upper limit of normal (up to 100 U/L)');
    assert.equal(findings[0]?.action, repeatAndTell);
    assert.equal(findings[0]?.repeatWithinDays, 14);
    assert.equal(findings[0]?.confirmed, false);
  });

  test('ALT 80 with an upper limit of 40 is not amber, only outside the range', () => {
    const { outcome, findings } = judge('alt', 80, { range: { low: null, high: 40 } });
    assert.equal(outcome, 'outside-range');
    assert.equal(findings[0]?.rule, 'Above the normal range (up to 40 U/L)');
  });

  test('ALT 101 is red, and the amber rule no longer applies above its ceiling', () => {
    const { outcome, findings } = judge('alt', 101, { range: { low: null, high: 40 } });
    assert.equal(outcome, 'red');
    assert.deepEqual(
      findings.map((f) => [f.outcome, f.rule]),
      [['red', 'ALT above 100 U/L']],
    );
  });

  test('with no upper limit of normal the ×ULN rule is not passed silently: an amber “cannot be checked”', () => {
    const { outcome, findings } = judge('ast', 85);
    assert.equal(outcome, 'amber');
    assert.equal(
      findings[0]?.rule,
      'Cannot be checked against AST above 2 × the upper limit of normal (up to 100 U/L): no upper limit of normal — check against the laboratory’s range',
    );
    assert.match(
      findings[0]?.action ?? '',
      /above 2 × the laboratory’s upper limit of normal: Repeat within 2 weeks/,
    );
    // Above its ceiling the rule could not fire whatever the limit, so there is nothing to check.
    assert.deepEqual(
      judge('ast', 120).findings.map((f) => f.outcome),
      ['red'],
    );
  });

  test('creatinine 40 → 53 within 12 months is red, with a repeat within 7 days', () => {
    const { outcome, findings } = judge('creatinine', 53, {
      earlier: [{ value: 40, specimenDate: daysAgo(200) }],
    });
    assert.equal(outcome, 'red');
    assert.equal(findings[0]?.rule, 'Creatinine more than 30% above the lowest value in the last 12 months');
    assert.equal(findings[0]?.repeatWithinDays, 7);
    assert.match(findings[0]?.action ?? '', /^Repeat within a week/);
  });

  test('creatinine 40 → 51, or 40 → 52 (exactly 30%), is not red', () => {
    const earlier = [{ value: 40, specimenDate: daysAgo(30) }];
    assert.equal(judge('creatinine', 51, { earlier }).outcome, 'normal');
    assert.equal(judge('creatinine', 52, { earlier }).outcome, 'normal');
  });

  test('the baseline is the lowest value in the last 12 months, whatever order the results come in', () => {
    const earlier = [
      { value: 48, specimenDate: daysAgo(10) },
      { value: 40, specimenDate: monthsBefore(today, 12) },
      { value: 45, specimenDate: daysAgo(100) },
    ];
    assert.equal(judge('creatinine', 53, { earlier }).outcome, 'red');
  });

  test('a baseline older than 12 months, or a result taken after this one, is ignored', () => {
    const older = [
      { value: 40, specimenDate: addDays(monthsBefore(today, 12), -1) },
      { value: 50, specimenDate: daysAgo(60) },
    ];
    assert.equal(judge('creatinine', 53, { earlier: older }).outcome, 'normal');
    const later = [{ value: 40, specimenDate: addDays(today, 5) }];
    assert.equal(judge('creatinine', 53, { earlier: later }).outcome, 'normal');
  });

  test('no earlier creatinine: the rise rule is not judged', () => {
    assert.deepEqual(judge('creatinine', 90), { outcome: 'normal', findings: [] });
  });

  test('platelets falling three times in a row is amber; twice is not', () => {
    const three = [400, 350, 300].map((value, i) => ({ value, specimenDate: daysAgo(90 - i * 28) }));
    const { outcome, findings } = judge('platelets', 250, { earlier: three.toReversed() });
    assert.equal(outcome, 'amber');
    assert.equal(findings[0]?.rule, 'Platelets: three falls in a row');
    assert.equal(findings[0]?.action, repeatAndTell);
    assert.equal(findings[0]?.confirmed, false);

    const series = (values: number[]) =>
      values.map((value, i) => ({ value, specimenDate: daysAgo(28 * (values.length - i)) }));
    // 300 → 350 is a rise, so 350 → 300 → 250 is only two falls.
    assert.equal(judge('platelets', 250, { earlier: series([300, 350, 300]) }).outcome, 'normal');
    assert.equal(judge('platelets', 250, { earlier: series([350, 300]) }).outcome, 'normal');
  });

  test('a level value breaks a run of falls', () => {
    const earlier = [400, 350, 350].map((value, i) => ({ value, specimenDate: daysAgo(90 - i * 28) }));
    assert.equal(judge('platelets', 250, { earlier }).outcome, 'normal');
  });

  test('a value below the laboratory’s range with no protocol rule is “outside the range”, with no action set', () => {
    const { outcome, findings } = judge('platelets', 145, { range: { low: 150, high: 410 } });
    assert.equal(outcome, 'outside-range');
    assert.deepEqual(findings, [
      {
        outcome: 'outside-range',
        rule: 'Below the normal range (150–410 ×10⁹/L)',
        action: 'No action set by the protocol.',
        repeatWithinDays: null,
        source:
          'The range given with the result: the laboratory’s, or the paediatric range for the child’s age',
        confirmed: true,
        protocolId: null,
        medicine: null,
      },
    ]);
    assert.equal(judge('crp', 12, { range: { low: null, high: 5 }, sets: [] }).outcome, 'outside-range');
    assert.equal(judge('crp', 4, { range: { low: null, high: 5 }, sets: [] }).outcome, 'normal');
  });

  test('an unconfirmed threshold still fires, and the finding says it is unconfirmed', () => {
    const { outcome, findings } = judge('lymphocytes', 0.4);
    assert.equal(outcome, 'red');
    assert.equal(findings[0]?.confirmed, false);
    assert.match(findings[0]?.source ?? '', /not retrieved/);
  });

  test('a confirmed rule with an unconfirmed number is reported as unconfirmed', () => {
    const set: ThresholdSet = {
      ...methotrexate,
      thresholds: [
        {
          analyte: 'crp',
          rule: { kind: 'above', value: { value: 50, source: 'local', confirmed: false } },
          outcome: 'amber',
          action: 'Tell the team.',
          source: 'local',
          confirmed: true,
        },
      ],
    };
    assert.equal(judge('crp', 60, { sets: [set] }).findings[0]?.confirmed, false);
  });

  test('findings from each medicine’s protocol are all kept, and the outcome is the worst', () => {
    const leflunomide: ThresholdSet = {
      ...methotrexate,
      protocolId: 'leflunomide-jia',
      medicine: 'leflunomide',
    };
    const { outcome, findings } = judge('neutrophils', 1.2, { sets: [methotrexate, leflunomide] });
    assert.equal(outcome, 'red');
    assert.deepEqual(
      findings.map((f) => f.medicine),
      ['methotrexate', 'leflunomide'],
    );
  });
});

describe('rules in words', () => {
  const n = (value: number): SourcedNumber => ({ value, source: 'x', confirmed: true });
  test('each kind of rule', () => {
    assert.equal(
      describeRule('neutrophils', { kind: 'below', value: n(1.6) }),
      'Neutrophils below 1.6 ×10⁹/L',
    );
    assert.equal(
      describeRule('alt', { kind: 'above-uln-multiple', multiple: n(2), upTo: n(100) }),
      'ALT above 2 × the upper limit of normal (up to 100 U/L)',
    );
    assert.equal(
      describeRule('ast', { kind: 'above-uln-multiple', multiple: n(3) }),
      'AST above 3 × the upper limit of normal',
    );
    assert.equal(
      describeRule('creatinine', { kind: 'rise-from-baseline', percent: n(30), overMonths: n(12) }),
      'Creatinine more than 30% above the lowest value in the last 12 months',
    );
    assert.equal(
      describeRule('white_cell_count', { kind: 'consecutive-falls', count: n(3) }),
      'White cell count: three falls in a row',
    );
  });

  test('months back by the calendar', () => {
    assert.equal(monthsBefore('2026-03-31' as PlainDate, 1), '2026-02-28');
    assert.equal(monthsBefore('2024-03-31' as PlainDate, 1), '2024-02-29');
    assert.equal(monthsBefore('2026-06-15' as PlainDate, 12), '2025-06-15');
    assert.equal(monthsBefore('2026-01-10' as PlainDate, 13), '2024-12-10');
  });
});

describe('properties', () => {
  const sourced = (value: number, confirmed = true): SourcedNumber => ({ value, source: 'test', confirmed });
  const value = fc.double({ min: 0, max: 200, noNaN: true });
  const rule: fc.Arbitrary<Protocol['thresholds'][number]['rule']> = fc.oneof(
    value.map((v) => ({ kind: 'below' as const, value: sourced(v) })),
    value.map((v) => ({ kind: 'above' as const, value: sourced(v) })),
    fc
      .tuple(fc.double({ min: 0.5, max: 5, noNaN: true }), fc.option(value, { nil: undefined }))
      .map(([m, upTo]) => ({
        kind: 'above-uln-multiple' as const,
        multiple: sourced(m),
        ...(upTo === undefined ? {} : { upTo: sourced(upTo) }),
      })),
    fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 24 })).map(([p, m]) => ({
      kind: 'rise-from-baseline' as const,
      percent: sourced(p),
      overMonths: sourced(m),
    })),
    fc.integer({ min: 1, max: 4 }).map((c) => ({ kind: 'consecutive-falls' as const, count: sourced(c) })),
  );
  const threshold = fc.record({
    analyte: fc.constant('alt' as const),
    rule,
    outcome: fc.constantFrom('red' as const, 'amber' as const),
    action: fc.constant('Do something.'),
    source: fc.constant('test'),
    confirmed: fc.boolean(),
  });
  const sets = fc.array(
    fc.array(threshold, { maxLength: 6 }).map(
      (thresholds): ThresholdSet => ({
        protocolId: 'p',
        protocolVersion: '1.0',
        medicine: 'm',
        thresholds,
      }),
    ),
    { maxLength: 3 },
  );
  const range = fc.option(
    fc.record({ low: fc.option(value, { nil: null }), high: fc.option(value, { nil: null }) }),
    { nil: null },
  );
  const earlier = fc.array(
    fc.record({ value, specimenDate: fc.integer({ min: 0, max: 900 }).map(daysAgo) }),
    { maxLength: 8 },
  );

  const worst = (findings: readonly Finding[]): ResultOutcome =>
    findings.reduce<ResultOutcome>(
      (w, f) => (outcomeRank[f.outcome] > outcomeRank[w] ? f.outcome : w),
      'normal',
    );

  test('the outcome is always the worst finding, and normal only when there is none', () => {
    fc.assert(
      fc.property(value, range, earlier, sets, (v, r, e, s) => {
        const { outcome, findings } = judgeResult(
          { analyte: 'alt', value: v, specimenDate: today, range: r },
          e,
          s,
        );
        assert.equal(outcome, worst(findings));
        assert.equal(outcome === 'normal', findings.length === 0);
      }),
    );
  });

  test('a red rule whose condition holds always makes the result red', () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.double({ min: 1, max: 200, noNaN: true }),
        sets,
        (v, limit, uln, others) => {
          const conditions: [Protocol['thresholds'][number]['rule'], boolean][] = [
            [{ kind: 'below', value: sourced(limit) }, v < limit],
            [{ kind: 'above', value: sourced(limit, false) }, v > limit],
            [{ kind: 'above-uln-multiple', multiple: sourced(2) }, v > 2 * uln],
          ];
          for (const [r, holds] of conditions) {
            const red: ThresholdSet = {
              protocolId: 'red',
              protocolVersion: '1.0',
              medicine: 'm',
              thresholds: [
                { analyte: 'alt', rule: r, outcome: 'red', action: 'Stop.', source: 't', confirmed: false },
              ],
            };
            const result = judgeResult(
              { analyte: 'alt', value: v, specimenDate: today, range: { low: null, high: uln } },
              [],
              [...others, red],
            );
            if (holds) assert.equal(result.outcome, 'red');
            assert.equal(
              result.findings.some((f) => f.protocolId === 'red'),
              holds,
            );
          }
        },
      ),
    );
  });

  test('a red rise from baseline always makes the result red', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 300 }),
        (baseline, percent, extra) => {
          const v = (baseline * (100 + percent)) / 100 + extra / 10;
          const red: ThresholdSet = {
            protocolId: 'red',
            protocolVersion: '1.0',
            medicine: 'm',
            thresholds: [
              {
                analyte: 'creatinine',
                rule: { kind: 'rise-from-baseline', percent: sourced(percent), overMonths: sourced(12) },
                outcome: 'red',
                action: 'Stop.',
                source: 't',
                confirmed: true,
              },
            ],
          };
          const result = judgeResult(
            { analyte: 'creatinine', value: v, specimenDate: today, range: null },
            [{ value: baseline, specimenDate: daysAgo(300) }],
            [red],
          );
          assert.equal(result.outcome, 'red');
        },
      ),
    );
  });
});
