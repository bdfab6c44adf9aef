import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { createUser } from './users.ts';

const password = 'kettle-orbit-lantern-42';

async function world(db: Database) {
  await db.query(
    "insert into organisation (code, name, kind) values ('GP001', 'Riverside Surgery', 'gp_practice')",
  );
  await createUser(db, {
    email: 'Dr.Jones@Example.NHS.uk',
    displayName: 'Dr Jones',
    role: 'gp',
    organisationCode: 'GP001',
    password,
  });
}

function sessionCookie(res: { cookies: { name: string; value: string }[] }) {
  return res.cookies.find((c) => c.name === 'jointly_session')?.value;
}

for (const database of testDatabases()) {
  describe(`signing in and out (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    before(async () => {
      db = await database.open();
      await world(db);
      t = await testApp(db, {
        signIn: { maxFailures: 3, lockoutMinutes: 15, attemptsPerMinutePerAddress: 1000 },
      });
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('the sign-in page posts with a CSRF token and signs in with any capitalisation of the e-mail', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
      const presession = page.cookies.find((c) => c.name === 'jointly_presession')!.value;
      assert.match(page.body, new RegExp(`name="_csrf" value="${presession}"`));
      const res = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: {
          cookie: `jointly_presession=${presession}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: `_csrf=${presession}&email=dr.jones%40example.nhs.uk&password=${password}&next=%2Fpatients`,
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/patients');
      assert.ok(sessionCookie(res));
    });

    test('a sign-in form without its CSRF token is refused and signs no one in', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=dr.jones%40example.nhs.uk&password=${password}`,
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /This form has expired/);
      assert.equal(sessionCookie(res), undefined);
    });

    test('each sign-in gets a new session id and ends the one it replaces', async () => {
      const first = await t.signIn('dr.jones@example.nhs.uk', password);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { cookie: first.cookie },
        payload: { email: 'dr.jones@example.nhs.uk', password },
      });
      assert.equal(again.statusCode, 201);
      assert.notEqual(sessionCookie(again), first.cookie.split('=')[1]);
      assert.equal(
        (await first.api('GET', '/api/session')).statusCode,
        401,
        'the old session id no longer works',
      );
    });

    test('a wrong password says the details are not right, without saying which', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: 'nobody@example.nhs.uk', password },
      });
      assert.equal(res.statusCode, 401);
      assert.match(res.json().error.message, /e-mail address or password is not right/);
    });

    test('signing out ends the session', async () => {
      const gp = await t.signIn('dr.jones@example.nhs.uk', password);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 200);
      const out = await gp.postForm('/sign-out', {});
      assert.equal(out.statusCode, 303);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 401);
    });

    test('signing out without the CSRF token is refused and the session goes on', async () => {
      const gp = await t.signIn('dr.jones@example.nhs.uk', password);
      const out = await gp.postForm('/sign-out', { _csrf: 'forged' });
      assert.equal(out.statusCode, 403);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 200);
    });

    test('a session idle for longer than the limit has ended', async () => {
      const gp = await t.signIn('dr.jones@example.nhs.uk', password);
      t.clock.advanceMinutes(29);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 200);
      t.clock.advanceMinutes(29);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 200, 'activity keeps it alive');
      t.clock.advanceMinutes(31);
      assert.equal((await gp.api('GET', '/api/session')).statusCode, 401);
      const page = await gp.get('/patients');
      assert.equal(page.statusCode, 303);
      assert.match(String(page.headers.location), /^\/sign-in\?next=/);
    });

    test('repeated wrong passwords lock the account for a while, then it opens again', async () => {
      await createUser(db, {
        email: 'locked@example.nhs.uk',
        displayName: 'Dr Locked',
        role: 'gp',
        organisationCode: 'GP001',
        password,
      });
      const attempt = (pw: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'locked@example.nhs.uk', password: pw },
        });
      for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong-password-here')).statusCode, 401);
      const locked = await attempt(password);
      assert.equal(locked.statusCode, 429);
      assert.match(locked.json().error.message, /locked/);
      t.clock.advanceMinutes(16);
      assert.equal((await attempt(password)).statusCode, 201);
    });
  });

  describe(`sign-in attempts from one address (${database.name})`, () => {
    test('are limited per minute whatever the account', async () => {
      const db = await database.open();
      const t = await testApp(db, {
        signIn: { maxFailures: 5, lockoutMinutes: 15, attemptsPerMinutePerAddress: 3 },
      });
      const attempt = (n: number) =>
        t.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: `nobody${n}@example.nhs.uk`, password },
        });
      for (let i = 0; i < 3; i++) assert.equal((await attempt(i)).statusCode, 401);
      const limited = await attempt(4);
      assert.equal(limited.statusCode, 429);
      assert.match(limited.json().error.message, /Too many attempts/);
      await t.close();
      await db.close();
    });
  });

  describe(`pages that do not exist (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    before(async () => {
      db = await database.open();
      t = await testApp(db);
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('an unknown page gets the NHS-styled 404 page, not a stack trace', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/no/such/page' });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /Page not found/);
      assert.match(res.body, /nhsuk-header/);
      assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
    });

    test('an unknown API route answers in JSON', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/no-such-thing' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    });

    test('every page is marked as a demonstration system in demo mode', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
      assert.match(res.body, /Demonstration system/);
    });

    test('the OpenAPI document is served', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().info.title, 'Jointly API');
    });
  });
}
