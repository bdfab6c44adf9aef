import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import { diagnosisCodes } from '../patients/diagnoses.ts';
import { loadShippedProtocols } from '../protocols/shipped.ts';
import { paediatricRange } from '../results/reference-ranges.rules.ts';
import { codedConditions } from './conditions.rules.ts';
import {
  bloodTestDays,
  dayFrom,
  demoCourses,
  demoResults,
  MEASURED_RECENTLY,
  measurementDays,
  measurementOnCurve,
  plannedOrders,
  weekdayOf,
} from './monitoring-demo.rules.ts';
import { namedPatients } from './named-patients.ts';

const named = namedPatients(codedConditions(diagnosisCodes));
const protocols = loadShippedProtocols();

/** Every course's orders and blood test days as the demo would load them on `today`. */
function planFor(today: PlainDate) {
  return demoCourses.map((course) => {
    const child = named.find((p) => p.nhsNumber === course.nhsNumber)!;
    const protocol = protocols.find((p) => p.id === course.protocolId)!;
    const added = measurementDays(course, MEASURED_RECENTLY).map((d) =>
      measurementOnCurve(child, dayFrom(today, d)),
    );
    const version = { protocolId: protocol.id, version: protocol.version, title: protocol.title, protocol };
    const orders = plannedOrders(course, version, [...child.growth, ...added], today);
    const days = bloodTestDays(course, protocol.monitoring, orders, today);
    return { course, child, orders, days, results: demoResults(course, child, days) };
  });
}

describe('the blood monitoring demo', () => {
  test('a measurement on the curve keeps the child growing at their centile', () => {
    const amelia = named.find((p) => p.givenName === 'Amelia')!;
    const latest = amelia.growth.at(-1)!;
    const sameDay = measurementOnCurve(amelia, latest.measuredOn);
    assert.deepEqual(sameDay, latest);
    const yearOn = measurementOnCurve(amelia, addDays(latest.measuredOn, 365));
    assert.ok(yearOn.heightCm > latest.heightCm + 4 && yearOn.heightCm < latest.heightCm + 8);
    assert.ok(yearOn.weightKg > latest.weightKg && yearOn.weightKg < latest.weightKg + 6);
  });

  test('weekdays are named from the date', () => {
    assert.equal(weekdayOf('2026-11-26' as PlainDate), 'Thursday');
    assert.equal(weekdayOf('2026-11-29' as PlainDate), 'Sunday');
    assert.equal(weekdayOf('2026-11-30' as PlainDate), 'Monday');
  });

  for (const today of ['2026-11-26', '2027-06-15', '2028-09-01'] as PlainDate[]) {
    test(`loaded on ${today}, every dose is one the protocol allows and the stories hold`, () => {
      for (const { course, orders, days, results } of planFor(today)) {
        for (const order of orders) {
          assert.ok(
            order.calculation.dose.prescribableMg.includes(order.doseMg),
            `${course.nhsNumber}: ${order.doseMg} mg`,
          );
        }
        assert.ok(
          orders.every((o, i) => i === 0 || o.startDate === addDays(orders[i - 1]!.stopDate!, 1)),
          'each dose follows the one before',
        );
        assert.ok(days.at(-1)! <= dayFrom(today, course.lastTestDay));
        const latest = results.filter((r) => r.specimenDate === days.at(-1));
        for (const [analyte, value] of Object.entries(course.latest)) {
          assert.equal(latest.find((r) => r.analyte === analyte)?.value, value);
        }
      }
      const oliver = planFor(today).find((p) => p.child.givenName === 'Oliver')!;
      assert.equal(oliver.days.at(-1), dayFrom(today, -1), 'Oliver’s red result is from yesterday');
    });
  }

  test('ordinary results sit inside the child’s range and never fall twice in a row', () => {
    for (const { course, child, days, results } of planFor('2026-11-26' as PlainDate)) {
      const ordinary = results.filter(
        (r) =>
          (r.specimenDate < days.at(-2)! || !(r.analyte in course.beforeLatest)) &&
          (r.specimenDate < days.at(-1)! || !(r.analyte in course.latest)),
      );
      for (const analyte of new Set(ordinary.map((r) => r.analyte))) {
        const list = ordinary.filter((r) => r.analyte === analyte);
        list.forEach((r, i) => {
          const age = (Date.parse(r.specimenDate) - Date.parse(child.dateOfBirth)) / 31_557_600_000;
          const range = paediatricRange(analyte, age, child.sex)!;
          assert.ok(Number(r.value) >= (range.low ?? 0) && Number(r.value) <= range.high!, `${analyte}`);
          const [a, b] = [list[i - 2]?.value, list[i - 1]?.value].map(Number);
          assert.ok(!(a! > b! && b! > Number(r.value)), `${course.nhsNumber} ${analyte} fell twice`);
        });
      }
    }
  });
});
