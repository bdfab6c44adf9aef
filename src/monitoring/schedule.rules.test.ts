import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import type { Panel } from '../protocols/protocol.schema.ts';
import { shippedProtocol } from '../protocols/shipped.ts';
import {
  type CourseOrder,
  courseEvents,
  dueTests,
  ladderFrom,
  type MonitoringPlan,
  monitoringStatus,
  nextBloodTestDue,
  type PanelTaken,
  phaseOn,
  projectSchedule,
} from './schedule.rules.ts';

const d = (s: string) => s as PlainDate;
const methotrexate = shippedProtocol('methotrexate-oral-jia')!.monitoring;
const hydroxychloroquine = shippedProtocol('hydroxychloroquine-jia')!.monitoring;
const sulfasalazine = shippedProtocol('sulfasalazine-jia')!.monitoring;
const bloods: Panel[] = ['FBC', 'LFT', 'U&E'];

function order(startDate: string, stopDate: string | null, doseMg: number, route = 'oral'): CourseOrder {
  return { startDate: d(startDate), stopDate: stopDate === null ? null : d(stopDate), doseMg, route };
}

/** Every methotrexate panel taken on each of these days. */
function takenOn(...days: string[]): PanelTaken[] {
  return days.flatMap((day) => bloods.map((panel) => ({ panel, specimenDate: d(day) })));
}

/** The projection as one line per day: "due date: phase number". */
function projectedDays(plan: MonitoringPlan, tests: ReturnType<typeof projectSchedule>): string[] {
  const days = new Map<string, string>();
  for (const t of tests)
    days.set(t.dueOn, `${t.dueOn}: phase ${plan.phases.findIndex((p) => p.name === t.phase) + 1}`);
  return [...days.values()];
}

describe('methotrexate started on 5 January 2026', () => {
  const started = [order('2026-01-05', null, 10)];

  test('with no tests yet, FBC, LFT and U&E are first due two weeks after the start', () => {
    assert.deepEqual(nextBloodTestDue(methotrexate, started, [], d('2026-01-05')), {
      dueOn: '2026-01-19',
      panels: bloods,
    });
  });

  test('tests taken on time: 2-weekly until stable 6 weeks, then every 28 days for 12 weeks, then every 84 days', () => {
    const projected = projectSchedule(methotrexate, started, [], d('2026-01-05'), d('2026-12-31'));
    assert.deepEqual(projectedDays(methotrexate, projected), [
      '2026-01-19: phase 1',
      '2026-02-02: phase 1',
      '2026-02-16: phase 2',
      '2026-03-16: phase 2',
      '2026-04-13: phase 2',
      '2026-05-11: phase 3',
      '2026-08-03: phase 3',
      '2026-10-26: phase 3',
    ]);
    assert.equal(projected.length, 8 * 3, 'every panel, every time');
  });

  test('after the first two tests were taken on time, the projection carries on from them', () => {
    const projected = projectSchedule(
      methotrexate,
      started,
      takenOn('2026-01-19', '2026-02-02'),
      d('2026-02-03'),
      d('2026-06-30'),
    );
    assert.deepEqual(
      [...new Set(projected.map((t) => t.dueOn))],
      ['2026-02-16', '2026-03-16', '2026-04-13', '2026-05-11'],
    );
  });

  test('the phases change on the day 6 weeks stable and on the day 12 weeks later', () => {
    assert.deepEqual(phaseOn(methotrexate, started, d('2026-02-15')), {
      index: 0,
      name: methotrexate.phases[0]!.name,
      startedOn: '2026-01-05',
    });
    assert.equal(phaseOn(methotrexate, started, d('2026-02-16'))?.startedOn, '2026-02-16');
    assert.equal(phaseOn(methotrexate, started, d('2026-02-16'))?.index, 1);
    assert.equal(phaseOn(methotrexate, started, d('2026-05-11'))?.index, 2);
    assert.equal(phaseOn(methotrexate, started, d('2027-05-11'))?.index, 2, 'the last phase is ongoing');
    assert.equal(phaseOn(methotrexate, started, d('2026-01-04')), null, 'not yet started');
  });

  test('a test taken late: the next one counts from the day it was taken', () => {
    assert.equal(
      nextBloodTestDue(methotrexate, started, takenOn('2026-01-25'), d('2026-01-26'))?.dueOn,
      '2026-02-08',
    );
  });

  test('a test never taken stays overdue when the schedule moves on to the monthly phase', () => {
    assert.equal(nextBloodTestDue(methotrexate, started, [], d('2026-03-01'))?.dueOn, '2026-01-19');
    const missedOne = takenOn('2026-01-19');
    assert.equal(nextBloodTestDue(methotrexate, started, missedOne, d('2026-03-01'))?.dueOn, '2026-02-02');
  });

  test('only the panel not yet taken is due first; each panel keeps its own date', () => {
    const fbcOnly: PanelTaken[] = [...takenOn('2026-01-19'), { panel: 'FBC', specimenDate: d('2026-01-30') }];
    const due = dueTests(methotrexate, started, fbcOnly, d('2026-01-31'));
    assert.deepEqual(
      due.map((t) => [t.panel, t.dueOn]),
      [
        ['LFT', '2026-02-02'],
        ['U&E', '2026-02-02'],
        ['FBC', '2026-02-13'],
      ],
    );
    assert.deepEqual(nextBloodTestDue(methotrexate, started, fbcOnly, d('2026-01-31'))?.panels, [
      'LFT',
      'U&E',
    ]);
  });

  test('tests taken before the course started do not count', () => {
    assert.equal(
      nextBloodTestDue(methotrexate, started, takenOn('2026-01-02'), d('2026-01-05'))?.dueOn,
      '2026-01-19',
    );
  });

  test("each due test's window opens at the family's reminder and closes at the team's alert", () => {
    const [first] = dueTests(methotrexate, started, [], d('2026-01-05'));
    assert.deepEqual(first?.window, { opens: '2026-01-12', closes: '2026-02-02' });
  });
});

describe('a dose increase in the monthly phase', () => {
  const increased = [order('2026-01-05', '2026-03-24', 10), order('2026-03-25', null, 15)];
  const onTime = takenOn('2026-01-19', '2026-02-02', '2026-02-16', '2026-03-16');

  test('the next test is due two weeks after the increase, not a month after the last one', () => {
    assert.equal(nextBloodTestDue(methotrexate, increased, onTime, d('2026-03-25'))?.dueOn, '2026-04-08');
    assert.equal(phaseOn(methotrexate, increased, d('2026-03-25'))?.index, 0);
  });

  test('then 2-weekly for 6 weeks from the increase, monthly for 12 weeks, then every 84 days', () => {
    const projected = projectSchedule(methotrexate, increased, onTime, d('2026-03-25'), d('2026-12-31'));
    assert.deepEqual(projectedDays(methotrexate, projected), [
      '2026-04-08: phase 1',
      '2026-04-22: phase 1',
      '2026-05-06: phase 2',
      '2026-06-03: phase 2',
      '2026-07-01: phase 2',
      '2026-07-29: phase 3',
      '2026-10-21: phase 3',
    ]);
  });

  test('a test overdue at the time of the increase stays overdue', () => {
    const lastInFebruary = takenOn('2026-01-19', '2026-02-02', '2026-02-16');
    assert.equal(
      nextBloodTestDue(methotrexate, increased, lastInFebruary, d('2026-03-25'))?.dueOn,
      '2026-03-16',
    );
  });

  test('a second increase before the first test does not put that test off', () => {
    const twice = [
      ...increased.slice(0, 1),
      order('2026-03-25', '2026-03-31', 15),
      order('2026-04-01', null, 20),
    ];
    assert.equal(nextBloodTestDue(methotrexate, twice, onTime, d('2026-04-02'))?.dueOn, '2026-04-08');
  });

  test('a change of route at the same dose also goes back to 2-weekly tests', () => {
    const moved = [order('2026-01-05', '2026-03-24', 10), order('2026-03-25', null, 10, 'subcutaneous')];
    assert.equal(nextBloodTestDue(methotrexate, moved, onTime, d('2026-03-25'))?.dueOn, '2026-04-08');
  });

  test('a protocol that does not restart on an increase keeps the monthly phase', () => {
    const noRestart: MonitoringPlan = { ...methotrexate, restartOnDoseIncrease: false };
    assert.equal(phaseOn(noRestart, increased, d('2026-03-25'))?.index, 1);
    assert.equal(nextBloodTestDue(noRestart, increased, onTime, d('2026-03-25'))?.dueOn, '2026-04-13');
  });
});

describe('a dose reduction', () => {
  test('in the 2-weekly phase: no restart, but 2-weekly tests last until 6 weeks after the reduction', () => {
    const reduced = [order('2026-01-05', '2026-02-01', 15), order('2026-02-02', null, 10)];
    assert.equal(phaseOn(methotrexate, reduced, d('2026-02-20'))?.startedOn, '2026-01-05', 'not restarted');
    assert.equal(phaseOn(methotrexate, reduced, d('2026-03-15'))?.index, 0);
    assert.equal(phaseOn(methotrexate, reduced, d('2026-03-16'))?.index, 1);
    const projected = projectSchedule(
      methotrexate,
      reduced,
      takenOn('2026-01-19', '2026-02-02'),
      d('2026-02-03'),
      d('2026-05-31'),
    );
    assert.deepEqual(projectedDays(methotrexate, projected), [
      '2026-02-16: phase 1',
      '2026-03-02: phase 1',
      '2026-03-16: phase 2',
      '2026-04-13: phase 2',
      '2026-05-11: phase 2',
    ]);
  });

  test('in the monthly phase: the schedule carries on unchanged', () => {
    const reduced = [order('2026-01-05', '2026-03-24', 15), order('2026-03-25', null, 10)];
    const onTime = takenOn('2026-01-19', '2026-02-02', '2026-02-16', '2026-03-16');
    assert.deepEqual(phaseOn(methotrexate, reduced, d('2026-03-25')), {
      index: 1,
      name: methotrexate.phases[1]!.name,
      startedOn: '2026-02-16',
    });
    assert.equal(nextBloodTestDue(methotrexate, reduced, onTime, d('2026-03-25'))?.dueOn, '2026-04-13');
  });
});

describe('a pause: stopped on 8 February, started again on 2 March', () => {
  const paused = [order('2026-01-05', '2026-02-08', 10), order('2026-03-02', null, 10)];
  const taken = takenOn('2026-01-19', '2026-02-02');

  test('the course shows the pause and the restart', () => {
    assert.deepEqual(
      courseEvents(paused).map((e) => `${e.kind} ${e.on}`),
      ['started 2026-01-05', 'paused 2026-02-09', 'restarted 2026-03-02'],
    );
  });

  test('nothing is due while paused', () => {
    assert.deepEqual(dueTests(methotrexate, paused, taken, d('2026-02-20')), []);
    assert.equal(phaseOn(methotrexate, paused, d('2026-02-20')), null);
    assert.equal(nextBloodTestDue(methotrexate, paused, taken, d('2026-02-09')), null);
  });

  test('after the restart, tests are due two weeks after it, back in the first phase', () => {
    assert.equal(nextBloodTestDue(methotrexate, paused, taken, d('2026-03-02'))?.dueOn, '2026-03-16');
    assert.equal(phaseOn(methotrexate, paused, d('2026-03-02'))?.startedOn, '2026-03-02');
  });

  test('a projection across the pause lists nothing while paused', () => {
    const projected = projectSchedule(methotrexate, paused, taken, d('2026-02-03'), d('2026-03-31'));
    assert.deepEqual([...new Set(projected.map((t) => t.dueOn))], ['2026-03-16', '2026-03-30']);
  });
});

describe('when nothing is due', () => {
  test('a stopped course: nothing due from the day after the stop date', () => {
    const stopped = [order('2026-01-05', '2026-03-01', 10)];
    assert.equal(courseEvents(stopped).at(-1)?.kind, 'stopped');
    assert.equal(courseEvents(stopped).at(-1)?.on, '2026-03-02');
    assert.equal(
      dueTests(methotrexate, stopped, [], d('2026-03-01')).length,
      3,
      'still taking it on the stop date',
    );
    assert.deepEqual(dueTests(methotrexate, stopped, [], d('2026-03-10')), []);
    assert.equal(nextBloodTestDue(methotrexate, stopped, [], d('2026-03-10')), null);
    assert.equal(monitoringStatus(null, d('2026-03-10'), ladderFrom(methotrexate)), 'not-monitored');
  });

  test('hydroxychloroquine (no routine blood monitoring): nothing is ever due', () => {
    const taking = [order('2026-01-05', null, 200)];
    assert.deepEqual(dueTests(hydroxychloroquine, taking, [], d('2026-01-05')), []);
    assert.equal(phaseOn(hydroxychloroquine, taking, d('2026-06-01')), null);
    assert.deepEqual(projectSchedule(hydroxychloroquine, taking, [], d('2026-01-05'), d('2027-01-05')), []);
  });

  test('sulfasalazine: routine blood tests end when its last phase ends', () => {
    const taking = [order('2026-01-05', null, 500)];
    assert.equal(dueTests(sulfasalazine, taking, [], d('2027-01-17')).length, 4);
    assert.deepEqual(dueTests(sulfasalazine, taking, [], d('2027-01-18')), []);
    const panels: Panel[] = ['FBC', 'LFT', 'U&E', 'CRP'];
    const onTime = ['2026-01-19', '2026-02-02', '2026-02-16', '2026-03-16', '2026-04-13'].flatMap((day) =>
      panels.map((panel) => ({ panel, specimenDate: d(day) })),
    );
    const projected = projectSchedule(sulfasalazine, taking, onTime, d('2026-04-14'), d('2027-12-31'));
    assert.deepEqual(
      [...new Set(projected.map((t) => t.dueOn))],
      ['2026-05-11', '2026-08-03', '2026-10-26'],
      'the next would fall on 18 January 2027, the day the last phase ends',
    );
  });
});

describe('the course from its orders', () => {
  test('increases, reductions, route changes, pauses, restarts and the stop, in date order', () => {
    const orders = [
      order('2026-06-01', '2026-07-31', 10, 'subcutaneous'),
      order('2026-01-05', '2026-02-01', 10),
      order('2026-02-02', '2026-03-01', 15),
      order('2026-03-02', '2026-04-30', 12.5),
      order('2026-05-01', '2026-05-20', 12.5, 'subcutaneous'),
    ];
    assert.deepEqual(
      courseEvents(orders).map((e) => `${e.on} ${e.kind} ${e.doseMg} ${e.route}`),
      [
        '2026-01-05 started 10 oral',
        '2026-02-02 dose-increased 15 oral',
        '2026-03-02 dose-reduced 12.5 oral',
        '2026-05-01 route-changed 12.5 subcutaneous',
        '2026-05-21 paused 12.5 subcutaneous',
        '2026-06-01 restarted 10 subcutaneous',
        '2026-08-01 stopped 10 subcutaneous',
      ],
    );
  });

  test('an order with no stop date replaced by the next one is not a pause', () => {
    const orders = [order('2026-01-05', null, 10), order('2026-02-02', null, 15)];
    assert.deepEqual(
      courseEvents(orders).map((e) => e.kind),
      ['started', 'dose-increased'],
    );
  });
});

describe('monitoring status on the overdue ladder (reminder 7 days before, task on the day, 14, 28 after)', () => {
  const ladder = ladderFrom(methotrexate);
  const due = d('2026-03-16');
  const cases: [number, string][] = [
    [-8, 'up-to-date'],
    [-7, 'due-soon'],
    [-6, 'due-soon'],
    [-1, 'due-soon'],
    [0, 'due'],
    [1, 'overdue'],
    [14, 'overdue'],
    [27, 'overdue'],
    [28, 'seriously-overdue'],
    [60, 'seriously-overdue'],
  ];

  test('the ladder is read from the protocol', () => {
    assert.deepEqual(ladder, {
      reminderDaysBefore: 7,
      practiceTaskDaysAfter: 0,
      teamAlertDaysAfter: 14,
      withholdAdviceDaysAfter: 28,
    });
  });

  for (const [days, status] of cases) {
    test(`${days < 0 ? `${-days} days before` : days === 0 ? 'on' : `${days} days after`} the due date: ${status}`, () => {
      assert.equal(monitoringStatus(due, addDays(due, days), ladder), status);
    });
  }
});

describe('whatever the course (property)', () => {
  const doses = [5, 7.5, 10, 12.5, 15, 20];
  const stretch = fc.record({
    days: fc.integer({ min: 1, max: 120 }),
    doseMg: fc.constantFrom(...doses),
    route: fc.constantFrom('oral', 'oral', 'oral', 'subcutaneous'),
    pauseBefore: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 40 })),
  });
  const course = fc.record({
    startOffset: fc.integer({ min: 0, max: 365 }),
    stretches: fc.array(stretch, { minLength: 1, maxLength: 6 }),
    stoppedAtEnd: fc.boolean(),
    taken: fc.array(
      fc.record({ offset: fc.integer({ min: -20, max: 700 }), panel: fc.constantFrom<Panel>(...bloods) }),
      { maxLength: 25 },
    ),
  });

  type Course = typeof course extends fc.Arbitrary<infer T> ? T : never;

  function build(c: Course): {
    orders: CourseOrder[];
    taken: PanelTaken[];
    start: PlainDate;
  } {
    const start = addDays(d('2026-01-05'), c.startOffset);
    const orders: CourseOrder[] = [];
    let from = start;
    c.stretches.forEach((s, i) => {
      if (i > 0) from = addDays(from, s.pauseBefore);
      const last = i === c.stretches.length - 1;
      const stop = last && !c.stoppedAtEnd ? null : addDays(from, s.days - 1);
      orders.push({ startDate: from, stopDate: stop, doseMg: s.doseMg, route: s.route });
      from = addDays(from, s.days);
    });
    const taken = c.taken.map((t) => ({ panel: t.panel, specimenDate: addDays(start, t.offset) }));
    return { orders, taken, start };
  }

  test('within 14 days of any dose increase, each test is due no later than 14 days after the increase or its latest test since', () => {
    fc.assert(
      fc.property(course, (c) => {
        const { orders, taken } = build(c);
        const events = courseEvents(orders);
        for (const increase of events.filter((e) => e.kind === 'dose-increased')) {
          for (let k = 0; k <= 14; k++) {
            const on = addDays(increase.on, k);
            const stoppedSince = events.some(
              (e) => (e.kind === 'paused' || e.kind === 'stopped') && e.on > increase.on && e.on <= on,
            );
            if (stoppedSince) break;
            const due = dueTests(methotrexate, orders, taken, on);
            assert.equal(due.length, 3, `tests due on ${on}`);
            const since = (panel: Panel) =>
              taken
                .filter((t) => t.panel === panel && t.specimenDate >= increase.on && t.specimenDate <= on)
                .map((t) => t.specimenDate)
                .concat(increase.on)
                .sort()
                .at(-1)!;
            for (const t of due) assert.ok(t.dueOn <= addDays(since(t.panel), 14), `${t.panel} on ${on}`);
            const anyTestSince = taken.some((t) => t.specimenDate >= increase.on && t.specimenDate <= on);
            if (!anyTestSince) {
              assert.ok(nextBloodTestDue(methotrexate, orders, taken, on)!.dueOn <= addDays(increase.on, 14));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('tests are due exactly on the days the child is taking methotrexate', () => {
    fc.assert(
      fc.property(course, fc.integer({ min: -10, max: 800 }), (c, offset) => {
        const { orders, taken, start } = build(c);
        const on = addDays(start, offset);
        const taking = orders.some((o) => o.startDate <= on && (o.stopDate === null || on <= o.stopDate));
        assert.equal(dueTests(methotrexate, orders, taken, on).length > 0, taking);
      }),
      { numRuns: 300 },
    );
  });

  test('a projection lists tests in date order, each panel at most once a day, within the period', () => {
    fc.assert(
      fc.property(course, (c) => {
        const { orders, taken, start } = build(c);
        const until = addDays(start, 500);
        const projected = projectSchedule(methotrexate, orders, taken, start, until);
        const days = projected.map((t) => t.dueOn);
        assert.deepEqual(days, [...days].sort());
        assert.ok(days.every((day) => day <= until));
        const keys = projected.map((t) => `${t.dueOn} ${t.panel}`);
        assert.equal(new Set(keys).size, keys.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a projection that ends soon after a dose increase', () => {
  test('still shows the test the increase brings forward', () => {
    // Stable on 84-day tests, last taken 1 June; the dose goes up on 1 July: a test is due on 15 July, although
    // the 84-day test (24 August) would fall after the end of the projection.
    const orders = [order('2025-01-06', '2026-06-30', 10), order('2026-07-01', null, 12.5)];
    const projected = projectSchedule(
      methotrexate,
      orders,
      takenOn('2026-06-01'),
      d('2026-06-02'),
      d('2026-07-20'),
    );
    assert.deepEqual([...new Set(projected.map((t) => t.dueOn))], ['2026-07-15']);
  });
});
