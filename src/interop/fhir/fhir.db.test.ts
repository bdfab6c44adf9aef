import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertTestOrder } from '../../agreements/agreements.testing.ts';
import { shareCare } from '../../medicines/medicines.testing.ts';
import { testDatabases } from '../../testing/databases.ts';
import { type FhirReply, type FhirWorld, fhirClient, fhirWorld, redNeutrophils } from './fhir.testing.ts';

const AMELIA = '9990000018';
const ISLA = '9990000034';
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

type Entry = { resource: Record<string, unknown> & { id: string } };
const entries = (r: FhirReply) => ((r.body.entry ?? []) as Entry[]).map((e) => e.resource);
const issue = (r: FhirReply) =>
  (r.body.issue as { code: string; diagnostics: string; expression?: string[] }[] | undefined)?.[0];

for (const database of testDatabases()) {
  describe(`the FHIR API (${database.name})`, () => {
    let w: FhirWorld;
    let amelia: string;

    before(async () => {
      w = await fhirWorld(database);
      amelia = w.ids[AMELIA]!;
      // Amelia takes methotrexate under an active shared care agreement with Riverside Surgery (GP001).
      await shareCare(w.db, await insertTestOrder(w.db, amelia, 'methotrexate-oral-jia'), 'active');
    });
    after(() => w.close());

    test('the CapabilityStatement names each resource, its interactions and search parameters, and OAuth', async () => {
      const res = await fhirClient(w.t.app, undefined).get('metadata');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
      const rest = (res.body.rest as { resource: { type: string; interaction: { code: string }[] }[] }[])[0]!;
      assert.deepEqual(
        rest.resource.map((r) => r.type),
        ['Patient', 'CareTeam', 'CarePlan', 'MedicationRequest', 'Observation', 'Task', 'Flag', 'AuditEvent'],
      );
      const observation = rest.resource.find((r) => r.type === 'Observation')!;
      assert.deepEqual(
        observation.interaction.map((i) => i.code),
        ['read', 'search-type', 'create'],
      );
      assert.match(JSON.stringify(res.body), /client_credentials/);
    });

    test('anything but JSON, by Accept or _format, is refused with 406 and an OperationOutcome', async () => {
      const xml = await w.gp.get(`Patient/${amelia}`, { accept: 'application/fhir+xml' });
      assert.equal(xml.status, 406);
      assert.equal(xml.body.resourceType, 'OperationOutcome');
      assert.equal((await w.gp.get(`Patient/${amelia}?_format=xml`)).status, 406);
    });

    test('without a valid bearer token every resource is 401, told how to get one', async () => {
      for (const token of [undefined, 'not-a-token-that-jointly-issued']) {
        const res = await fhirClient(w.t.app, token).get(`Patient/${amelia}`);
        assert.equal(res.status, 401);
        assert.equal(res.headers['www-authenticate'], 'Bearer realm="jointly"');
        assert.equal(issue(res)?.code, 'login');
      }
    });

    test('a wrong secret gets no token, and the refusal is audited against the client', async () => {
      const res = await w.tokenFor(w.gp.clientId, 'not the secret');
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_client');
      const [entry] = await w.db.query<{ outcome: string }>(
        `select outcome from audit_event where action = 'API client token' and details->>'clientId' = $1
         order by seq desc limit 1`,
        [w.gp.clientId],
      );
      assert.equal(entry?.outcome, 'refused');
    });

    test('the practice’s client reads its patient: NHS number, name and registered practice', async () => {
      const res = await w.gp.get(`Patient/${amelia}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.identifier, [{ system: NHS, value: AMELIA }]);
      assert.deepEqual(res.body.name, [{ use: 'official', family: 'Hart', given: ['Amelia'] }]);
    });

    test('a client of an unrelated practice is refused (403), and the refusal is in the audit trail', async () => {
      const res = await w.otherGp.get(`Patient/${amelia}`);
      assert.equal(res.status, 403);
      assert.equal(issue(res)?.code, 'forbidden');
      assert.match(issue(res)?.diagnostics ?? '', /GP002/);
      assert.doesNotMatch(issue(res)?.diagnostics ?? '', /break-glass/);
      const [entry] = await w.db.query<{ user_email: string; outcome: string }>(
        `select user_email, outcome from audit_event where patient_id = $1 order by seq desc limit 1`,
        [amelia],
      );
      assert.deepEqual(entry, {
        user_email: `api-client-${w.otherGp.clientId}@clients.jointly.invalid`,
        outcome: 'refused',
      });
    });

    test('searching by NHS number finds the practice’s patient; another practice finds nobody', async () => {
      const found = await w.gp.get(`Patient?identifier=${encodeURIComponent(`${NHS}|${AMELIA}`)}`);
      assert.equal(found.body.type, 'searchset');
      assert.deepEqual(
        entries(found).map((p) => p.id),
        [amelia],
      );
      const none = await w.otherGp.get(`Patient?identifier=${AMELIA}`);
      assert.deepEqual(entries(none), []);
    });

    test('name and birthdate searches, and an unknown parameter refused rather than ignored', async () => {
      const byName = await w.gp.get('Patient?name=ame&birthdate=ge2016-01-01&birthdate=le2016-12-31');
      assert.deepEqual(
        entries(byName).map((p) => p.id),
        [amelia],
      );
      const typo = await w.gp.get('Patient?nmae=Hart');
      assert.equal(typo.status, 400);
      assert.match(issue(typo)?.diagnostics ?? '', /nmae/);
    });

    test('a red neutrophil count created by the practice’s system is judged, alerted and tasked, then read back', async () => {
      const res = await w.gp.send(
        'POST',
        'Observation',
        redNeutrophils(
          { identifier: { system: NHS, value: AMELIA } },
          { identifier: [{ system: 'urn:lab', value: 'A-1' }] },
        ),
      );
      assert.equal(res.status, 201);
      assert.equal(res.headers.location, `http://localhost:80/fhir/R4/Observation/${res.body.id}`);
      const interpretation = res.body.interpretation as { coding: { code: string }[] }[];
      assert.deepEqual(
        interpretation.map((i) => i.coding[0]!.code),
        ['AA', 'L'],
      );
      const tasks = await w.db.query<{ code: string }>(
        `select o.code from task t join organisation o on o.id = t.organisation_id
         where t.patient_id = $1 and t.kind = 'result-red' order by o.code`,
        [amelia],
      );
      assert.deepEqual(
        tasks.map((t) => t.code),
        ['GP001', 'SC001'],
      );
      const again = await w.gp.get(`Observation/${res.body.id}`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body.identifier, [{ system: 'urn:lab', value: 'A-1' }]);
    });

    test('the same result sent twice is stored once: the second answer is 200 with the first; not for another child', async () => {
      const body = redNeutrophils(
        { reference: `Patient/${amelia}` },
        { identifier: [{ system: 'urn:lab', value: 'A-2' }] },
      );
      const first = await w.gp.send('POST', 'Observation', body);
      const second = await w.gp.send('POST', 'Observation', body);
      assert.equal(first.status, 201);
      assert.equal(second.status, 200);
      assert.equal(second.body.id, first.body.id);
      // The same identifier for another child is refused, never answered with Amelia's result.
      const isla = await w.gp.send('POST', 'Observation', {
        ...body,
        subject: { reference: `Patient/${w.ids[ISLA]}` },
      });
      assert.equal(isla.status, 422);
      assert.deepEqual(issue(isla)?.expression, ['Observation.identifier']);
      assert.doesNotMatch(JSON.stringify(isla.body), new RegExp(amelia));
    });

    test('bad input stores nothing: bad JSON 400, unknown code 422, wrong type 400, impossible value 422', async () => {
      const count = async () =>
        (await w.db.query<{ n: number }>('select count(*)::int as n from lab_result'))[0]!.n;
      const before = await count();
      const subject = { reference: `Patient/${amelia}` };
      const cases: [unknown, number, string][] = [
        ['{"resourceType": "Observation", ', 400, ''],
        ['{"resourceType": "Observation", "__proto__": {"status": "final"}}', 400, ''],
        [
          redNeutrophils(subject, { code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] } }),
          422,
          'Observation.code',
        ],
        [
          redNeutrophils(subject, { valueQuantity: { value: 'low', unit: '10*9/L' } }),
          400,
          'Observation.valueQuantity.value',
        ],
        [
          redNeutrophils(subject, { valueQuantity: { value: 9000, unit: '10*9/L' } }),
          422,
          'Observation.valueQuantity.value',
        ],
        [
          redNeutrophils(subject, {
            valueQuantity: { value: 1, unit: 'furlongs' },
            referenceRange: undefined,
          }),
          422,
          'Observation.valueQuantity.unit',
        ],
        [redNeutrophils(subject, { effectiveDateTime: '2027-01-01' }), 422, 'Observation.effectiveDateTime'],
        [
          redNeutrophils({ reference: 'Patient/00000000-0000-4000-8000-000000000000' }),
          422,
          'Observation.subject.reference',
        ],
      ];
      for (const [body, status, element] of cases) {
        const res = await w.gp.send('POST', 'Observation', body);
        assert.equal(res.status, status, JSON.stringify(res.body));
        assert.equal(res.body.resourceType, 'OperationOutcome');
        if (element) assert.deepEqual(issue(res)?.expression, [element]);
      }
      assert.equal(await count(), before);
    });

    test('a practice with no relationship cannot send a result for the child (403, audited)', async () => {
      const res = await w.otherGp.send(
        'POST',
        'Observation',
        redNeutrophils({ reference: `Patient/${amelia}` }),
      );
      assert.equal(res.status, 403);
      const [entry] = await w.db.query<{ action: string; outcome: string }>(
        'select action, outcome from audit_event where patient_id = $1 order by seq desc limit 1',
        [amelia],
      );
      assert.deepEqual(entry, { action: 'FHIR create Observation', outcome: 'refused' });
    });

    test('observations page by specimen date with next links, filtered by code and date', async () => {
      const isla = w.ids[ISLA]!;
      const nurse = await w.t.signIn('nurse@demo.test');
      const results = Array.from({ length: 7 }, (_, i) => ({
        analyte: 'haemoglobin',
        value: 120 + i,
        unit: 'g/L',
        specimenDate: `2026-10-0${i + 1}`,
      }));
      const typed = await nurse.api('POST', `/api/patients/${isla}/results`, { results });
      assert.equal(typed.statusCode, 201, typed.body);
      await w.gp.send('POST', 'Observation', {
        ...redNeutrophils({ reference: `Patient/${isla}` }),
        effectiveDateTime: '2026-10-04',
        valueQuantity: { value: 3.1, unit: '10*9/L' },
      });

      const [stored] = await w.db.query<{ n: number }>(
        'select count(*)::int as n from lab_result where patient_id = $1',
        [isla],
      );
      const seen: string[] = [];
      let page = await w.gp.get(`Observation?patient=${isla}&_count=3`);
      assert.equal(page.body.total, stored!.n);
      for (;;) {
        seen.push(...entries(page).map((o) => String(o.effectiveDateTime)));
        const next = (page.body.link as { relation: string; url: string }[]).find(
          (l) => l.relation === 'next',
        );
        if (!next) break;
        page = await w.gp.get(next.url.slice(next.url.indexOf('/fhir/R4/') + 9));
      }
      assert.equal(seen.length, stored!.n);
      assert.deepEqual(seen, [...seen].sort().reverse());

      const haemoglobin = await w.gp.get(
        `Observation?patient=Patient/${isla}&code=http://loinc.org|718-7&date=ge2026-10-03&date=lt2026-10-06&_sort=date`,
      );
      assert.deepEqual(
        entries(haemoglobin).map((o) => o.effectiveDateTime),
        ['2026-10-03', '2026-10-04', '2026-10-05'],
      );
      const missing = await w.gp.get('Observation?code=718-7');
      assert.equal(missing.status, 400);
    });

    test('a red-result task is closed only by a decision; other tasks close by PATCH; the Flag stays', async () => {
      const tasks = await w.gp.get(`Task?patient=${amelia}&status=ready`);
      const red = entries(tasks).find(
        (t) => (t.code as { coding: { code: string }[] }).coding[0]!.code === 'result-red',
      );
      assert.ok(red, 'the practice sees its red-result task');
      assert.equal((red.owner as { identifier: { value: string } }).identifier.value, 'GP001');
      const notByStatus = await w.gp.send(
        'PATCH',
        `Task/${red.id}`,
        [{ op: 'replace', path: '/status', value: 'completed' }],
        'application/json-patch+json',
      );
      assert.equal(notByStatus.status, 422, 'a red result needs a clinician to decide');
      const [still] = await w.db.query<{ status: string }>('select status from task where id = $1', [red.id]);
      assert.equal(still?.status, 'open');

      const [task] = await w.db.query<{ id: string }>(
        `insert into task (organisation_id, patient_id, kind, title, subject_id, due_on)
         select o.id, $1, 'dose-changed', 'Methotrexate dose changed', gen_random_uuid(), current_date
         from organisation o where o.code = 'GP001' returning id`,
        [amelia],
      );
      const refused = await w.otherGp.send(
        'PATCH',
        `Task/${task!.id}`,
        [{ op: 'replace', path: '/status', value: 'completed' }],
        'application/json-patch+json',
      );
      assert.equal(refused.status, 403);
      const wrong = await w.gp.send('PUT', `Task/${task!.id}`, {
        resourceType: 'Task',
        id: task!.id,
        status: 'in-progress',
      });
      assert.equal(wrong.status, 422);
      assert.deepEqual(issue(wrong)?.expression, ['Task.status']);

      const done = await w.gp.send(
        'PATCH',
        `Task/${task!.id}`,
        [{ op: 'replace', path: '/status', value: 'completed' }],
        'application/json-patch+json',
      );
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'completed');
      const [row] = await w.db.query<{ status: string }>('select status from task where id = $1', [task!.id]);
      assert.equal(row?.status, 'done');
      const [audited] = await w.db.query<{ action: string }>(
        "select action from audit_event where details->>'taskId' = $1 and outcome = 'allowed'",
        [task!.id],
      );
      assert.equal(audited?.action, 'FHIR update Task');
      const flags = await w.gp.get(`Flag?patient=${amelia}`);
      assert.ok(entries(flags).length >= 1);
      assert.ok(entries(flags).every((f) => f.status === 'active'));
    });

    test('care team, care plans (agreement and monitoring schedule with the tests due) and medicines', async () => {
      const team = await w.gp.get(`CareTeam?patient=${amelia}`);
      const members = entries(team)[0]!.participant as unknown[];
      assert.equal(members.length, 4);
      const plans = await w.gp.get(`CarePlan?patient=${amelia}`);
      const categories = entries(plans).map(
        (p) => (p.category as { coding: { code: string }[] }[])[0]!.coding[0]!.code,
      );
      assert.deepEqual(categories.sort(), ['blood-monitoring', 'shared-care-agreement']);
      const schedule = entries(plans).find((p) => p.title === 'Blood test monitoring for methotrexate')!;
      assert.ok((schedule.activity as unknown[]).length > 0, 'the tests due next are activities');
      const read = await w.gp.get(`CarePlan/${schedule.id}`);
      assert.equal(read.body.id, schedule.id);
      const medicines = await w.gp.get(`MedicationRequest?patient=${amelia}`);
      assert.equal(entries(medicines)[0]!.status, 'active');
    });

    test('the audit trail is for a service administrator’s client only', async () => {
      assert.equal((await w.gp.get('AuditEvent')).status, 403);
      const page = await w.admin.get(`AuditEvent?patient=${amelia}&_count=5`);
      assert.equal(page.status, 200);
      assert.equal(entries(page).length, 5);
      assert.ok((page.body.link as { relation: string }[]).some((l) => l.relation === 'next'));
      const patients = await w.admin.get(`Patient/${amelia}`);
      assert.equal(patients.status, 403);
    });

    test('a service administrator adds a client on the admin page: the secret is shown once and works', async () => {
      const admin = await w.t.signIn('admin@demo.test');
      const blank = await admin.postForm('/admin/api-clients/new', { name: '', organisationCode: 'GP001' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter a name for the client/);
      const res = await admin.postForm('/admin/api-clients/new', {
        name: 'Riverside shared record',
        organisationCode: 'GP001',
        role: '',
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      const clientId = /<code>([0-9a-f-]{36})<\/code>/.exec(res.body)?.[1];
      const secret = /Client secret[\s\S]*?<code>([A-Za-z0-9_-]{43})<\/code>/.exec(res.body)?.[1];
      assert.ok(clientId && secret, 'the page shows the client id and secret');
      assert.equal((await w.tokenFor(clientId, secret)).status, 200);
      const list = await admin.get('/admin/api-clients');
      assert.match(list.body, /Riverside shared record/);
      assert.match(list.body, /Practice nurse/);
      assert.doesNotMatch(list.body, new RegExp(secret));
      const gp = await w.t.signIn('gp@demo.test');
      assert.equal((await gp.get('/admin/api-clients')).statusCode, 403);
      // A client's reach is fixed: its account cannot be given a second organisation or role.
      await assert.rejects(
        w.db.query(
          `insert into membership (user_id, organisation_id, role)
           select c.user_id, o.id, 'gp' from api_client c, organisation o where c.id = $1 and o.code = 'GP002'`,
          [clientId],
        ),
        /one organisation and role/,
      );
    });

    test('a revoked client is refused at once (401) and can get no new token', async () => {
      const admin = await w.t.signIn('admin@demo.test');
      const res = await admin.postForm(`/admin/api-clients/${w.otherGp.clientId}/revoke`, {});
      assert.equal(res.statusCode, 303);
      assert.equal((await w.otherGp.get('Patient')).status, 401);
      const token = await w.tokenFor(w.otherGp.clientId, w.otherGp.secret);
      assert.equal(token.status, 401);
    });
  });
}
