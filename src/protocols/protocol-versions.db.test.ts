import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { syncShippedProtocols, usableProtocolVersion } from './protocols.store.ts';
import { shippedProtocol } from './shipped.ts';

type Json = Record<string, unknown>;

/** The shipped oral methotrexate protocol as a plain, changeable copy. */
const methotrexate = (): Json => structuredClone(shippedProtocol('methotrexate-oral-jia')) as unknown as Json;

/** Methotrexate 1.2: the top of the range raised from 15 to 18 mg/m² a week. */
function methotrexate11(): Json {
  const p = methotrexate();
  p.version = '1.2';
  (p.dosing as Json).rangeMax = { value: 18, source: 'Local formulary 2027, section 4', confirmed: true };
  return p;
}

async function versions(db: Database, protocolId: string) {
  return db.query<{ version: string; status: string; origin: string }>(
    'select version, status, origin from protocol_version where protocol_id = $1 order by version',
    [protocolId],
  );
}

async function audited(db: Database, action: string) {
  return db.query<{ patient_id: string | null; user_email: string; details: Json }>(
    'select patient_id, user_email, details from audit_event where action = $1 order by seq',
    [action],
  );
}

/** Posts the upload form as a browser does: multipart, with the file chosen and the text box empty. */
async function uploadFile(t: TestApp, client: SignedInClient, fileText: string) {
  const form = new FormData();
  form.append('_csrf', client.csrfToken);
  form.append('file', new Blob([fileText], { type: 'application/json' }), 'methotrexate.json');
  form.append('content', '');
  const encoded = new Response(form);
  return t.app.inject({
    method: 'POST',
    url: '/admin/protocols/new',
    headers: { cookie: client.cookie, 'content-type': encoded.headers.get('content-type') ?? '' },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

for (const database of testDatabases()) {
  describe(`local protocol versions and their approval (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let admin: SignedInClient;
    let cso: SignedInClient;
    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      await syncShippedProtocols(db);
      t = await testApp(db);
      admin = await t.signIn('admin@demo.test');
      cso = await t.signIn('cso@demo.test');
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('a GP, a consultant and a safety officer cannot add a version; only a service administrator can', async () => {
      for (const email of ['gp@demo.test', 'consultant@demo.test', 'cso@demo.test']) {
        const someone = await t.signIn(email);
        assert.equal((await someone.api('POST', '/api/protocols', methotrexate11())).statusCode, 403, email);
        assert.equal((await someone.get('/admin/protocols/new')).statusCode, 403, email);
      }
      assert.equal((await versions(db, 'methotrexate-oral-jia')).length, 1);
    });

    test('a file with a bare number and a missing source is refused, naming each path, and nothing is stored', async () => {
      const broken = methotrexate11();
      (broken.dosing as Json).rangeMax = 18;
      delete ((broken.dosing as Json).rangeMin as Json).source;

      const api = await admin.api('POST', '/api/protocols', broken);
      assert.equal(api.statusCode, 400);
      const fields = (api.json().error.fields as { field: string }[]).map((f) => f.field);
      assert.ok(fields.includes('dosing.rangeMax'), fields.join(', '));
      assert.ok(fields.includes('dosing.rangeMin.source'), fields.join(', '));

      const page = await uploadFile(t, admin, JSON.stringify(broken));
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /There is a problem/);
      assert.match(page.body, /href="#content">\s*dosing\.rangeMin\.source: Say where this comes from/);
      assert.match(page.body, /dosing\.rangeMax: Write each number with its source/);

      const notJson = await admin.postForm('/admin/protocols/new', { content: '{ "id": ' });
      assert.equal(notJson.statusCode, 400);
      assert.match(notJson.body, /\(the whole file\): Not valid JSON/);

      assert.equal((await versions(db, 'methotrexate-oral-jia')).length, 1);
      assert.equal((await audited(db, 'upload protocol version')).length, 0);
    });

    test('the administrator edits version 1.2 from 1.1; it awaits approval and 1.1 stays in use', async () => {
      const form = await admin.get(
        `/admin/protocols/new?from=${(await usableProtocolVersion(db, 'methotrexate-oral-jia'))!.id}`,
      );
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /&quot;version&quot;: &quot;1\.2&quot;/);

      const stored = await admin.postForm('/admin/protocols/new', {
        content: JSON.stringify(methotrexate11()),
      });
      assert.equal(stored.statusCode, 303);
      assert.equal(stored.headers.location, '/protocols/methotrexate-oral-jia/1.2?uploaded=1');

      assert.deepEqual(await versions(db, 'methotrexate-oral-jia'), [
        { version: '1.1', status: 'approved', origin: 'shipped' },
        { version: '1.2', status: 'awaiting-approval', origin: 'edited' },
      ]);
      assert.equal((await usableProtocolVersion(db, 'methotrexate-oral-jia'))?.version, '1.1');
      const [entry] = await audited(db, 'upload protocol version');
      assert.equal(entry?.patient_id, null);
      assert.equal(entry?.user_email, 'admin@demo.test');
      assert.equal(entry?.details.version, '1.2');

      const gp = await t.signIn('gp@demo.test');
      const list = await gp.get('/protocols');
      assert.match(list.body, /href="\/protocols\/methotrexate-oral-jia\/1\.2">Version 1\.2/);
      const page = await gp.get('/protocols/methotrexate-oral-jia/1.2');
      assert.match(page.body, /Awaiting approval/);
      assert.match(page.body, /no agreement or prescription uses it yet/);
    });

    test('the same version number twice, or a lower one, is refused', async () => {
      const again = await admin.api('POST', '/api/protocols', methotrexate11());
      assert.equal(again.statusCode, 409);
      assert.match(again.json().error.message, /Version 1\.2 of methotrexate-oral-jia already exists/);

      const page = await uploadFile(t, admin, JSON.stringify(methotrexate11()));
      assert.equal(page.statusCode, 409);
      assert.match(page.body, /already exists, and a stored version never changes/);

      const lower = { ...methotrexate11(), version: '0.9' };
      const refused = await admin.api('POST', '/api/protocols', lower);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.message, /lower than version 1\.2/);
      assert.equal((await versions(db, 'methotrexate-oral-jia')).length, 2);
    });

    test('an uploaded file is stored as uploaded', async () => {
      const p = methotrexate();
      p.id = 'methotrexate-oral-local';
      p.version = '1.1';
      const res = await uploadFile(t, admin, JSON.stringify(p));
      assert.equal(res.statusCode, 303);
      assert.deepEqual(await versions(db, 'methotrexate-oral-local'), [
        { version: '1.1', status: 'awaiting-approval', origin: 'uploaded' },
      ]);
      assert.equal(await usableProtocolVersion(db, 'methotrexate-oral-local'), undefined);
    });

    test('the safety officer sees what 1.2 changes; rejecting needs a note', async () => {
      const approvals = await cso.get('/admin/protocols/approvals');
      assert.equal(approvals.statusCode, 200);
      assert.match(approvals.body, /href="\/protocols\/methotrexate-oral-jia\/1\.2">/);
      assert.equal((await admin.get('/admin/protocols/approvals')).statusCode, 403);

      const page = await cso.get('/protocols/methotrexate-oral-jia/1.2');
      assert.match(page.body, /What changes from version 1\.1, the version in use/);
      assert.match(
        page.body,
        /<code>dosing\.rangeMax\.value<\/code><\/th>\s*<td class="nhsuk-table__cell">15<\/td>\s*<td class="nhsuk-table__cell">18<\/td>/,
      );

      const id = (
        await db.query<{ id: string }>(
          "select id from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.2'",
        )
      )[0]!.id;
      const noNote = await cso.postForm(`/admin/protocols/${id}/reject`, { note: '  ' });
      assert.equal(noNote.statusCode, 400);
      assert.match(noNote.body, /href="#note">\s*Say why this version is rejected/);
      const apiNoNote = await cso.api('POST', `/api/protocols/${id}/reject`, {});
      assert.equal(apiNoNote.statusCode, 400);
      assert.deepEqual(
        (apiNoNote.json().error.fields as { field: string }[]).map((f) => f.field),
        ['note'],
      );
      assert.equal((await versions(db, 'methotrexate-oral-jia'))[1]?.status, 'awaiting-approval');
      assert.equal((await admin.api('POST', `/api/protocols/${id}/approve`, {})).statusCode, 403);
    });

    test('once the safety officer approves 1.2 it is the version used, and 1.1 is kept', async () => {
      const id = (
        await db.query<{ id: string }>(
          "select id from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.2'",
        )
      )[0]!.id;
      const approved = await cso.postForm(`/admin/protocols/${id}/approve`, {
        note: 'Agreed at the medicines committee',
      });
      assert.equal(approved.statusCode, 303);
      assert.match(approved.headers.location as string, /^\/admin\/protocols\/approvals\?approved=/);

      assert.equal((await usableProtocolVersion(db, 'methotrexate-oral-jia'))?.version, '1.2');
      assert.deepEqual(
        (await versions(db, 'methotrexate-oral-jia')).map((v) => `${v.version} ${v.status}`),
        ['1.1 approved', '1.2 approved'],
      );
      const [entry] = await audited(db, 'approve protocol version');
      assert.equal(entry?.user_email, 'cso@demo.test');
      assert.equal(entry?.details.note, 'Agreed at the medicines committee');

      const gp = await t.signIn('gp@demo.test');
      const old = await gp.get('/protocols/methotrexate-oral-jia/1.1');
      assert.equal(old.statusCode, 200);
      assert.match(old.body, /Superseded by version 1\.2/);
      const api = await gp.api('GET', '/api/protocols/methotrexate-oral-jia/1.2');
      assert.equal(api.json().inUse, true);

      const twice = await cso.api('POST', `/api/protocols/${id}/approve`, {});
      assert.equal(twice.statusCode, 409);
    });

    test('nobody approves a version they uploaded, even holding both roles', async () => {
      await db.query(
        `insert into membership (user_id, organisation_id, role)
         select u.id, o.id, 'clinical_safety_officer' from app_user u, organisation o
         where u.email = 'admin@demo.test' and o.code = 'SC001'`,
      );
      const both = await t.signIn('admin@demo.test');
      const p = structuredClone(shippedProtocol('sulfasalazine-jia')) as unknown as Json;
      p.version = '1.2';
      const stored = await both.api('POST', '/api/protocols', p);
      assert.equal(stored.statusCode, 201);
      const approve = await both.api('POST', `/api/protocols/${stored.json().version.id}/approve`, {});
      assert.equal(approve.statusCode, 403);
      assert.match(approve.json().error.message, /another clinical safety officer must approve or reject it/);
      assert.equal((await usableProtocolVersion(db, 'sulfasalazine-jia'))?.version, '1.1');
    });

    test('a file too big to be a protocol is refused with a message saying how big it may be', async () => {
      const res = await uploadFile(t, admin, ' '.repeat(600 * 1024));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /The file must be smaller than 512 KB/);
    });

    test('a rejected version is never used, and the reason is kept', async () => {
      const [local] = await db.query<{ id: string }>(
        "select id from protocol_version where protocol_id = 'methotrexate-oral-local'",
      );
      const res = await cso.api('POST', `/api/protocols/${local!.id}/reject`, {
        note: 'Duplicates the shipped protocol',
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().version.status, 'rejected');
      assert.equal(await usableProtocolVersion(db, 'methotrexate-oral-local'), undefined);
      const [entry] = await audited(db, 'reject protocol version');
      assert.equal(entry?.details.note, 'Duplicates the shipped protocol');
      const list = await (await t.signIn('gp@demo.test')).api('GET', '/api/protocols');
      assert.ok(
        !(list.json().protocols as { protocolId: string }[]).some(
          (p) => p.protocolId === 'methotrexate-oral-local',
        ),
      );
    });
  });

  describe(`storing the shipped protocols (${database.name})`, () => {
    let db: Database;
    before(async () => {
      db = await database.open();
    });
    after(() => db.close());

    test('storing them twice stores them once', async () => {
      assert.equal(await syncShippedProtocols(db), 11);
      assert.equal(await syncShippedProtocols(db), 0);
      const [row] = await db.query<{ n: number }>(
        "select count(*)::int as n from protocol_version where origin = 'shipped'",
      );
      assert.equal(row?.n, 11);
    });

    test('a shipped file changed without a new version number is refused, and nothing changes', async () => {
      const changed = methotrexate();
      (changed.dosing as Json).maximumMg = { value: 30, source: 'changed by mistake', confirmed: false };
      await assert.rejects(
        syncShippedProtocols(db, [changed as never]),
        /methotrexate-oral-jia version 1\.1 has changed since it was stored\. Give the changed file a new version number/,
      );
      assert.equal(
        (await usableProtocolVersion(db, 'methotrexate-oral-jia'))?.protocol.dosing.maximumMg.value,
        25,
      );
    });
  });
}
