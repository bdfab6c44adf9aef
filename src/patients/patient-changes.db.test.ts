import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { SignedInClient, TestApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import { AMELIA, type DemoWorld, ISLA, OLIVER, openDemoWorld } from './demo-world.testing.ts';

for (const database of testDatabases()) {
  describe(`patients: diagnoses, changing details, break-glass (${database.name})`, () => {
    let world: DemoWorld;
    let db: Database;
    let t: TestApp;
    let nurse: SignedInClient;
    let gp: SignedInClient;
    let gp2: SignedInClient;
    let ids: Record<string, string>;
    const countRows = (sql: string, params: unknown[] = []) => world.countRows(sql, params);

    before(async () => {
      world = await openDemoWorld(database);
      ({ db, t, nurse, gp, gp2, ids } = world);
    });
    after(() => world.close());

    describe('diagnoses', () => {
      test('the specialist nurse records a coded diagnosis; the same one again is refused clearly', async () => {
        const first = await nurse.api('POST', `/api/patients/${ids[ISLA]}/diagnoses`, {
          snomedCode: '410502007',
        });
        assert.equal(first.statusCode, 201, first.body);
        assert.equal(first.json().term, 'Juvenile idiopathic arthritis');
        const again = await nurse.api('POST', `/api/patients/${ids[ISLA]}/diagnoses`, {
          snomedCode: '410502007',
        });
        assert.equal(again.statusCode, 409);
        assert.match(again.json().error.fields[0].message, /already recorded for this patient/);
        const page = await nurse.get(`/patients/${ids[ISLA]}`);
        assert.match(page.body, /Juvenile idiopathic arthritis/);
        assert.match(page.body, /410502007/);
      });

      test('a code that is not in the list is refused naming the field', async () => {
        const res = await nurse.api('POST', `/api/patients/${ids[ISLA]}/diagnoses`, { snomedCode: '123456' });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.fields[0].field, 'snomedCode');
      });

      test('a GP may not record a diagnosis', async () => {
        const res = await gp.api('POST', `/api/patients/${ids[ISLA]}/diagnoses`, { snomedCode: '55464009' });
        assert.equal(res.statusCode, 403);
      });
    });

    describe('changing details', () => {
      test('a GP corrects a postcode; the audit records which field changed, not its value', async () => {
        const res = await gp.api('PATCH', `/api/patients/${ids[ISLA]}`, { postcode: 'nf3 9zz' });
        assert.equal(res.statusCode, 204, res.body);
        const summary = (await gp.api('GET', `/api/patients/${ids[ISLA]}`)).json();
        assert.equal(summary.patient.postcode, 'NF3 9ZZ');
        assert.equal(summary.patient.givenName, 'Isla');
        const [audit] = await db.query<{ details: { changed: string[] } }>(
          "select details from audit_event where action = 'edit demographics' order by seq desc limit 1",
        );
        assert.deepEqual(audit?.details, { changed: ['postcode'] });
      });

      test('changing the registered practice does not change the care team, and the page says so', async () => {
        const careTeam = () => countRows('select 1 from care_team_member where patient_id = $1', [ids[ISLA]]);
        const before = await careTeam();
        const page = await gp.get(`/patients/${ids[ISLA]}/edit`);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Changing the registered GP practice does not change the care team/);
        assert.match(
          page.body,
          /name="dateOfBirth-year"[^>]*value="2019"|value="2019"[^>]*name="dateOfBirth-year"/,
        );
        const res = await gp.api('PATCH', `/api/patients/${ids[ISLA]}`, { registeredPracticeCode: 'GP003' });
        assert.equal(res.statusCode, 204);
        assert.equal(await careTeam(), before);
        const summary = (await gp.api('GET', `/api/patients/${ids[ISLA]}`)).json();
        assert.equal(summary.patient.registeredPractice.code, 'GP003');
      });

      test('an edit that would take another patient’s NHS number is refused with 409', async () => {
        const res = await gp.api('PATCH', `/api/patients/${ids[ISLA]}`, { nhsNumber: AMELIA });
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().error.fields[0].field, 'nhsNumber');
      });

      test('the web form saves the details and returns to the summary', async () => {
        const page = await gp.get(`/patients/${ids[AMELIA]}/edit`);
        const value = (name: string) =>
          new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.body)?.[1] ?? '';
        const form: Record<string, string> = {};
        for (const name of [
          'nhsNumber',
          'givenName',
          'familyName',
          'postcode',
          'dateOfBirth-day',
          'dateOfBirth-month',
          'dateOfBirth-year',
        ]) {
          form[name] = value(name);
        }
        const res = await gp.postForm(`/patients/${ids[AMELIA]}/edit`, {
          ...form,
          givenName: 'Amelia',
          sex: 'female',
          registeredPracticeCode: 'GP001',
          'firstSeenDate-day': '11',
          'firstSeenDate-month': '1',
          'firstSeenDate-year': '2024',
        });
        assert.equal(res.statusCode, 303, res.body);
        assert.equal(res.headers.location, `/patients/${ids[AMELIA]}`);
        const summary = (await gp.api('GET', `/api/patients/${ids[AMELIA]}`)).json();
        assert.equal(summary.patient.firstSeenDate, '2024-01-11');
        assert.equal(summary.patient.dateOfBirth, '2016-03-14');
      });

      test('gp2@demo.test may not change Amelia’s details', async () => {
        const res = await gp2.api('PATCH', `/api/patients/${ids[AMELIA]}`, { postcode: 'NF1 1AA' });
        assert.equal(res.statusCode, 403);
      });
    });

    describe('through break-glass access', () => {
      test('the summary shows the break-glass banner and offers no changes', async () => {
        await db.query(
          `insert into break_glass (user_id, organisation_id, role, patient_id, reason, granted_at, expires_at)
           select u.id, m.organisation_id, m.role, $1, 'Seen out of hours with a hot swollen knee', $2, $3
           from app_user u join membership m on m.user_id = u.id where u.email = 'gp@demo.test'`,
          [ids[OLIVER], '2026-11-26T09:55:00Z', '2026-11-26T10:55:00Z'],
        );
        const page = await gp.get(`/patients/${ids[OLIVER]}`);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /You are seeing this record through break-glass access/);
        assert.match(page.body, /Seen out of hours with a hot swollen knee/);
        assert.doesNotMatch(page.body, /Record a measurement|Change Oliver’s details/);
        const api = (await gp.api('GET', `/api/patients/${ids[OLIVER]}`)).json();
        assert.equal(api.access.relationship, 'break-glass');
        assert.equal(api.access.expiresAt, '2026-11-26T10:55:00.000Z');
        const growth = await gp.api('POST', `/api/patients/${ids[OLIVER]}/growth`, {
          measuredOn: '2026-11-26',
          weightKg: 55,
          heightCm: 168,
        });
        assert.equal(growth.statusCode, 403);
      });
    });

    test('the API is described in the OpenAPI document', async () => {
      const doc = (await t.anonymous().get('/api/docs/json')).json();
      for (const path of [
        '/api/patients',
        '/api/patients/search',
        '/api/patients/{id}',
        '/api/patients/{id}/growth',
      ]) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
