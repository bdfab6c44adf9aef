import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

/** Each demo sign-in, and exactly the demo children that person may see (issue: "see exactly the patients that role may see"). */
const expected: Record<string, string[]> = {
  'consultant@demo.test': ['Bennett', 'Hart', 'Khan', 'Okafor', 'Williams'],
  'nurse@demo.test': ['Bennett', 'Hart', 'Khan', 'Okafor', 'Williams'],
  'gp@demo.test': ['Hart', 'Khan'],
  'gp2@demo.test': ['Bennett', 'Williams'],
  'paediatrician@demo.test': ['Bennett'],
  'physio@demo.test': ['Hart'],
  'parent@demo.test': ['Hart'],
  'teen@demo.test': ['Okafor'],
  'admin@demo.test': [],
  'cso@demo.test': [],
};

for (const database of testDatabases()) {
  describe(`each demo sign-in sees exactly its patients (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      t = await testApp(db);
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    for (const [email, familyNames] of Object.entries(expected)) {
      test(`${email}: ${familyNames.join(', ') || 'no one'}`, async () => {
        const person = await t.signIn(email);
        const res = await person.api('GET', '/api/patients');
        const seen =
          res.statusCode === 200
            ? (res.json().patients as { familyName: string }[]).map((p) => p.familyName).sort()
            : [];
        if (res.statusCode !== 200)
          assert.equal(res.statusCode, 403, 'no list at all means refused, not an error');
        assert.deepEqual(seen, familyNames);
      });
    }
  });
}
