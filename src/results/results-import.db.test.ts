import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AMELIA,
  GRACE,
  type SharedCareWorld,
  sharedCareWorld,
  squash,
} from '../agreements/agreements.testing.ts';
import { shareCare } from '../medicines/medicines.testing.ts';
import type { SignedInClient } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

const withBadRow = [
  'Analyte,Value,Unit,Specimen_Date,Range_Low,Range_High',
  'neutrophils,3.1,10^9/L,2026-11-24,,',
  'platelets,250,mg/dL,2026-11-24,,',
  'ALT,30,U/L,24/11/2026,0,40',
].join('\n');

/** Posts the import form as a browser does: multipart, with the file chosen and the paste box empty. */
async function uploadCsv(w: SharedCareWorld, client: SignedInClient, patientId: string, text: string) {
  const form = new FormData();
  form.append('_csrf', client.csrfToken);
  form.append('file', new Blob([text], { type: 'text/csv' }), 'results.csv');
  form.append('content', '');
  const encoded = new Response(form);
  return w.t.app.inject({
    method: 'POST',
    url: `/patients/${patientId}/results/import`,
    headers: { cookie: client.cookie, 'content-type': encoded.headers.get('content-type') ?? '' },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

/** The rows the preview page keeps in its hidden field, as the browser would send them back. */
function hiddenRows(html: string): string {
  const m = /name="rows" value="([^"]*)"/.exec(html);
  assert.ok(m, 'the preview keeps the rows');
  return m[1]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#39;', "'");
}

for (const database of testDatabases()) {
  describe(`importing results from a file, and the results API (${database.name})`, () => {
    let w: SharedCareWorld;
    let amelia: string;
    let nurse: SignedInClient;
    let known = new Set<string>();
    /** The results stored since the test began: results are kept as recorded, so earlier tests' stay. */
    const stored = async () => {
      const rows = await w.db.query<{ id: string; analyte: string; source: string }>(
        'select id, analyte, source from lab_result where patient_id = $1 order by analyte',
        [amelia],
      );
      return rows.filter((r) => !known.has(r.id)).map(({ analyte, source }) => ({ analyte, source }));
    };
    const clear = async () => {
      const rows = await w.db.query<{ id: string }>('select id from lab_result where patient_id = $1', [
        amelia,
      ]);
      known = new Set(rows.map((r) => r.id));
    };

    before(async () => {
      w = await sharedCareWorld(database);
      amelia = w.ids[AMELIA]!;
      await shareCare(w.db, await w.orderFor(AMELIA, 'methotrexate-oral-jia'), 'active');
      nurse = await w.as('nurse');
    });
    after(() => w.close());

    test('a file with one bad row: the preview names its row and column, and nothing is stored', async () => {
      await clear();
      const res = await uploadCsv(w, nurse, amelia, withBadRow);
      assert.equal(res.statusCode, 200, res.body);
      const page = squash(res.body);
      assert.match(
        page,
        /Nothing has been stored yet\. 3 rows read from the file: 2 can be imported, 1 has problems/,
      );
      assert.match(page, /Row 3, column unit: Platelets: “mg\/dL” is not a unit Jointly accepts/);
      assert.match(page, /Neutrophils 3\.1 ×10⁹\/L/);
      assert.match(page, /ALT 30 U\/L/);
      assert.match(page, /Import none/);
      assert.match(page, /Import only the 2 valid rows/);
      assert.deepEqual(await stored(), []);
    });

    test('“Import none” stores nothing; confirming the whole file with a bad row is refused and stores nothing', async () => {
      await clear();
      const rows = hiddenRows((await uploadCsv(w, nurse, amelia, withBadRow)).body);
      const none = await nurse.postForm(`/patients/${amelia}/results/import/confirm`, {
        rows,
        choice: 'none',
      });
      assert.equal(none.statusCode, 303);
      assert.match((await nurse.get(none.headers.location as string)).body, /Nothing was imported/);
      const all = await nurse.postForm(`/patients/${amelia}/results/import/confirm`, { rows, choice: 'all' });
      assert.equal(all.statusCode, 400);
      assert.match(all.body, /1 rows have problems/);
      assert.deepEqual(await stored(), []);
    });

    test('“Import only the valid rows” stores the others, from the file', async () => {
      await clear();
      const rows = hiddenRows((await uploadCsv(w, nurse, amelia, withBadRow)).body);
      const res = await nurse.postForm(`/patients/${amelia}/results/import/confirm`, {
        rows,
        choice: 'valid',
      });
      assert.equal(res.statusCode, 303, res.body);
      assert.deepEqual(await stored(), [
        { analyte: 'alt', source: 'csv' },
        { analyte: 'neutrophils', source: 'csv' },
      ]);
      assert.match(squash((await nurse.get(res.headers.location as string)).body), /2 results recorded/);
      const [entry] = await w.db.query<{ details: { source: string; stored: number } }>(
        "select details from audit_event where action = 'record results' and outcome = 'allowed' order by seq desc limit 1",
      );
      assert.equal(entry!.details.source, 'csv');
      assert.equal(entry!.details.stored, 2);
    });

    test('rows sent back from the preview are checked again: a row changed to a bad unit is refused', async () => {
      await clear();
      const rows = JSON.stringify([
        {
          row: 2,
          analyte: 'neutrophils',
          value: '3.1',
          unit: 'furlongs',
          specimen_date: '2026-11-24',
          range_low: '',
          range_high: '',
        },
      ]);
      const res = await nurse.postForm(`/patients/${amelia}/results/import/confirm`, { rows, choice: 'all' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Row 2, column unit: Neutrophils: “furlongs” is not a unit/);
      assert.deepEqual(await stored(), []);
    });

    test('a clean file pasted into the box stores every row', async () => {
      await clear();
      const text =
        'analyte,value,unit,specimen_date\nhaemoglobin,12.1,g/dL,2026-11-24\ncrp,4,mg/L,2026-11-24\n';
      const preview = await nurse.postForm(`/patients/${amelia}/results/import`, { content: text });
      assert.equal(preview.statusCode, 200, preview.body);
      assert.match(preview.body, /Import 2 results/);
      const res = await nurse.postForm(`/patients/${amelia}/results/import/confirm`, {
        rows: hiddenRows(preview.body),
        choice: 'all',
      });
      assert.equal(res.statusCode, 303);
      assert.deepEqual(await stored(), [
        { analyte: 'crp', source: 'csv' },
        { analyte: 'haemoglobin', source: 'csv' },
      ]);
    });

    test('a file without the columns it needs is refused as a whole', async () => {
      await clear();
      const res = await uploadCsv(w, nurse, amelia, 'test,result\nneutrophils,3.1\n');
      assert.equal(res.statusCode, 400);
      assert.match(squash(res.body), /analyte, value, unit, specimen_date are missing/);
      assert.deepEqual(await stored(), []);
    });

    test('a GP at another practice cannot preview or import a file for the child', async () => {
      const other = await w.as('gp2');
      assert.equal((await uploadCsv(w, other, amelia, withBadRow)).statusCode, 403);
      assert.equal((await other.get(`/patients/${amelia}/results/import`)).statusCode, 403);
    });

    test('API: 201 with the stored results and their outcomes; GET by analyte', async () => {
      await clear();
      const res = await nurse.api('POST', `/api/patients/${amelia}/results`, {
        results: [
          {
            analyte: 'neutrophils',
            value: 1.2,
            unit: '10^9/L',
            specimenDate: '2026-11-25',
            externalId: 'LAB-1',
          },
          {
            analyte: 'alt',
            value: '30',
            unit: 'IU/L',
            specimenDate: '2026-11-25',
            rangeLow: 0,
            rangeHigh: 40,
          },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as {
        results: {
          analyte: string;
          value: number;
          unit: string;
          outcome: string;
          findings: { action: string }[];
        }[];
        alerts: number;
        alreadyStored: number;
      };
      assert.equal(body.alerts, 1);
      assert.equal(body.alreadyStored, 0);
      const neutrophils = body.results.find((r) => r.analyte === 'neutrophils')!;
      assert.equal(neutrophils.outcome, 'red');
      assert.equal(neutrophils.unit, '×10⁹/L');
      assert.match(neutrophils.findings[0]!.action, /Withhold methotrexate/);
      assert.equal(body.results.find((r) => r.analyte === 'alt')!.outcome, 'normal');

      const again = await nurse.api('POST', `/api/patients/${amelia}/results`, {
        results: [
          {
            analyte: 'neutrophils',
            value: 1.2,
            unit: '10^9/L',
            specimenDate: '2026-11-25',
            externalId: 'LAB-1',
          },
        ],
      });
      assert.equal(again.json().alreadyStored, 1, 'sent twice, stored once');

      const corrected = await nurse.api('POST', `/api/patients/${amelia}/results`, {
        results: [
          {
            analyte: 'neutrophils',
            value: 0.9,
            unit: '10^9/L',
            specimenDate: '2026-11-25',
            externalId: 'LAB-1',
          },
        ],
      });
      assert.equal(
        corrected.statusCode,
        409,
        'a different value under the old identifier is not taken as a resend',
      );
      assert.match(corrected.json().error.message, /send a correction with a new identifier/);

      const grace = w.ids[GRACE]!;
      const otherChild = await nurse.api('POST', `/api/patients/${grace}/results`, {
        results: [
          {
            analyte: 'neutrophils',
            value: 1.2,
            unit: '10^9/L',
            specimenDate: '2026-11-25',
            externalId: 'LAB-1',
          },
        ],
      });
      assert.equal(
        otherChild.statusCode,
        409,
        "another child's identifier is refused, never answered with their result",
      );
      assert.doesNotMatch(otherChild.body, new RegExp(amelia));

      const listed = await nurse.api('GET', `/api/patients/${amelia}/results?analyte=neutrophils`);
      assert.equal(listed.statusCode, 200);
      const { results, alerts } = listed.json() as {
        results: { analyte: string }[];
        alerts: { id: string }[];
      };
      assert.ok(results.length >= 1 && results.every((r) => r.analyte === 'neutrophils'));
      assert.equal(alerts.length, 1);
      assert.equal(
        (await nurse.api('GET', `/api/patients/${amelia}/results?analyte=unicorns`)).statusCode,
        400,
      );
    });

    test('the results API is in the OpenAPI document', async () => {
      const docs = (await nurse.get('/api/docs/json')).json() as { paths: Record<string, unknown> };
      for (const path of ['/api/patients/{id}/results', '/api/results/alerts/{alertId}/acknowledgement']) {
        assert.ok(docs.paths[path], path);
      }
    });

    test('API: 400 names each result and field at fault, and stores nothing', async () => {
      await clear();
      const res = await nurse.api('POST', `/api/patients/${amelia}/results`, {
        results: [
          { analyte: 'neutrophils', value: 3, unit: '10^9/L', specimenDate: '2026-11-25' },
          { analyte: 'platelets', value: 250, unit: 'mmol/L', specimenDate: '2026-11-25' },
          { analyte: 'crp', value: 4, unit: 'mg/L', specimenDate: '2026-12-25' },
        ],
      });
      assert.equal(res.statusCode, 400);
      const { error } = res.json() as {
        error: { code: string; message: string; fields: { field: string }[] };
      };
      assert.equal(error.code, 'INVALID_INPUT');
      assert.deepEqual(
        error.fields.map((f) => f.field),
        ['results.1.unit', 'results.2.specimenDate'],
      );
      assert.match(error.message, /Platelets: “mmol\/L” is not a unit/);
      assert.deepEqual(await stored(), []);
    });

    test('API: a decision is recorded (200), a second one is refused (409), and continuing needs a reason (400)', async () => {
      await clear();
      await nurse.api('POST', `/api/patients/${amelia}/results`, {
        results: [{ analyte: 'platelets', value: 90, unit: '10^9/L', specimenDate: '2026-11-25' }],
      });
      const [alert] = await w.db.query<{ id: string }>(
        `select a.id from result_alert a join lab_result r on r.id = a.result_id
         where a.patient_id = $1 and r.analyte = 'platelets'`,
        [amelia],
      );
      const url = `/api/results/alerts/${alert!.id}/acknowledgement`;
      const noReason = await nurse.api('POST', url, { decision: 'continue' });
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(
        noReason.json().error.fields.map((f: { field: string }) => f.field),
        ['note'],
      );
      const decided = await nurse.api('POST', url, { decision: 'repeat-test', note: 'Repeat in a week' });
      assert.equal(decided.statusCode, 200, decided.body);
      assert.equal(decided.json().decision, 'repeat-test');
      assert.ok(decided.json().acknowledgedAt);
      assert.equal((await nurse.api('POST', url, { decision: 'withhold' })).statusCode, 409);
      const other = await w.as('gp2');
      assert.equal((await other.api('POST', url, { decision: 'withhold' })).statusCode, 403);
    });
  });
}
