import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import type { SignedInClient } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';
import {
  AMELIA,
  type DemoWorld,
  ISLA,
  NOAH,
  OLIVER,
  openDemoWorld,
  unusedNhsNumber,
} from './demo-world.testing.ts';

const newChild = (nhsNumber: string) => ({
  nhsNumber: `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`,
  givenName: 'Poppy',
  familyName: 'Ashworth',
  dateOfBirth: '2018-05-09',
  sex: 'female',
  postcode: 'nf2 3cd',
  registeredPracticeCode: 'GP002',
  referralReceivedDate: '2026-10-01',
});

for (const database of testDatabases()) {
  describe(`patients: registering, finding and the summary (${database.name})`, () => {
    let world: DemoWorld;
    let db: Database;
    let nurse: SignedInClient;
    let gp: SignedInClient;
    let gp2: SignedInClient;
    let parent: SignedInClient;
    let ids: Record<string, string>;
    const countRows = (sql: string, params: unknown[] = []) => world.countRows(sql, params);

    before(async () => {
      world = await openDemoWorld(database);
      ({ db, nurse, gp, gp2, parent, ids } = world);
    });
    after(() => world.close());

    describe('registering a patient', () => {
      const poppy = unusedNhsNumber(999_100_000);

      test('a specialist nurse registers a child, who then appears in their list and search', async () => {
        const res = await nurse.api('POST', '/api/patients', newChild(poppy));
        assert.equal(res.statusCode, 201, res.body);
        const { id } = res.json();

        const list = await nurse.api('GET', '/api/patients');
        assert.ok(list.json().patients.some((p: { id: string }) => p.id === id));
        const search = await nurse.api('GET', `/api/patients/search?nhsNumber=${poppy}`);
        assert.deepEqual(
          search
            .json()
            .patients.map((p: { familyName: string; registeredPractice: { code: string } }) => [
              p.familyName,
              p.registeredPractice.code,
            ]),
          [['Ashworth', 'GP002']],
        );
      });

      test('the specialist team and the registered practice join the care team from today', async () => {
        const summary = (await nurse.api('GET', `/api/patients/search?name=Ashworth`)).json();
        const id = summary.patients[0].id;
        const careTeam = (await nurse.api('GET', `/api/patients/${id}`)).json().careTeam.current;
        const members = careTeam.map(
          (m: { organisationCode: string; role: string; startDate: string }) =>
            `${m.organisationCode} ${m.role} from ${m.startDate}`,
        );
        assert.deepEqual(members.sort(), [
          'GP002 gp_practice from 2026-11-26',
          'SC001 specialist_team from 2026-11-26',
        ]);
        assert.equal(
          await countRows("select 1 from audit_event where action = 'register patient' and patient_id = $1", [
            id,
          ]),
          1,
        );
        // The practice now shares the child's care, so its GP sees them.
        assert.equal((await gp2.api('GET', `/api/patients/${id}`)).statusCode, 200);
      });

      test('the same NHS number again is refused with 409, naming the field, and nothing new is written', async () => {
        const before = await countRows('select 1 from patient');
        const careTeamBefore = await countRows('select 1 from care_team_member');
        const res = await nurse.api('POST', '/api/patients', {
          ...newChild(poppy),
          givenName: 'Someone',
          familyName: 'Else',
        });
        assert.equal(res.statusCode, 409);
        assert.deepEqual(res.json().error.fields, [
          { field: 'nhsNumber', message: 'A patient with this NHS number is already registered' },
        ]);
        assert.doesNotMatch(res.body, /Poppy|Ashworth/);
        assert.equal(await countRows('select 1 from patient'), before);
        assert.equal(await countRows('select 1 from care_team_member'), careTeamBefore);
      });

      test('an NHS number with a wrong check digit is refused with 400 naming nhsNumber, and no row is written', async () => {
        const before = await countRows('select 1 from patient');
        const res = await nurse.api('POST', '/api/patients', { ...newChild('9991234560') });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.fields[0].field, 'nhsNumber');
        assert.match(res.json().error.fields[0].message, /check digit/);
        assert.equal(await countRows('select 1 from patient'), before);
      });

      test('a practice code that is not a GP practice is refused naming the field', async () => {
        const res = await nurse.api('POST', '/api/patients', {
          ...newChild(unusedNhsNumber(999_100_100)),
          registeredPracticeCode: 'LH001',
        });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.fields[0].field, 'registeredPracticeCode');
      });

      test('a GP may not register patients', async () => {
        const res = await gp.api('POST', '/api/patients', newChild(unusedNhsNumber(999_100_200)));
        assert.equal(res.statusCode, 403);
        assert.match(res.json().error.message, /specialist team/);
        assert.equal((await gp.get('/patients/new')).statusCode, 403);
      });

      test('the web form re-shows mistakes beside their fields and registers once they are put right', async () => {
        const page = await nurse.get('/patients/new');
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Riverside Surgery \(GP001\)/);

        const form = {
          nhsNumber: unusedNhsNumber(999_100_300),
          givenName: 'Ivy',
          familyName: 'Lister',
          'dateOfBirth-day': '31',
          'dateOfBirth-month': '2',
          'dateOfBirth-year': '2017',
          sex: 'female',
          registeredPracticeCode: 'GP001',
        };
        const wrong = await nurse.postForm('/patients/new', form);
        assert.equal(wrong.statusCode, 400);
        assert.match(wrong.body, /There is a problem/);
        assert.match(wrong.body, /href="#dateOfBirth"/);
        assert.match(wrong.body, /Date of birth must be a real date/);
        assert.match(wrong.body, /value="Lister"/);

        const right = await nurse.postForm('/patients/new', { ...form, 'dateOfBirth-day': '28' });
        assert.equal(right.statusCode, 303);
        assert.match(right.headers.location as string, /^\/patients\/[0-9a-f-]{36}$/);
        const summary = await nurse.get(right.headers.location as string);
        assert.match(summary.body, /Ivy Lister/);
      });
    });

    describe('who finds whom', () => {
      test('the GP of GP001 finds Amelia Hart by name, but not Oliver Bennett of GP002', async () => {
        for (const name of ['Hart', 'amelia hart', 'Hart, Amelia', 'HA']) {
          const found = (await gp.api('GET', `/api/patients/search?name=${encodeURIComponent(name)}`)).json();
          assert.ok(
            found.patients.some((p: { nhsNumber: string }) => p.nhsNumber === AMELIA),
            `searching for ${name}`,
          );
        }
        const bennett = (await gp.api('GET', '/api/patients/search?name=Bennett')).json();
        assert.deepEqual(bennett.patients, []);
      });

      test('the web search lists Amelia for gp@demo.test and not for gp2@demo.test', async () => {
        const mine = await gp.get('/patients/search?name=Hart');
        assert.equal(mine.statusCode, 200);
        assert.match(mine.body, />Hart, Amelia<\/a>/);
        const theirs = await gp2.get('/patients/search?name=Hart');
        assert.equal(theirs.statusCode, 200);
        assert.doesNotMatch(theirs.body, /Amelia/);
        assert.match(theirs.body, /No patients you can see match your search/);
      });

      test('Noah Williams is not visible to gp@demo.test (GP001’s care ended) but is to gp2@demo.test', async () => {
        const byGp = (await gp.api('GET', '/api/patients/search?name=Williams')).json();
        assert.equal(byGp.patients.length, 0);
        assert.equal((await gp.api('GET', `/api/patients/${ids[NOAH]}`)).statusCode, 403);
        const byGp2 = (await gp2.api('GET', '/api/patients/search?name=Williams')).json();
        assert.deepEqual(
          byGp2.patients.map((p: { nhsNumber: string }) => p.nhsNumber),
          [NOAH],
        );
        const summary = (await gp2.api('GET', `/api/patients/${ids[NOAH]}`)).json();
        assert.ok(
          summary.careTeam.previous.some((m: { organisationCode: string }) => m.organisationCode === 'GP001'),
        );
      });

      test('each list shows only the viewer’s patients, by family name', async () => {
        const list = (await gp.api('GET', '/api/patients')).json();
        const names = list.patients.map((p: { familyName: string }) => p.familyName);
        assert.deepEqual(
          names,
          [...names].sort((a: string, b: string) => a.localeCompare(b)),
        );
        assert.ok(names.includes('Hart') && names.includes('Khan'));
        assert.ok(!names.includes('Bennett') && !names.includes('Williams'));
        const page = await gp.get('/patients');
        assert.match(page.body, /<th scope="col" class="nhsuk-table__header">NHS number<\/th>/);
        assert.match(page.body, /999 000 0018/);
      });
    });

    describe('the patient summary', () => {
      test('gp2@demo.test opening Amelia’s summary is refused with 403 saying their organisation is not in the care team', async () => {
        const api = await gp2.api('GET', `/api/patients/${ids[AMELIA]}`);
        assert.equal(api.statusCode, 403);
        assert.match(api.json().error.message, /not in this patient's current care team/);
        const page = await gp2.get(`/patients/${ids[AMELIA]}`);
        assert.equal(page.statusCode, 403);
        assert.match(page.body, /current care team/);
      });

      test('parent@demo.test can open Amelia’s summary, page and API, but not Oliver’s', async () => {
        const api = await parent.api('GET', `/api/patients/${ids[AMELIA]}`);
        assert.equal(api.statusCode, 200);
        assert.equal(api.json().access.relationship, 'carer');
        assert.deepEqual(
          api.json().allowedActions,
          ['read', 'give-consent'],
          'a parent may read, and consent to shared care',
        );
        const page = await parent.get(`/patients/${ids[AMELIA]}`);
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /Record a measurement|Change care team/);
        assert.equal((await parent.api('GET', `/api/patients/${ids[OLIVER]}`)).statusCode, 403);
        assert.equal((await parent.get(`/patients/${ids[OLIVER]}`)).statusCode, 403);
      });

      test('the page shows the patient banner and the BSA of the latest measurement', async () => {
        const page = await gp.get(`/patients/${ids[AMELIA]}`);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /<h1[^>]*>Amelia Hart<\/h1>/);
        assert.match(page.body, /999 000 0018/);
        // Latest: 8 December 2025, 136.2 cm and 30.5 kg: sqrt(136.2 × 30.5 / 3600) = 1.074
        assert.match(page.body, /Body surface area <strong>1\.07 m²<\/strong>/);
        assert.match(page.body, /From the measurement on 8 December 2025/);
        assert.match(page.body, /<svg [^>]*role="img"/);
        assert.match(page.body, /Riverside Surgery/);
      });

      test('links and forms are offered only to those who may use them', async () => {
        const byGp = (await gp.get(`/patients/${ids[AMELIA]}`)).body;
        assert.match(byGp, /Record a measurement/);
        assert.doesNotMatch(byGp, /Record a diagnosis|Change care team|Who has looked at this record/);
        const byNurse = (await nurse.get(`/patients/${ids[AMELIA]}`)).body;
        assert.match(byNurse, /Record a diagnosis/);
        assert.match(byNurse, new RegExp(`href="/patients/${ids[AMELIA]}/care-team">Change care team`));
        assert.match(
          byNurse,
          new RegExp(`href="/patients/${ids[AMELIA]}/access-log">Who has looked at this record`),
        );
      });

      test('every view of a summary is audited, with no NHS number or name in the details', async () => {
        const views = () =>
          countRows("select 1 from audit_event where action = 'view summary' and patient_id = $1", [
            ids[ISLA],
          ]);
        const before = await views();
        await gp.get(`/patients/${ids[ISLA]}`);
        await gp.api('GET', `/api/patients/${ids[ISLA]}`);
        await gp2.api('GET', `/api/patients/${ids[ISLA]}`);
        assert.equal(await views(), before + 3);
        const rows = await db.query<{ outcome: string; details: unknown }>(
          "select outcome, details from audit_event where action in ('view summary', 'search patients', 'list patients')",
        );
        assert.ok(
          rows.some((r) => r.outcome === 'refused'),
          'the refused view is audited too',
        );
        for (const { details } of rows) {
          assert.doesNotMatch(JSON.stringify(details), /999\d{7}|Amelia|Hart|Isla|Khan|2016-03-14/);
        }
      });

      test('an unknown or malformed patient id gives the page-not-found page', async () => {
        assert.equal((await gp.get('/patients/00000000-0000-4000-8000-000000000000')).statusCode, 404);
        assert.equal((await gp.get('/patients/not-a-patient')).statusCode, 404);
        assert.equal((await gp.api('GET', '/api/patients/not-a-patient')).statusCode, 404);
      });
    });

    describe('growth', () => {
      test('a GP records a measurement from the summary page, and its BSA is given for dates after it', async () => {
        const res = await gp.postForm(`/patients/${ids[ISLA]}/growth`, {
          'measuredOn-day': '20',
          'measuredOn-month': '11',
          'measuredOn-year': '2026',
          weightKg: '19',
          heightCm: '113.7',
        });
        assert.equal(res.statusCode, 303);
        const growth = (await gp.api('GET', `/api/patients/${ids[ISLA]}/growth?on=2026-11-26`)).json();
        assert.deepEqual(growth.measurements[0], {
          measuredOn: '2026-11-20',
          weightKg: 19,
          heightCm: 113.7,
          bsaM2: 0.77,
        });
        assert.deepEqual(growth.bsaOn, { squareMetres: 0.77, measuredOn: '2026-11-20', ageInDays: 6 });
        const earlier = (await gp.api('GET', `/api/patients/${ids[ISLA]}/growth?on=2024-09-01`)).json();
        assert.equal(earlier.bsaOn, null);
      });

      test('an impossible weight is refused naming the weight, and nothing is written', async () => {
        const before = await countRows('select 1 from growth_measurement');
        const res = await gp.api('POST', `/api/patients/${ids[ISLA]}/growth`, {
          measuredOn: '2026-11-21',
          weightKg: 0.2,
          heightCm: 114,
        });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.fields[0].field, 'weightKg');
        assert.equal(await countRows('select 1 from growth_measurement'), before);

        const page = await gp.postForm(`/patients/${ids[ISLA]}/growth`, {
          'measuredOn-day': '21',
          'measuredOn-month': '11',
          'measuredOn-year': '2026',
          weightKg: 'nineteen',
          heightCm: '114',
        });
        assert.equal(page.statusCode, 400);
        assert.match(page.body, /href="#weightKg"/);
        assert.match(page.body, /Weight must be a number/);
      });

      test('a second measurement on the same date is refused with a clear message, not an error', async () => {
        const res = await gp.api('POST', `/api/patients/${ids[ISLA]}/growth`, {
          measuredOn: '2026-11-20',
          weightKg: 19.2,
          heightCm: 113.8,
        });
        assert.equal(res.statusCode, 409);
        assert.deepEqual(
          res.json().error.fields.map((f: { field: string }) => f.field),
          ['measuredOn'],
        );
        assert.match(res.json().error.message, /already recorded for 20 November 2026/);
      });

      test('a parent may not record growth', async () => {
        const res = await parent.api('POST', `/api/patients/${ids[AMELIA]}/growth`, {
          measuredOn: '2026-11-21',
          weightKg: 31,
          heightCm: 137,
        });
        assert.equal(res.statusCode, 403);
      });
    });
  });
}
