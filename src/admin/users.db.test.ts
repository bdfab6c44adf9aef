import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { commandLine, createApiClient } from '../interop/fhir/api-clients.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { type AdminWorld, adminWorld, squash, userId } from './admin.testing.ts';

const strongPassword = 'otter-basalt-window-37';

async function accountCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from app_user');
  return row!.n;
}

for (const database of testDatabases()) {
  describe(`administering users (${database.name})`, () => {
    let world: AdminWorld;
    let db: Database;
    let t: TestApp;
    let admin: SignedInClient;
    before(async () => {
      world = await adminWorld(database);
      ({ db, t, admin } = world);
    });
    after(() => world.close());

    test('people without the service administrator role are refused the admin pages and API', async () => {
      const gp = await t.signIn('gp@demo.test');
      for (const url of [
        '/admin',
        '/admin/users',
        '/admin/organisations',
        '/admin/audit',
        '/admin/break-glass',
      ]) {
        assert.equal((await gp.get(url)).statusCode, 403, url);
      }
      for (const url of ['/api/users', '/api/audit', '/api/audit.csv', '/api/break-glass-reviews']) {
        const res = await gp.api('GET', url);
        assert.equal(res.statusCode, 403, url);
        assert.equal(res.json().error.code, 'FORBIDDEN');
      }
      const cso = await t.signIn('cso@demo.test');
      assert.equal((await cso.api('GET', '/api/users')).statusCode, 403);
      assert.equal((await t.anonymous().get('/admin')).statusCode, 303);
    });

    test('the admin home counts organisations, active accounts and grants waiting for review', async () => {
      const res = await admin.get('/admin');
      assert.equal(res.statusCode, 200);
      const page = squash(res.body);
      const [orgs] = await db.query<{ n: number }>('select count(*)::int as n from organisation');
      const [users] = await db.query<{ n: number }>(
        'select count(*)::int as n from app_user where is_active',
      );
      assert.match(page, new RegExp(`${orgs!.n} organisations sharing care`));
      assert.match(page, new RegExp(`${users!.n} active accounts`));
      assert.match(page, /Nothing waiting for review/);
    });

    test('through the web form, the admin adds a GP, who can sign in; the account page shows the role', async () => {
      const form = await admin.get('/admin/users/new');
      assert.match(squash(form.body), /<option value="GP001">GP001 – /);
      const res = await admin.postForm('/admin/users/new', {
        email: 'nurse.okoro@riverside.example',
        displayName: 'Ada Okoro',
        role: 'practice_nurse',
        organisationCode: 'GP001',
        password: strongPassword,
      });
      assert.equal(res.statusCode, 303);
      const page = await admin.get(res.headers.location as string);
      assert.match(squash(page.body), /Account added/);
      assert.match(squash(page.body), /Practice nurse, GP001/);

      const nurse = await t.signIn('nurse.okoro@riverside.example', strongPassword);
      assert.equal((await nurse.get('/api/session')).statusCode, 200);
    });

    test('a duplicate e-mail is refused naming the e-mail field, on the form and through the API', async () => {
      const countBefore = await accountCount(db);
      const web = await admin.postForm('/admin/users/new', {
        email: 'GP@demo.test',
        displayName: 'Second GP',
        role: 'gp',
        organisationCode: 'GP001',
        password: strongPassword,
      });
      assert.equal(web.statusCode, 409);
      assert.match(squash(web.body), /href="#email"> There is already an account with this e-mail address </);
      assert.match(web.body, /value="Second GP"/);
      assert.doesNotMatch(web.body, new RegExp(strongPassword), 'the password is never sent back');

      const api = await admin.api('POST', '/api/users', {
        email: 'gp@demo.test',
        displayName: 'Second GP',
        role: 'gp',
        organisationCode: 'GP001',
        password: strongPassword,
      });
      assert.equal(api.statusCode, 409);
      assert.equal(api.json().error.fields[0].field, 'email');
      assert.equal(await accountCount(db), countBefore);
    });

    test('a weak password is refused naming the password field, and no account is made', async () => {
      const countBefore = await accountCount(db);
      const api = await admin.api('POST', '/api/users', {
        email: 'new.gp@riverside.example',
        displayName: 'New GP',
        role: 'gp',
        organisationCode: 'GP001',
        password: 'password1234',
      });
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().error.fields[0].field, 'password');

      const web = await admin.postForm('/admin/users/new', {
        email: 'new.gp@riverside.example',
        displayName: 'New GP',
        role: 'gp',
        organisationCode: 'GP001',
        password: 'password1234',
      });
      assert.equal(web.statusCode, 400);
      assert.match(squash(web.body), /href="#password"> Password is too common/);
      assert.equal(await accountCount(db), countBefore);
    });

    test('a role the organisation cannot have, and a staff role without an organisation, are refused by field', async () => {
      const wrongPlace = await admin.api('POST', '/api/users', {
        email: 'consultant2@riverside.example',
        displayName: 'Misplaced Consultant',
        role: 'consultant',
        organisationCode: 'GP001',
        password: strongPassword,
      });
      assert.equal(wrongPlace.statusCode, 400);
      assert.equal(wrongPlace.json().error.fields[0].field, 'role');
      const nowhere = await admin.postForm('/admin/users/new', {
        email: 'gp3@riverside.example',
        displayName: 'Unplaced GP',
        role: 'gp',
        organisationCode: '',
        password: strongPassword,
      });
      assert.equal(nowhere.statusCode, 400);
      assert.match(squash(nowhere.body), /href="#organisationCode">/);
    });

    test('deactivating ends the person’s current session at once, and they cannot sign in again', async () => {
      const physio = await t.signIn('physio@demo.test');
      assert.equal((await physio.api('GET', '/api/session')).statusCode, 200);
      const id = await userId(db, 'physio@demo.test');

      const res = await admin.api('POST', `/api/users/${id}/deactivate`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().user.isActive, false);

      assert.equal((await physio.api('GET', '/api/session')).statusCode, 401);
      await assert.rejects(t.signIn('physio@demo.test'), /401/);

      const page = await admin.postForm(`/admin/users/${id}/reactivate`, {});
      assert.equal(page.statusCode, 303);
      assert.equal((await (await t.signIn('physio@demo.test')).get('/api/session')).statusCode, 200);
    });

    test('the web page deactivates an account too; an admin cannot deactivate themselves', async () => {
      const paediatrician = await t.signIn('paediatrician@demo.test');
      const id = await userId(db, 'paediatrician@demo.test');
      const res = await admin.postForm(`/admin/users/${id}/deactivate`, {});
      assert.equal(res.statusCode, 303);
      assert.match(squash((await admin.get(res.headers.location as string)).body), /Account deactivated/);
      assert.equal((await paediatrician.get('/api/session')).statusCode, 401);

      const self = await admin.api('POST', `/api/users/${await userId(db, 'admin@demo.test')}/deactivate`);
      assert.equal(self.statusCode, 403);
      assert.equal((await admin.get('/api/session')).statusCode, 200);
    });

    test('a form without the CSRF token changes nothing', async () => {
      const id = await userId(db, 'gp2@demo.test');
      const res = await admin.postForm(`/admin/users/${id}/deactivate`, { _csrf: 'forged' });
      assert.equal(res.statusCode, 403);
      const [row] = await db.query<{ is_active: boolean }>('select is_active from app_user where id = $1', [
        id,
      ]);
      assert.equal(row!.is_active, true);
    });

    test('unlocking lets a locked-out person sign in before the lockout runs out', async () => {
      for (let i = 0; i < 5; i++) {
        await t.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'gp2@demo.test', password: 'wrong-password-x' },
        });
      }
      await assert.rejects(t.signIn('gp2@demo.test'), /429/);
      const id = await userId(db, 'gp2@demo.test');
      const listed = await admin.api('GET', '/api/users?q=gp2%40demo');
      assert.ok(listed.json().users[0].lockedUntil);

      assert.equal((await admin.postForm(`/admin/users/${id}/unlock`, {})).statusCode, 303);
      assert.equal((await (await t.signIn('gp2@demo.test')).get('/api/session')).statusCode, 200);
    });

    test('the admin gives a person a second role in another organisation', async () => {
      const id = await userId(db, 'gp@demo.test');
      const refused = await admin.postForm(`/admin/users/${id}/memberships`, {
        role: 'gp',
        organisationCode: 'LH001',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(squash(refused.body), /href="#role">/);

      const res = await admin.postForm(`/admin/users/${id}/memberships`, {
        role: 'gp',
        organisationCode: 'GP002',
      });
      assert.equal(res.statusCode, 303);
      const session = await (await t.signIn('gp@demo.test')).get('/api/session');
      assert.deepEqual(
        session.json().user.memberships.map((m: { organisationCode: string }) => m.organisationCode),
        ['GP001', 'GP002'],
      );
    });

    test('an API client keeps its one role: adding another is refused with a message, not an error page', async () => {
      const { client } = await createApiClient(
        db,
        { name: 'Laboratory system', organisationCode: 'GP001' },
        commandLine,
        new Date('2026-11-26T10:00:00Z'),
      );
      const refused = await admin.postForm(`/admin/users/${client.userId}/memberships`, {
        role: 'gp',
        organisationCode: 'GP002',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(squash(refused.body), /This is an API client: it keeps its one role/);
    });

    test('the list filters by organisation and by name or e-mail, shows roles, and never a password hash', async () => {
      const byOrganisation = await admin.api('GET', '/api/users?organisationCode=gp001');
      const emails = byOrganisation.json().users.map((u: { email: string }) => u.email);
      assert.ok(emails.includes('gp@demo.test'));
      assert.ok(!emails.includes('gp2@demo.test'));
      assert.doesNotMatch(byOrganisation.body, /password|argon2/i);

      const byText = await admin.get('/admin/users?q=OKORO');
      const page = squash(byText.body);
      assert.match(page, /1 person found/);
      assert.match(
        page,
        /Ada Okoro<\/a><\/th> <td[^>]*>nurse.okoro@riverside.example<\/td> <td[^>]*>Practice nurse, GP001<\/td> <td[^>]*>Active<\/td>/,
      );
    });

    test('the list is paged, 50 people a page', async () => {
      const values = Array.from(
        { length: 55 },
        (_, i) => `('pager${String(i).padStart(2, '0')}@example.test', 'Pager ${i}', 'x')`,
      );
      await db.query(`insert into app_user (email, display_name, password_hash) values ${values.join(', ')}`);
      const first = await admin.get('/admin/users?q=pager');
      assert.match(squash(first.body), /55 people found/);
      assert.match(first.body, /href="\/admin\/users\?q=pager&amp;page=2"/);
      const second = await admin.api('GET', '/api/users?q=pager&page=2');
      assert.equal(second.json().users.length, 5);
    });

    test('every change to accounts is in the audit trail, naming the account, with no patient', async () => {
      const rows = await db.query<{
        action: string;
        user_email: string;
        patient_id: string | null;
        details: { email: string };
      }>(
        `select action, user_email, patient_id, details from audit_event
         where action in ('create user', 'deactivate user', 'reactivate user', 'unlock user', 'add role') order by seq`,
      );
      assert.deepEqual(
        rows.map((r) => [r.action, r.details.email]),
        [
          ['create user', 'nurse.okoro@riverside.example'],
          ['deactivate user', 'physio@demo.test'],
          ['reactivate user', 'physio@demo.test'],
          ['deactivate user', 'paediatrician@demo.test'],
          ['unlock user', 'gp2@demo.test'],
          ['add role', 'gp@demo.test'],
        ],
      );
      assert.ok(rows.every((r) => r.user_email === 'admin@demo.test' && r.patient_id === null));
    });
  });
}
