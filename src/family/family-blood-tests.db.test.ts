import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { plainDate } from '../kernel/dates.ts';
import { AMELIA, type MedicinesWorld, medicinesWorld } from '../medicines/medicines.testing.ts';
import { labResults, methotrexateCourse } from '../monitoring/monitoring-views.testing.ts';
import { testDatabases } from '../testing/databases.ts';

/** The family's section about one child, as a reader sees it (runs of white space as one space). */
const familyText = (html: string) =>
  html.slice(html.indexOf('<h1>'), html.indexOf('</main>')).replace(/\s+/g, ' ');

for (const database of testDatabases()) {
  describe(`the family’s view of blood tests (${database.name})`, () => {
    let w: MedicinesWorld;
    let amelia: string;
    const released = async () =>
      (
        await w.db.query<{ r: boolean }>(
          'select results_released_to_family as r from patient where id = $1',
          [amelia],
        )
      )[0]!.r;

    before(async () => {
      w = await medicinesWorld(database);
      amelia = w.ids[AMELIA]!;
      // Methotrexate since 16 November under shared care with Riverside Surgery (GP001): tests due 30 November.
      await methotrexateCourse(w.db, amelia, plainDate('2026-11-16'), 'GP001');
    });
    after(() => w.close());

    test('the family sees the next blood test: when, which tests, where and who arranges it', async () => {
      const page = familyText((await w.parent.get('/family')).body);
      assert.match(page, /Amelia’s blood tests/);
      assert.match(page, /Next blood test: <strong>30 November 2026<\/strong>/);
      assert.match(
        page,
        /30 November 2026: full blood count, liver tests and kidney tests, at your GP surgery, for methotrexate\. Arranged by Riverside Surgery\./,
      );
      assert.match(page, /Your child’s team shares results with you at appointments\./);

      const [child] = (await w.parent.api('GET', '/api/family')).json().children;
      assert.deepEqual(child.bloodTests, [
        {
          medicine: 'methotrexate',
          dueOn: '2026-11-30',
          late: false,
          tests: 'full blood count, liver tests and kidney tests',
          where: 'at your GP surgery',
          arrangedBy: 'Riverside Surgery',
        },
      ]);
      assert.equal(child.resultsReleased, false);
      assert.equal(child.results, null);
    });

    test('results are not shown to the family until the specialist team releases them', async () => {
      await labResults(w.db, amelia, '2026-07-01', [
        { analyte: 'neutrophils', value: 4.4, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
      ]);
      await labResults(w.db, amelia, '2026-11-25', [
        { analyte: 'neutrophils', value: 1.2, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
        { analyte: 'platelets', value: 300, unit: '10^9/L', rangeLow: 150, rangeHigh: 450 },
        { analyte: 'alt', value: 70, unit: 'U/L', rangeLow: 0, rangeHigh: 30 },
      ]);
      const page = familyText((await w.parent.get('/family')).body);
      assert.match(page, /Your child’s team shares results with you at appointments\./);
      assert.doesNotMatch(page, /Neutrophils|1\.2/);
      // The full blood count and liver tests were taken: the kidney tests are still due on 30 November.
      assert.match(page, /30 November 2026: kidney tests, at your GP surgery/);
    });

    test('only the specialist team may release results; refusals change nothing and are audited', async () => {
      const byGp = await w.gp.api('POST', `/api/patients/${amelia}/results/release`, { released: true });
      assert.equal(byGp.statusCode, 403);
      assert.match(byGp.json().error.message, /let the family see blood test results/);
      const byParent = await w.parent.api('POST', `/api/patients/${amelia}/results/release`, {
        released: true,
      });
      assert.equal(byParent.statusCode, 403);
      const nonsense = await w.nurse.api('POST', `/api/patients/${amelia}/results/release`, {
        released: 'maybe',
      });
      assert.equal(nonsense.statusCode, 400);
      assert.equal(await released(), false);
      assert.equal(
        await w.count(
          `select 1 from audit_event where action = 'release results to family' and outcome = 'refused'
             and patient_id = $1`,
          [amelia],
        ),
        2,
      );
    });

    test('released, the family sees the last three months of results in plain words, never the protocol’s', async () => {
      const res = await w.nurse.postForm(`/patients/${amelia}/results/release`, {
        released: 'yes',
        returnTo: 'results',
      });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/patients/${amelia}/results#family-results`);
      assert.equal(await released(), true);
      const [audit] = await w.db.query<{ details: { released: boolean } }>(
        `select details from audit_event where action = 'release results to family' and outcome = 'allowed'
           and patient_id = $1 and user_email = 'nurse@demo.test'`,
        [amelia],
      );
      assert.equal(audit?.details.released, true);

      const page = familyText((await w.parent.get('/family')).body);
      assert.match(page, /Taken 25 November 2026/);
      assert.match(
        page,
        /Neutrophils: 1\.2 ×10⁹\/L — lower than usual — the team has been told and will contact you/,
      );
      assert.match(page, /Platelets: 300 ×10⁹\/L — within the usual range for their age/);
      assert.match(page, /ALT: 70 U\/L — higher than usual — the team has been told</);
      assert.doesNotMatch(page, /Withhold|methotrexate and discuss|upper limit of normal|below 1\.6/);
      assert.doesNotMatch(page, /4\.4|1 July 2026/, 'older than three months');
      assert.doesNotMatch(page, /shares results with you at appointments/);

      const [child] = (await w.parent.api('GET', '/api/family')).json().children;
      assert.deepEqual(
        child.results.map((r: { test: string; words: string }) => `${r.test}: ${r.words}`),
        [
          'Neutrophils: lower than usual — the team has been told and will contact you',
          'Platelets: within the usual range for their age',
          'ALT: higher than usual — the team has been told',
        ],
      );
    });

    test('the team can stop showing results again', async () => {
      const res = await w.consultant.api('POST', `/api/patients/${amelia}/results/release`, {
        released: false,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { released: false, changed: true });
      const page = familyText((await w.parent.get('/family')).body);
      assert.match(page, /Your child’s team shares results with you at appointments\./);
      assert.doesNotMatch(page, /Neutrophils/);
    });
  });
}
