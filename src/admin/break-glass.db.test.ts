import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { type AdminWorld, adminWorld, squash, userId } from './admin.testing.ts';

/** Break-glass access as a declaration would have recorded it (by nhs number, to find the demo patient). */
async function grant(
  db: Database,
  email: string,
  nhsNumber: string,
  reason: string,
  grantedAt: string,
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into break_glass (user_id, organisation_id, role, patient_id, reason, granted_at, expires_at)
     select u.id, m.organisation_id, m.role, p.id, $3, $4::timestamptz, $4::timestamptz + interval '1 hour'
     from app_user u join membership m on m.user_id = u.id, patient p
     where u.email = $1 and p.nhs_number = $2
     returning id`,
    [email, nhsNumber, reason, grantedAt],
  );
  return row!.id;
}

for (const database of testDatabases()) {
  describe(`reviewing break-glass access (${database.name})`, () => {
    let world: AdminWorld;
    let db: Database;
    let t: TestApp;
    let admin: SignedInClient;
    let older: string;
    let newer: string;
    before(async () => {
      world = await adminWorld(database);
      ({ db, t, admin } = world);
      older = await grant(
        db,
        'gp2@demo.test',
        '9990000018',
        'Child seen urgently at our surgery with a fever',
        '2026-11-24T08:00:00Z',
      );
      newer = await grant(
        db,
        'paediatrician@demo.test',
        '9990000034',
        'Admitted overnight, team not reachable',
        '2026-11-25T02:00:00Z',
      );
    });
    after(() => world.close());

    test('the admin sees unreviewed grants, newest first, with who, the patient’s id only, and the reason', async () => {
      const res = await admin.get('/admin/break-glass');
      assert.equal(res.statusCode, 200);
      const page = squash(res.body);
      assert.match(page, /Waiting for review \(2\)/);
      assert.ok(page.indexOf('paediatrician@demo.test') < page.indexOf('gp2@demo.test'), 'newest first');
      assert.match(page, /gp2@demo.test<br>GP, GP002/);
      assert.match(page, /Child seen urgently at our surgery with a fever/);
      const [amelia] = await db.query<{ id: string }>(
        "select id from patient where nhs_number = '9990000018'",
      );
      assert.match(page, new RegExp(amelia!.id));
      assert.doesNotMatch(page, /Amelia|Hart|999 000 0018|9990000018/);
      assert.doesNotMatch(page, new RegExp(`href="/patients/${amelia!.id}`));

      const api = (await admin.api('GET', '/api/break-glass-reviews?status=unreviewed')).json();
      assert.deepEqual(
        api.grants.map((g: { id: string }) => g.id),
        [newer, older],
      );
      assert.match((await admin.get('/admin')).body, /2 grants waiting for review/);
      const review = await admin.get(`/admin/break-glass/${older}`);
      assert.match(squash(review.body), /Was this access appropriate\?/);
    });

    test('judged inappropriate without a note, the review is refused naming the note, and nothing is recorded', async () => {
      const web = await admin.postForm(`/admin/break-glass/${older}/review`, {
        outcome: 'inappropriate',
        note: '',
      });
      assert.equal(web.statusCode, 400);
      assert.match(squash(web.body), /href="#note"> Say why the access was inappropriate/);
      assert.match(web.body, /value="inappropriate" checked/);

      const api = await admin.api('POST', `/api/break-glass-reviews/${older}`, { outcome: 'inappropriate' });
      assert.equal(api.statusCode, 400);
      assert.deepEqual(
        api.json().error.fields.map((f: { field: string }) => f.field),
        ['note'],
      );

      const [row] = await db.query<{ reviewed_at: Date | null }>(
        'select reviewed_at from break_glass where id = $1',
        [older],
      );
      assert.equal(row!.reviewed_at, null);
    });

    test('with a note, the review is recorded with the reviewer and time, and leaves the unreviewed list', async () => {
      const res = await admin.postForm(`/admin/break-glass/${older}/review`, {
        outcome: 'inappropriate',
        note: 'Not an emergency: the practice should have called the advice line. Raised with GP002.',
      });
      assert.equal(res.statusCode, 303);
      const [row] = await db.query<{
        reviewed_by: string;
        reviewed_at: Date;
        review_outcome: string;
        review_note: string;
      }>('select reviewed_by, reviewed_at, review_outcome, review_note from break_glass where id = $1', [
        older,
      ]);
      assert.equal(row!.reviewed_by, await userId(db, 'admin@demo.test'));
      assert.equal(row!.reviewed_at.toISOString(), t.clock.now.toISOString());
      assert.equal(row!.review_outcome, 'inappropriate');
      assert.match(row!.review_note, /advice line/);

      const unreviewed = (await admin.api('GET', '/api/break-glass-reviews?status=unreviewed')).json();
      assert.deepEqual(
        unreviewed.grants.map((g: { id: string }) => g.id),
        [newer],
      );
      const page = squash((await admin.get('/admin/break-glass?reviewed=1')).body);
      assert.match(page, /Review recorded/);
      assert.match(page, /Waiting for review \(1\)/);
      assert.match(page, /<strong>Inappropriate<\/strong><br>by admin@demo.test/);
    });

    test('through the API an appropriate review needs no note; a grant is reviewed once', async () => {
      const res = await admin.api('POST', `/api/break-glass-reviews/${newer}`, { outcome: 'appropriate' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().grant.outcome, 'appropriate');
      assert.equal(res.json().grant.reviewerEmail, 'admin@demo.test');
      const again = await admin.api('POST', `/api/break-glass-reviews/${newer}`, {
        outcome: 'inappropriate',
        note: 'Changed my mind',
      });
      assert.equal(again.statusCode, 409);
      assert.equal(
        (await admin.api('GET', '/api/break-glass-reviews?status=unreviewed')).json().grants.length,
        0,
      );
    });

    test('each review is in the audit trail with the grant and the patient’s id, not as access to the record', async () => {
      const rows = await db.query<{
        patient_id: string | null;
        details: { breakGlassId: string; outcome: string };
      }>(
        "select patient_id, details from audit_event where action = 'review break-glass access' order by seq",
      );
      assert.deepEqual(
        rows.map((r) => [r.details.breakGlassId, r.details.outcome, r.patient_id]),
        [
          [older, 'inappropriate', null],
          [newer, 'appropriate', null],
        ],
      );
    });

    test('only service administrators review', async () => {
      const consultant = await t.signIn('consultant@demo.test');
      assert.equal((await consultant.api('GET', '/api/break-glass-reviews')).statusCode, 403);
      assert.equal(
        (await consultant.postForm(`/admin/break-glass/${older}/review`, { outcome: 'appropriate' }))
          .statusCode,
        403,
      );
    });
  });
}
