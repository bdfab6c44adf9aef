import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

async function patientId(db: Database, nhsNumber: string): Promise<string> {
  const [row] = await db.query<{ id: string }>('select id from patient where nhs_number = $1', [nhsNumber]);
  return row!.id;
}

async function careTeamRows(db: Database, patient: string) {
  return db.query<{ code: string; role: string; end_date: string | null }>(
    `select o.code, c.role, c.end_date from care_team_member c join organisation o on o.id = c.organisation_id
     where c.patient_id = $1 order by o.code, c.role`,
    [patient],
  );
}

async function memberId(db: Database, patient: string, code: string, role: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `select c.id from care_team_member c join organisation o on o.id = c.organisation_id
     where c.patient_id = $1 and o.code = $2 and c.role = $3`,
    [patient, code, role],
  );
  return row!.id;
}

for (const database of testDatabases()) {
  describe(`care team members (${database.name})`, () => {
    let db: Database;
    let t: TestApp;
    let nurse: SignedInClient;
    let gp: SignedInClient;
    let amelia: string;

    before(async () => {
      db = await database.open();
      await loadDemoData(db, { patients: 0 });
      t = await testApp(db);
      nurse = await t.signIn('nurse@demo.test');
      gp = await t.signIn('gp@demo.test');
      amelia = await patientId(db, '9990000018');
    });
    after(async () => {
      await t.close();
      await db.close();
    });

    test('the GP sees Amelia’s care team and her mother, but not the forms that change it', async () => {
      const page = await gp.get(`/patients/${amelia}/care-team`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Care team<\/h1>/);
      assert.match(page.body, /\(GP001\)/);
      assert.match(page.body, /Named nurse/);
      assert.match(page.body, /Mother/);
      assert.doesNotMatch(page.body, /Add a member to the care team/);

      const api = await gp.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(api.statusCode, 200);
      const body = api.json();
      assert.deepEqual(
        body.members.map((m: { organisation: { code: string }; role: string; period: string }) =>
          [m.organisation.code, m.role, m.period].join(' '),
        ),
        [
          'SC001 lead_consultant current',
          'SC001 named_nurse current',
          'GP001 gp_practice current',
          'AS001 physiotherapist current',
        ],
      );
      assert.deepEqual(
        body.carers.map((c: { relationship: string; hasProxyAccess: boolean }) => [
          c.relationship,
          c.hasProxyAccess,
        ]),
        [['mother', true]],
      );
    });

    test('the nurse specialist is offered the forms', async () => {
      const page = await nurse.get(`/patients/${amelia}/care-team`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Add a member to the care team/);
      assert.match(page.body, /Link a parent or carer/);
      assert.match(page.body, /name="_csrf"/);
    });

    test('the GP cannot add a member, on the web or through the API, and nothing is written', async () => {
      const before = await careTeamRows(db, amelia);
      const form = await gp.postForm(`/patients/${amelia}/care-team`, {
        organisationCode: 'LH001',
        role: 'local_hospital',
      });
      assert.equal(form.statusCode, 403);
      assert.match(form.body, /does not allow you to change the care team/);
      const api = await gp.api('POST', `/api/patients/${amelia}/care-team`, {
        organisationCode: 'LH001',
        role: 'local_hospital',
      });
      assert.equal(api.statusCode, 403);
      assert.deepEqual(await careTeamRows(db, amelia), before);
    });

    test('the nurse adds the local paediatrician, who can then open Amelia’s record', async () => {
      const paediatrician = await t.signIn('paediatrician@demo.test');
      assert.equal((await paediatrician.api('GET', `/api/patients/${amelia}/care-team`)).statusCode, 403);

      const added = await nurse.postForm(`/patients/${amelia}/care-team`, {
        organisationCode: 'LH001',
        role: 'local_paediatrician',
        namedPersonEmail: 'paediatrician@demo.test',
        startDate: '',
      });
      assert.equal(added.statusCode, 303);
      assert.equal(added.headers.location, `/patients/${amelia}/care-team`);

      const seen = await paediatrician.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(seen.statusCode, 200);
      const lh001 = seen
        .json()
        .members.find((m: { organisation: { code: string } }) => m.organisation.code === 'LH001');
      assert.equal(lh001.startDate, '2026-11-26');
      assert.equal(lh001.period, 'current');
      assert.ok(lh001.namedPerson.name);

      const [audit] = await db.query<{ details: Record<string, unknown>; outcome: string }>(
        `select details, outcome from audit_event where action = 'add care team member' and patient_id = $1`,
        [amelia],
      );
      assert.equal(audit!.outcome, 'allowed');
      assert.equal(audit!.details.organisationCode, 'LH001');
      assert.equal(audit!.details.careTeamRole, 'local_paediatrician');
    });

    test('bad input names the field at fault and writes nothing', async () => {
      const before = await careTeamRows(db, amelia);
      const unknown = await nurse.postForm(`/patients/${amelia}/care-team`, {
        organisationCode: 'ZZ999',
        role: 'other',
      });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /There is no organisation with the code ZZ999/);
      assert.match(unknown.body, /href="#organisationCode"/);

      const api = await nurse.api('POST', `/api/patients/${amelia}/care-team`, {
        organisationCode: 'LH002',
        role: 'local_hospital',
        namedPersonEmail: 'gp@demo.test',
        startDate: '2024-01-01',
      });
      assert.equal(api.statusCode, 400);
      assert.deepEqual(
        api.json().error.fields.map((f: { field: string }) => f.field),
        ['namedPersonEmail', 'startDate'],
      );

      const noRole = await nurse.api('POST', `/api/patients/${amelia}/care-team`, {
        organisationCode: 'LH002',
      });
      assert.equal(noRole.statusCode, 400);
      assert.equal(noRole.json().error.fields[0].field, 'role');

      const wrongKind = await nurse.api('POST', `/api/patients/${amelia}/care-team`, {
        organisationCode: 'LH002',
        role: 'lead_consultant',
      });
      assert.equal(wrongKind.statusCode, 400);
      assert.equal(wrongKind.json().error.fields[0].field, 'role');

      const duplicate = await nurse.postForm(`/patients/${amelia}/care-team`, {
        organisationCode: 'GP001',
        role: 'gp_practice',
      });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /already in the care team in this role/);

      assert.deepEqual(await careTeamRows(db, amelia), before);
    });

    test('ending a part in care refuses an end date before the start and a missing reason', async () => {
      const gp001 = await memberId(db, amelia, 'GP001', 'gp_practice');
      const early = await nurse.postForm(`/patients/${amelia}/care-team/${gp001}/end`, {
        endDate: '2023-12-31',
        reason: 'Moved away',
      });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /End date must be on or after/);
      assert.match(early.body, /href="#endDate"/);

      const noReason = await nurse.api('POST', `/api/patients/${amelia}/care-team/${gp001}/end`, {
        endDate: '2026-11-25',
      });
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().error.fields[0].field, 'reason');

      const blankReason = await nurse.postForm(`/patients/${amelia}/care-team/${gp001}/end`, {
        endDate: '',
        reason: ' ',
      });
      assert.equal(blankReason.statusCode, 400);
      assert.match(blankReason.body, /Enter why their part/);

      const gpRows = (await careTeamRows(db, amelia)).filter((r) => r.code === 'GP001');
      assert.deepEqual(gpRows, [{ code: 'GP001', role: 'gp_practice', end_date: null }]);
    });

    test('the GP may not end anyone’s part in care', async () => {
      const gp001 = await memberId(db, amelia, 'GP001', 'gp_practice');
      assert.equal((await gp.get(`/patients/${amelia}/care-team/${gp001}/end`)).statusCode, 403);
      const res = await gp.postForm(`/patients/${amelia}/care-team/${gp001}/end`, {
        reason: 'Not ours any more',
      });
      assert.equal(res.statusCode, 403);
    });

    test('once the nurse ends GP001’s part, the GP can no longer open Amelia and GP001 is a past member', async () => {
      const gp001 = await memberId(db, amelia, 'GP001', 'gp_practice');
      const form = await nurse.get(`/patients/${amelia}/care-team/${gp001}/end`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="reason"/);

      const ended = await nurse.postForm(`/patients/${amelia}/care-team/${gp001}/end`, {
        endDate: '2026-11-25',
        reason: 'Registered with another practice',
      });
      assert.equal(ended.statusCode, 303);

      const refused = await gp.api('GET', `/api/patients/${amelia}/care-team`);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.json().error.message, /not in this patient's current care team/);

      const page = await nurse.get(`/patients/${amelia}/care-team`);
      const past = page.body.slice(
        page.body.indexOf('<h2>Past members</h2>'),
        page.body.indexOf('<h2>Parents and carers</h2>'),
      );
      assert.match(past, /\(GP001\)/);
      assert.match(past, /25 November 2026/);

      const [audit] = await db.query<{ details: Record<string, unknown>; user_email: string }>(
        `select details, user_email from audit_event where action = 'end care team member' and patient_id = $1`,
        [amelia],
      );
      assert.equal(audit!.user_email, 'nurse@demo.test');
      assert.deepEqual(audit!.details, {
        memberId: gp001,
        organisationCode: 'GP001',
        careTeamRole: 'gp_practice',
        endDate: '2026-11-25',
        reason: 'Registered with another practice',
      });
    });

    test('a part in care ends today when no date is given, and access lasts to the end of that day', async () => {
      const isla = await patientId(db, '9990000034');
      const gp001 = await memberId(db, isla, 'GP001', 'gp_practice');
      const ended = await nurse.api('POST', `/api/patients/${isla}/care-team/${gp001}/end`, {
        reason: 'Care passed back',
      });
      assert.equal(ended.statusCode, 200);
      assert.equal(ended.json().endDate, '2026-11-26');
      assert.equal((await gp.api('GET', `/api/patients/${isla}/care-team`)).statusCode, 200);

      const again = await nurse.api('POST', `/api/patients/${isla}/care-team/${gp001}/end`, {
        reason: 'Twice',
      });
      assert.equal(again.statusCode, 400);
      assert.match(again.json().error.message, /already has an end date/);
    });

    test('the last specialist-centre member cannot be ended: the specialist team always leads care', async () => {
      const nurseRow = await memberId(db, amelia, 'SC001', 'named_nurse');
      const leadRow = await memberId(db, amelia, 'SC001', 'lead_consultant');
      const first = await nurse.api('POST', `/api/patients/${amelia}/care-team/${nurseRow}/end`, {
        reason: 'Nurse on leave',
      });
      assert.equal(first.statusCode, 200);

      const last = await nurse.api('POST', `/api/patients/${amelia}/care-team/${leadRow}/end`, {
        reason: 'Handing over',
      });
      assert.equal(last.statusCode, 400);
      assert.match(last.json().error.message, /specialist team always leads/);
      assert.equal(
        (await careTeamRows(db, amelia)).find((r) => r.role === 'lead_consultant')!.end_date,
        null,
      );
    });
  });
}
