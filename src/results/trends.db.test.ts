import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { plainDate } from '../kernel/dates.ts';
import { AMELIA, type MedicinesWorld, medicinesWorld } from '../medicines/medicines.testing.ts';
import { labResults, methotrexateCourse } from '../monitoring/monitoring-views.testing.ts';
import { testDatabases } from '../testing/databases.ts';

for (const database of testDatabases()) {
  describe(`trend charts on a child’s results page (${database.name})`, () => {
    let w: MedicinesWorld;
    let amelia: string;

    before(async () => {
      w = await medicinesWorld(database);
      amelia = w.ids[AMELIA]!;
      await methotrexateCourse(w.db, amelia, plainDate('2026-09-01'), 'GP001');
      for (const [date, value] of [
        ['2026-09-15', 3.4],
        ['2026-10-13', 2.15],
        ['2026-11-25', 1.2],
      ] as const) {
        await labResults(w.db, amelia, date, [
          { analyte: 'neutrophils', value, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
        ]);
      }
    });
    after(() => w.close());

    test('each test with results has an accessible chart with its usual range, the protocol’s limit and every value', async () => {
      const page = await w.consultant.get(`/patients/${amelia}/results`);
      assert.equal(page.statusCode, 200, page.body);
      const trends = page.body.slice(
        page.body.indexOf('<h2 id="trends">'),
        page.body.indexOf('<h2 id="results">'),
      );
      assert.match(trends, /<h3 id="trend-neutrophils">Neutrophils<\/h3>/);
      assert.match(
        trends,
        /<svg [^>]*role="img" aria-labelledby="trend-neutrophils-title trend-neutrophils-description"/,
      );
      assert.match(
        trends,
        /<desc id="trend-neutrophils-description">3 results from 15 September 2026 to 25 November 2026/,
      );
      assert.match(trends, /<rect class="jointly-trend-range"/);
      assert.match(trends, /<line class="jointly-trend-threshold"/);
      assert.match(trends, /Red: Neutrophils below 1\.6 ×10⁹\/L/);
      assert.equal(trends.match(/<circle /g)?.length, 3);

      const table = trends.slice(trends.indexOf('Show the numbers'));
      assert.match(table, /<caption[^>]*>Neutrophils results, oldest first<\/caption>/);
      const values = [...table.matchAll(/nhsuk-table__cell--numeric">([^<]+)</g)].map((m) => m[1]);
      assert.deepEqual(values, ['3.4', '2.15', '1.2']);
      assert.match(
        table,
        /25 November 2026<\/th>\s*<td[^>]*>1\.2<\/td>\s*<td[^>]*>1\.5–8<\/td>\s*<td[^>]*>Red<\/td>/,
      );
    });

    test('the specialist team switches the family’s view of results from the results page', async () => {
      const before = await w.consultant.get(`/patients/${amelia}/results`);
      assert.match(before.body, /The family does not see results in Jointly/);
      assert.match(before.body, /Show results to the family/);
      const gpPage = await w.gp.get(`/patients/${amelia}/results`);
      assert.match(gpPage.body, /The family does not see results in Jointly/);
      assert.doesNotMatch(gpPage.body, /Show results to the family/, 'only the specialist team may');

      const res = await w.consultant.postForm(`/patients/${amelia}/results/release`, {
        released: 'yes',
        returnTo: 'results',
      });
      assert.equal(res.statusCode, 303);
      const after = await w.consultant.get(`/patients/${amelia}/results`);
      assert.match(after.body, /The family can see results from the last 3 months in plain words/);
      assert.match(after.body, /Stop showing results to the family/);
    });
  });
}
