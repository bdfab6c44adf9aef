import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { type AdminWorld, adminWorld, squash } from './admin.testing.ts';

const strongPassword = 'heron-quartz-meadow-81';

async function organisationCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from organisation');
  return row!.n;
}

for (const database of testDatabases()) {
  describe(`administering organisations (${database.name})`, () => {
    let world: AdminWorld;
    let db: Database;
    let t: TestApp;
    let admin: SignedInClient;
    before(async () => {
      world = await adminWorld(database);
      ({ db, t, admin } = world);
    });
    after(() => world.close());

    test('through the API, the admin adds an organisation and a GP in it, who can then sign in', async () => {
      const org = await admin.api('POST', '/api/organisations', {
        code: 'gp101',
        name: 'Millbrook Surgery',
        kind: 'gp_practice',
      });
      assert.equal(org.statusCode, 201);
      assert.deepEqual(org.json().organisation, {
        code: 'GP101',
        name: 'Millbrook Surgery',
        kind: 'gp_practice',
      });

      const user = await admin.api('POST', '/api/users', {
        email: 'Dr.Patel@Millbrook.example',
        displayName: 'Dr Anita Patel',
        role: 'gp',
        organisationCode: 'GP101',
        password: strongPassword,
      });
      assert.equal(user.statusCode, 201);
      assert.deepEqual(user.json().user.memberships, [{ role: 'gp', organisationCode: 'GP101' }]);
      assert.doesNotMatch(user.body, /argon2|password/i);

      const gp = await t.signIn('dr.patel@millbrook.example', strongPassword);
      const session = await gp.get('/api/session');
      assert.equal(session.json().user.memberships[0].organisationCode, 'GP101');
    });

    test('through the web form, the admin adds an organisation and sees it listed with its users', async () => {
      const form = await admin.get('/admin/organisations/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /id="code"/);

      const res = await admin.postForm('/admin/organisations/new', {
        code: 'LH104',
        name: 'Westfield General Hospital',
        kind: 'local_hospital',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/organisations?added=LH104');

      const list = await admin.get('/admin/organisations?added=LH104');
      assert.match(list.body, /Organisation LH104 added/);
      assert.match(
        squash(list.body),
        />LH104<\/th> <td[^>]*>Westfield General Hospital<\/td> <td[^>]*>Local hospital<\/td>/,
      );
      assert.match(list.body, /GP001/);
    });

    test('a duplicate code is refused naming the code field, and nothing is written', async () => {
      const countBefore = await organisationCount(db);
      const api = await admin.api('POST', '/api/organisations', {
        code: 'GP001',
        name: 'Copy',
        kind: 'gp_practice',
      });
      assert.equal(api.statusCode, 409);
      assert.deepEqual(api.json().error.fields, [
        { field: 'code', message: 'There is already an organisation with the code GP001' },
      ]);

      const web = await admin.postForm('/admin/organisations/new', {
        code: 'gp001',
        name: 'Copy',
        kind: 'gp_practice',
      });
      assert.equal(web.statusCode, 409);
      assert.match(web.body, /There is a problem/);
      assert.match(squash(web.body), /href="#code"> There is already an organisation with the code GP001 </);
      assert.match(web.body, /value="Copy"/);
      assert.equal(await organisationCount(db), countBefore);
    });

    test('a malformed code and a missing kind are refused on the form, each beside its field', async () => {
      const web = await admin.postForm('/admin/organisations/new', { code: 'G-1', name: 'Odd Practice' });
      assert.equal(web.statusCode, 400);
      assert.match(web.body, /href="#code"/);
      assert.match(web.body, /href="#kind"/);
      assert.match(web.body, /id="kind-error"/);
    });

    test('renaming keeps the code; a change of kind that its people’s roles do not suit is refused', async () => {
      const edit = await admin.get('/admin/organisations/GP002/edit');
      assert.equal(edit.statusCode, 200);
      assert.doesNotMatch(edit.body, /name="code"/);

      const renamed = await admin.postForm('/admin/organisations/GP002/edit', {
        name: 'Hillside Medical Practice',
        kind: 'gp_practice',
      });
      assert.equal(renamed.statusCode, 303);
      const list = await admin.api('GET', '/api/organisations');
      assert.ok(
        list
          .json()
          .organisations.some(
            (o: { code: string; name: string }) =>
              o.code === 'GP002' && o.name === 'Hillside Medical Practice',
          ),
      );

      const turned = await admin.api('PATCH', '/api/organisations/GP002', { kind: 'specialist_centre' });
      assert.equal(turned.statusCode, 400);
      assert.equal(turned.json().error.fields[0].field, 'kind');
      assert.match(turned.json().error.message, /gp/);
    });

    test('the organisation changes are in the audit trail, with no patient', async () => {
      const rows = await db.query<{
        action: string;
        patient_id: string | null;
        details: { organisationCode: string };
      }>(
        "select action, patient_id, details from audit_event where action like '% organisation' order by seq",
      );
      assert.deepEqual(
        rows.map((r) => [r.action, r.details.organisationCode, r.patient_id]),
        [
          ['create organisation', 'GP101', null],
          ['create organisation', 'LH104', null],
          ['change organisation', 'GP002', null],
        ],
      );
    });

    test('any staff member may list organisations; a parent may not, nor may staff add one', async () => {
      const gp = await t.signIn('gp@demo.test');
      assert.equal((await gp.api('GET', '/api/organisations')).statusCode, 200);
      assert.equal(
        (await gp.api('POST', '/api/organisations', { code: 'X123', name: 'X', kind: 'other_service' }))
          .statusCode,
        403,
      );
      const parent = await t.signIn('parent@demo.test');
      assert.equal((await parent.api('GET', '/api/organisations')).statusCode, 403);
    });
  });
}
