import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

/** Logs go to operators and log stores that are not audited: no patient may be identifiable in them. */
for (const database of testDatabases()) {
  describe(`the log (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let log = '';
    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      const sink = new Writable({
        write(chunk, _enc, done) {
          log += chunk;
          done();
        },
      });
      t = await testApp(db, { logLevel: 'trace' }, new Date('2026-11-26T10:00:00Z'), sink);
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('searching by name, NHS number and date of birth, and opening a record, leaves none of them in the log', async () => {
      const gp = await t.signIn('gp@demo.test');
      await gp.get('/patients/search?name=Hart&nhsNumber=999+000+0018&dateOfBirth=2016-03-14');
      const res = await gp.api('GET', '/api/patients/search?name=Hart&nhsNumber=9990000018');
      assert.equal(res.statusCode, 200);
      const amelia = res.json().patients?.[0]?.id;
      assert.ok(amelia, 'the search found Amelia');
      await gp.get(`/patients/${amelia}`);
      await gp.postForm(`/patients/${amelia}/growth`, {
        measuredOn: '2026-11-20',
        weightKg: '-3',
        heightCm: '140',
      });
      assert.ok(log.length > 0, 'requests were logged');
      assert.doesNotMatch(log, /Hart/);
      assert.doesNotMatch(log, /Amelia/);
      assert.doesNotMatch(log, /9990000018|999 000 0018|999\+000\+0018/);
      assert.doesNotMatch(log, /2016-03-14/);
      assert.match(log, /"path":"\/patients\/search"/, 'the path is logged without its query');
    });
  });
}
