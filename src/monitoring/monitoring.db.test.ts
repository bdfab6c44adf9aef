import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type PlainDate, plainDate } from '../kernel/dates.ts';
import {
  AMELIA,
  type MedicinesWorld,
  medicinesWorld,
  NEXT_MONDAY,
  OLIVER,
  weeklyMethotrexate,
} from '../medicines/medicines.testing.ts';
import { storeResults } from '../results/record-results.ts';
import { testDatabases } from '../testing/databases.ts';
import { refreshMonitoring } from './courses.ts';
import { sweepMonitoring } from './sweep.ts';

/** Noon in the UK on a day, for the sweep's clock. */
const noonOn = (date: string) => new Date(`${date}T12:00:00Z`);

for (const database of testDatabases()) {
  describe(`blood monitoring of a child on methotrexate (${database.name})`, () => {
    let w: MedicinesWorld;
    let amelia: string;
    let specialistTeam: string;

    const course = async () =>
      (
        await w.db.query<{
          next_due_on: PlainDate | null;
          next_due_panels: string[];
          status: string;
          place: string;
          responsible_organisation_id: string;
        }>(
          'select next_due_on, next_due_panels, status, place, responsible_organisation_id from monitoring_course where patient_id = $1',
          [amelia],
        )
      )[0];
    const openTasks = (kind: string) =>
      w.count("select 1 from task where patient_id = $1 and kind = $2 and status = 'open'", [amelia, kind]);
    const results = (specimenDate: string, values: Record<string, [number, string]>) =>
      w.db.transaction((tx) =>
        storeResults(tx, {
          patientId: amelia,
          results: Object.entries(values).map(([analyte, [value, unit]]) => ({
            analyte,
            value,
            unit,
            specimenDate,
          })),
          source: 'api',
          sender: { userId: null, organisationId: specialistTeam, via: 'test laboratory' },
          now: noonOn(specimenDate),
          today: plainDate(specimenDate),
        }),
      );
    const fullSet = (neutrophils = 3.1): Record<string, [number, string]> => ({
      white_cell_count: [7.2, '10^9/L'],
      neutrophils: [neutrophils, '10^9/L'],
      platelets: [310, '10^9/L'],
      alt: [22, 'U/L'],
      albumin: [41, 'g/L'],
      creatinine: [45, 'umol/L'],
    });

    before(async () => {
      w = await medicinesWorld(database);
      amelia = w.ids[AMELIA]!;
      const started = await w.consultant.api(
        'POST',
        `/api/patients/${amelia}/medicines`,
        weeklyMethotrexate(),
      );
      assert.equal(started.statusCode, 201, started.body);
      [{ id: specialistTeam } = { id: '' }] = await w.db.query<{ id: string }>(
        "select id from organisation where code = 'SC001'",
      );
    });
    after(() => w.close());

    test('starting methotrexate schedules FBC, LFTs and U&E two weeks after the first dose, at the hospital', async () => {
      const c = await course();
      assert.equal(c?.next_due_on, '2026-12-14', `started ${NEXT_MONDAY}: every 2 weeks at first`);
      assert.deepEqual([...(c?.next_due_panels ?? [])].sort(), ['FBC', 'LFT', 'U&E']);
      assert.equal(
        c?.place,
        'hospital',
        'the specialist team arranges tests until the GP practice shares care',
      );
      assert.equal(c?.responsible_organisation_id, specialistTeam);
    });

    test('the overdue ladder: family reminder a week before, task when due, team alert at 14 days, withholding advice at 28 — each once', async () => {
      const sixDaysBefore = await sweepMonitoring(w.db, noonOn('2026-12-06'));
      assert.equal(sixDaysBefore.familyReminders, 0, 'not yet seven days before');
      const weekBefore = await sweepMonitoring(w.db, noonOn('2026-12-07'));
      assert.equal(weekBefore.familyReminders, 1, 'the parent is e-mailed a reminder');
      const [mail] = await w.db.query<{ to_address: string; body: string }>(
        "select to_address, body from email_outbox where kind = 'blood-test-reminder'",
      );
      assert.equal(mail?.to_address, 'parent@demo.test');
      assert.doesNotMatch(
        mail?.body ?? '',
        /Amelia|methotrexate|9990000018/i,
        'no clinical detail in the e-mail',
      );
      assert.equal((await course())?.status, 'due-soon');

      const dueDay = await sweepMonitoring(w.db, noonOn('2026-12-14'));
      assert.equal(dueDay.practiceTasks, 1);
      assert.equal(await openTasks('blood-test-due'), 1);
      assert.equal((await course())?.status, 'due');

      assert.equal(
        (await sweepMonitoring(w.db, noonOn('2026-12-27'))).teamAlerts,
        0,
        '13 days late: not yet',
      );
      assert.equal((await sweepMonitoring(w.db, noonOn('2026-12-28'))).teamAlerts, 1);
      assert.equal(await openTasks('monitoring-overdue'), 1);
      assert.equal((await course())?.status, 'overdue');

      assert.equal((await sweepMonitoring(w.db, noonOn('2027-01-11'))).withholdAdvice, 1);
      assert.equal(await openTasks('consider-withholding'), 1);
      assert.equal((await course())?.status, 'seriously-overdue');

      const again = await sweepMonitoring(w.db, noonOn('2027-01-11'));
      assert.deepEqual(
        [again.familyReminders, again.practiceTasks, again.teamAlerts, again.withholdAdvice],
        [0, 0, 0, 0],
        'a second sweep on the same day takes no step twice',
      );
    });

    test('the tests taken close the overdue tasks; the dose stable six weeks, the next are due a month later', async () => {
      await results('2027-01-12', fullSet());
      for (const kind of ['blood-test-due', 'monitoring-overdue', 'consider-withholding']) {
        assert.equal(await openTasks(kind), 0, `${kind} closed`);
      }
      const c = await course();
      assert.equal(
        c?.next_due_on,
        '2027-02-09',
        'stable since 30 November: the monthly phase began on 11 January',
      );
      assert.equal(c?.status, 'up-to-date');
    });

    test('a red neutrophil count opens one red task for the specialist team and escalates if nobody decides', async () => {
      const recorded = await results('2027-01-26', fullSet(1.2));
      const neutrophils = recorded.results.find((r) => r.analyte === 'neutrophils');
      assert.equal(neutrophils?.outcome, 'red');
      assert.match(neutrophils?.findings[0]?.action ?? '', /Withhold methotrexate/);
      assert.equal(await openTasks('result-red'), 1, 'one task: the team both leads care and arranges tests');

      const [alert] = await w.db.query<{ respond_by: Date }>('select respond_by from result_alert');
      // Tuesday 26 January: the end of the next working day is midnight at the end of Wednesday 27 January.
      assert.equal(alert?.respond_by.toISOString(), '2027-01-28T00:00:00.000Z');
      assert.equal((await sweepMonitoring(w.db, noonOn('2027-01-27'))).redResultsEscalated, 0);
      assert.equal((await sweepMonitoring(w.db, noonOn('2027-01-28'))).redResultsEscalated, 1);
      assert.equal(await openTasks('result-red-escalated'), 1);
      const consultantMail = await w.count(
        "select 1 from email_outbox where kind = 'result-red-escalated' and to_address = 'consultant@demo.test'",
      );
      assert.equal(consultantMail, 1, "the team's consultant is e-mailed");
      await assert.rejects(
        w.db.query('update lab_result set value = 3.1 where id = $1', [neutrophils!.id]),
        /kept as recorded/,
        'a red result cannot be edited away',
      );
      await assert.rejects(
        w.db.query('delete from lab_result where id = $1', [neutrophils!.id]),
        /kept as recorded/,
      );
    });

    test('property: every red result has exactly one open task for each organisation that must act', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.double({ min: 0.1, max: 6, noNaN: true }), { minLength: 1, maxLength: 6 }),
          async (counts) => {
            for (const value of counts) {
              await results('2027-02-01', { neutrophils: [Math.round(value * 10) / 10, '10^9/L'] });
            }
            const unmatched = await w.db.query(
              `select a.id from result_alert a
             where a.outcome = 'red' and a.acknowledged_at is null and (
               select count(*) from task t where t.subject_id = a.id and t.kind = 'result-red' and t.status = 'open'
             ) <> (select count(distinct o) from unnest(array[a.specialist_organisation_id, a.responsible_organisation_id]) o)`,
            );
            const redWithoutAlert = await w.count(
              "select 1 from lab_result r where r.outcome = 'red' and not exists (select 1 from result_alert a where a.result_id = r.id)",
            );
            return unmatched.length === 0 && redWithoutAlert === 0;
          },
        ),
        { numRuns: 8 },
      );
    });

    test('a dose increase dated ahead brings the next test forward on the day it starts', async () => {
      const oliver = w.ids[OLIVER]!;
      const started = await w.consultant.api(
        'POST',
        `/api/patients/${oliver}/medicines`,
        weeklyMethotrexate({ doseMg: 20 }),
      );
      assert.equal(started.statusCode, 201, started.body);
      await w.db.transaction((tx) =>
        storeResults(tx, {
          patientId: oliver,
          results: Object.entries(fullSet()).map(([analyte, [value, unit]]) => ({
            analyte,
            value,
            unit,
            specimenDate: '2027-02-01',
          })),
          source: 'api',
          sender: { userId: null, organisationId: specialistTeam, via: 'test laboratory' },
          now: noonOn('2027-02-01'),
          today: plainDate('2027-02-01'),
        }),
      );
      const due = async () =>
        (
          await w.db.query<{ next_due_on: string; recompute_on: string | null }>(
            'select next_due_on, recompute_on from monitoring_course where patient_id = $1',
            [oliver],
          )
        )[0];
      assert.equal((await due())?.next_due_on, '2027-03-01', 'the monthly phase: a month after the tests');

      // Entered on 5 February: the dose goes up from 10 February.
      await w.db.transaction(async (tx) => {
        const [order] = await tx.query<{ id: string }>(
          'update medication_order set stop_date = $2 where patient_id = $1 returning id',
          [oliver, '2027-02-09'],
        );
        await tx.query(
          `insert into medication_order (patient_id, agreement_id, protocol_version_id, medicine, form, route,
             strength_mg, dose_mg, frequency, day_of_week, folic_acid_day, start_date, calculation,
             replaces_order_id, created_by)
           select patient_id, agreement_id, protocol_version_id, medicine, form, route, strength_mg, 22.5,
             frequency, day_of_week, folic_acid_day, '2027-02-10', calculation, id, created_by
           from medication_order where id = $1`,
          [order!.id],
        );
        await refreshMonitoring(tx, oliver, plainDate('2027-02-05'));
      });
      assert.deepEqual(await due(), { next_due_on: '2027-03-01', recompute_on: '2027-02-10' });

      const sweep = await sweepMonitoring(w.db, noonOn('2027-02-10'));
      assert.ok(sweep.coursesRecomputed >= 1);
      assert.equal((await due())?.next_due_on, '2027-02-24', 'two weeks after the increase');
    });
  });
}
