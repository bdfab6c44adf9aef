import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { type AdminWorld, adminWorld, squash, userId } from './admin.testing.ts';

const patientA = '11111111-1111-4111-8111-111111111111';
const patientB = '22222222-2222-4222-8222-222222222222';

/** What the GP and a nurse did, as the patient gates would have recorded it. */
async function someActivity(db: Database) {
  const gp = { userId: await userId(db, 'gp@demo.test'), userEmail: 'gp@demo.test', role: 'gp' };
  const nurse = {
    userId: await userId(db, 'nurse@demo.test'),
    userEmail: 'nurse@demo.test',
    role: 'nurse_specialist',
  };
  const entry = (who: typeof gp, action: string, at: string, more: Record<string, unknown> = {}) =>
    recordAudit(db, {
      ...who,
      organisationId: null,
      patientId: patientA,
      action,
      outcome: 'allowed',
      relationship: 'care-team',
      breakGlassReason: null,
      details: {},
      occurredAt: new Date(at),
      ...more,
    });
  await entry(gp, 'view summary', '2026-11-20T09:00:00Z');
  await entry(nurse, 'view summary', '2026-11-20T09:30:00Z');
  await entry(gp, 'record growth', '2026-11-21T10:00:00Z');
  await entry(gp, 'view summary', '2026-11-22T11:00:00Z', {
    patientId: patientB,
    outcome: 'refused',
    relationship: null,
    details: { reason: 'not in the care team' },
  });
  await entry(gp, 'view summary', '2026-11-23T23:30:00Z', {
    patientId: patientB,
    relationship: 'break-glass',
    breakGlassReason: 'Seen in the out-of-hours clinic with a hot swollen knee',
  });
  await entry(nurse, 'view letters', '2026-07-01T23:30:00Z', { patientId: patientB });
}

for (const database of testDatabases()) {
  describe(`the audit trail for administrators (${database.name})`, () => {
    let world: AdminWorld;
    let db: Database;
    let t: TestApp;
    let admin: SignedInClient;
    before(async () => {
      world = await adminWorld(database);
      ({ db, t, admin } = world);
      await someActivity(db);
    });
    after(() => world.close());

    test('filtered by the GP’s e-mail, it shows only their entries, newest first', async () => {
      const res = await admin.api('GET', '/api/audit?userEmail=GP%40demo.test');
      assert.equal(res.statusCode, 200);
      const entries = res.json().entries as {
        action: string;
        userEmail: string;
        seq: number;
        patientId: string;
      }[];
      assert.deepEqual(
        entries.map((e) => [e.action, e.patientId]),
        [
          ['view summary', patientB],
          ['view summary', patientB],
          ['record growth', patientA],
          ['view summary', patientA],
        ],
      );
      assert.ok(entries.every((e) => e.userEmail === 'gp@demo.test'));
      assert.deepEqual(
        entries.map((e) => e.seq),
        entries.map((e) => e.seq).sort((a, b) => b - a),
      );

      const page = squash((await admin.get('/admin/audit?userEmail=gp%40demo.test')).body);
      assert.match(page, /record growth/);
      assert.doesNotMatch(page, /nurse@demo.test/);
      assert.match(page, /Reason: “Seen in the out-of-hours clinic with a hot swollen knee”/);
    });

    test('filters by patient, action words, outcome, break-glass and UK calendar days', async () => {
      const actions = async (query: string) =>
        (
          (await admin.api('GET', `/api/audit?${query}`)).json().entries as {
            action: string;
            userEmail: string;
          }[]
        ).map((e) => `${e.userEmail} ${e.action}`);
      assert.deepEqual(await actions(`patientId=${patientA}`), [
        'gp@demo.test record growth',
        'nurse@demo.test view summary',
        'gp@demo.test view summary',
      ]);
      assert.deepEqual(await actions('action=GROWTH'), ['gp@demo.test record growth']);
      assert.deepEqual(await actions('outcome=refused'), ['gp@demo.test view summary']);
      assert.deepEqual(await actions('breakGlassOnly=true'), ['gp@demo.test view summary']);
      assert.deepEqual(await actions('userEmail=gp%40demo.test&from=2026-11-20&to=2026-11-21'), [
        'gp@demo.test record growth',
        'gp@demo.test view summary',
      ]);
      assert.equal((await actions('from=2026-11-23&to=2026-11-23&userEmail=gp%40demo.test')).length, 1);
      // 23:30 UTC on 1 July is half past midnight on 2 July in the UK (British Summer Time).
      assert.deepEqual(await actions('from=2026-07-02&to=2026-07-02'), ['nurse@demo.test view letters']);
      assert.deepEqual(await actions('from=2026-07-01&to=2026-07-01'), []);
    });

    test('pages go back in time by sequence number, and forward again', async () => {
      const first = (await admin.api('GET', '/api/audit?userEmail=gp%40demo.test&limit=3')).json();
      assert.equal(first.entries.length, 3);
      assert.equal(first.newer, null);
      const second = (
        await admin.api('GET', `/api/audit?userEmail=gp%40demo.test&limit=3&before=${first.older}`)
      ).json();
      assert.equal(second.entries.length, 1);
      assert.equal(second.older, null);
      assert.ok(second.entries[0].seq < first.entries[2].seq);
      const back = (
        await admin.api('GET', `/api/audit?userEmail=gp%40demo.test&limit=3&after=${second.newer}`)
      ).json();
      assert.deepEqual(back.entries, first.entries);

      const page = await admin.get('/admin/audit?userEmail=gp%40demo.test');
      assert.doesNotMatch(page.body, /Older entries/, 'four entries fit on one page');
    });

    test('bad filters are refused beside their fields', async () => {
      const res = await admin.get('/admin/audit?patientId=9990000018&from=2026-02-30&outcome=maybe');
      assert.equal(res.statusCode, 400);
      const page = squash(res.body);
      for (const field of ['patientId', 'from', 'outcome'])
        assert.match(page, new RegExp(`href="#${field}"`));
      const api = await admin.api('GET', '/api/audit?from=2026-11-20&to=2026-11-01');
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().error.fields[0].field, 'to');
    });

    test('the CSV download has a header row and one line per matching entry, and is itself audited', async () => {
      const page = await admin.get('/admin/audit?userEmail=gp%40demo.test&outcome=allowed');
      assert.match(
        page.body,
        /href="\/admin\/audit.csv\?userEmail=gp%40demo.test&amp;outcome=allowed"[^>]*>Download as CSV/,
      );

      const res = await admin.get('/admin/audit.csv?userEmail=gp%40demo.test&outcome=allowed');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="jointly-audit-2026-11-26.csv"$/,
      );
      const lines = res.body.trim().split('\n');
      assert.equal(
        lines[0],
        'seq,occurred_at,user_email,role,organisation_code,patient_id,action,outcome,relationship,break_glass_reason,details,hash',
      );
      assert.equal(lines.length, 1 + 3);
      assert.ok(lines.slice(1).every((l) => l.includes(',gp@demo.test,') && l.includes(',allowed,')));

      const api = await admin.api('GET', '/api/audit.csv?action=record');
      assert.equal(api.body.trim().split('\n').length, 2);

      const exports = (await admin.api('GET', '/api/audit?action=export%20audit%20trail')).json().entries;
      assert.equal(exports.length, 2);
      assert.equal(exports[0].userEmail, 'admin@demo.test');
      assert.deepEqual(exports[0].details, { filter: { action: 'record', breakGlassOnly: false } });
      assert.equal(exports[0].patientId, null);
    });

    test('verifying the chain reports it intact, on the page and through the API', async () => {
      const res = await admin.postForm('/admin/audit/verify', {});
      assert.equal(res.statusCode, 200);
      const [count] = await db.query<{ n: number }>('select count(*)::int as n from audit_event');
      assert.match(squash(res.body), new RegExp(`The audit trail is intact: ${count!.n} entries checked`));
      const api = await admin.api('POST', '/api/audit/verify');
      assert.deepEqual(api.json(), { ok: true, entries: count!.n });
    });

    test('the GP may not read the trail', async () => {
      const gp = await t.signIn('gp@demo.test');
      assert.equal((await gp.api('GET', '/api/audit')).statusCode, 403);
      assert.equal((await gp.get('/admin/audit.csv')).statusCode, 403);
    });
  });
}
