import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { syncShippedProtocols } from './protocols.store.ts';

/** The text of a page with tags removed and spaces squashed, so assertions read like the page. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

/** The summary-list row whose key is `key`, as text. */
function row(html: string, key: string): string {
  const rows = html.split('<div class="nhsuk-summary-list__row">').map(text);
  const found = rows.find((r) => r.startsWith(key));
  assert.ok(found, `no row "${key}"`);
  return found;
}

for (const database of testDatabases()) {
  describe(`reading shared care protocols (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      await syncShippedProtocols(db);
      t = await testApp(db);
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('a GP sees every shipped protocol with its version in use and whether care is shared', async () => {
      const gp = await t.signIn('gp@demo.test');
      const page = await gp.get('/protocols');
      assert.equal(page.statusCode, 200);
      const rows = page.body.split('<tr class="nhsuk-table__row">').slice(2).map(text);
      assert.equal(rows.length, 11);
      const methotrexate = rows.find((r) => r.startsWith('Methotrexate by mouth'));
      assert.match(methotrexate ?? '', /Methotrexate Shared care 1\.1 from 26 November 2026/);
      const etanercept = rows.find((r) => r.includes('Etanercept'));
      assert.match(etanercept ?? '', /Specialist only/);
      assert.match((await gp.get('/patients')).body, /href="\/protocols"[^>]*>Protocols</);
    });

    test('the methotrexate page shows the 25 mg maximum as awaiting local confirmation, with its source', async () => {
      const gp = await t.signIn('gp@demo.test');
      const page = await gp.get('/protocols/methotrexate-oral-jia/1.1');
      assert.equal(page.statusCode, 200);
      const maximum = row(page.body, 'Maximum dose');
      assert.match(maximum, /25 mg a week/);
      assert.match(maximum, /Source: DEFAULTS\.md \(25 mg\/week cap/);
      assert.match(maximum, /Awaiting local confirmation/);
      const range = row(page.body, 'Dose range');
      assert.match(range, /10 to 15 mg\/m² a week Source: REFERENCE\.md §1\.1/);
      assert.doesNotMatch(range, /Awaiting local confirmation/);
    });

    test('the page reads the whole protocol to a GP: transfer, answer window, duties, monitoring and results', async () => {
      const gp = await t.signIn('gp@demo.test');
      const body = text((await gp.get('/protocols/methotrexate-oral-jia/1.1')).body);
      for (const words of [
        'The dose has been stable for 12 weeks',
        'The GP practice answers within 14 days of the request',
        'A reminder goes to the practice on day 7',
        'Responsibility stays with the specialist team',
        'What the GP practice does (primary care prescriber)',
        'Prescribe the dose the specialist team recommends, as 2.5 mg tablets only',
        'What the child and family do',
        'Once a week, on the same named day each week',
        'FBC, LFT, U&E every 14 days, until the dose has been stable for 6 weeks',
        'The GP practice is given a task on the due date',
        'Neutrophils below 1.6 ×10⁹/L',
        'ALT above 2 × upper limit of normal, up to 100 U/L',
        'Creatinine rise of more than 30% from baseline over 12 months',
        'White cell count 3 consecutive falls',
        'Inactivated flu vaccine every autumn',
        'Patient-held methotrexate monitoring and dosage record (NPSA)',
      ]) {
        assert.ok(body.includes(words), `missing: ${words}`);
      }
    });

    test('a parent cannot read protocols through the staff pages or the API', async () => {
      const parent = await t.signIn('parent@demo.test');
      assert.equal((await parent.get('/protocols')).statusCode, 403);
      assert.equal((await parent.get('/protocols/methotrexate-oral-jia/1.1')).statusCode, 403);
      assert.equal((await parent.api('GET', '/api/protocols')).statusCode, 403);
    });

    test('the API lists protocols and gives one version whole, with its status', async () => {
      const nurse = await t.signIn('nurse@demo.test');
      const list = await nurse.api('GET', '/api/protocols');
      assert.equal(list.statusCode, 200);
      const protocols = list.json().protocols as { protocolId: string; inUse: { version: string } }[];
      assert.equal(protocols.length, 11);
      assert.equal(protocols.find((p) => p.protocolId === 'azathioprine-jia')?.inUse.version, '1.1');

      const one = await nurse.api('GET', '/api/protocols/methotrexate-oral-jia/1.1');
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().status, 'approved');
      assert.equal(one.json().inUse, true);
      assert.equal(one.json().protocol.dosing.maximumMg.value, 25);
      assert.equal((await nurse.api('GET', '/api/protocols/methotrexate-oral-jia/9.9')).statusCode, 404);
    });
  });
}
