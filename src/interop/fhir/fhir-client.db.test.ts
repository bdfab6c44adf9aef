import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, type FhirResource } from 'fhir-kit-client';
import { insertTestOrder } from '../../agreements/agreements.testing.ts';
import { shareCare } from '../../medicines/medicines.testing.ts';
import { findActiveUser } from '../../people/people.store.ts';
import { recordResults } from '../../results/record-results.ts';
import { testDatabases } from '../../testing/databases.ts';
import { assertValidFhir, type FhirWorld, fhirWorld, redNeutrophils } from './fhir.testing.ts';

const AMELIA = '9990000018';
const ISLA = '9990000034';
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

/** What fhir-kit-client throws for an error status: the status and the OperationOutcome. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; outcome: FhirResource }> {
  try {
    await call;
  } catch (error) {
    const { response } = error as { response?: { status: number; data: FhirResource } };
    if (!response) throw error;
    assertValidFhir(response.data);
    assert.equal(response.data.resourceType, 'OperationOutcome');
    return { status: response.status, outcome: response.data };
  }
  assert.fail('the server accepted it');
}

const entries = (bundle: FhirResource) =>
  ((bundle.entry ?? []) as { resource: FhirResource & { id: string } }[]).map((e) => e.resource);

/** A FHIR client written elsewhere (fhir-kit-client) against Jointly listening on a real port. */
for (const database of testDatabases()) {
  describe(`fhir-kit-client against a running Jointly (${database.name})`, () => {
    let w: FhirWorld;
    let baseUrl: string;
    let gp: Client;
    let amelia: string;
    let isla: string;

    before(async () => {
      w = await fhirWorld(database);
      [amelia, isla] = [w.ids[AMELIA]!, w.ids[ISLA]!];
      // Both children take methotrexate under an active shared care agreement with Riverside Surgery.
      for (const child of [amelia, isla]) {
        await shareCare(w.db, await insertTestOrder(w.db, child, 'methotrexate-oral-jia'), 'active');
      }
      await w.t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = w.t.app.server.address() as AddressInfo;
      baseUrl = `http://127.0.0.1:${port}/fhir/R4`;
      gp = new Client({ baseUrl, bearerToken: w.gp.token! });
    });
    after(() => w.close());

    test('reads the CapabilityStatement', async () => {
      const statement = await gp.capabilityStatement();
      assertValidFhir(statement);
      assert.equal(statement.fhirVersion, '4.0.1');
    });

    test('reads a patient the practice shares care for', async () => {
      const patient = await gp.read({ resourceType: 'Patient', id: amelia });
      assertValidFhir(patient);
      assert.deepEqual(patient.identifier, [{ system: NHS, value: AMELIA }]);
    });

    test('finds the patient by NHS number', async () => {
      const bundle = await gp.search({
        resourceType: 'Patient',
        searchParams: { identifier: `${NHS}|${AMELIA}` },
      });
      assertValidFhir(bundle);
      assert.deepEqual(
        entries(bundle).map((p) => p.id),
        [amelia],
      );
    });

    test('a red neutrophil count created over FHIR opens the same red tasks as one typed in', async () => {
      const created = await gp.create({
        resourceType: 'Observation',
        body: redNeutrophils({ identifier: { system: NHS, value: AMELIA } }),
      });
      assertValidFhir(created);
      assert.equal((created.interpretation as { coding: { code: string }[] }[])[0]!.coding[0]!.code, 'AA');

      // The same result typed in by the nurse specialist for Isla, whose care is shared the same way.
      const [nurse] = await w.db.query<{ id: string }>(
        "select id from app_user where email = 'nurse@demo.test'",
      );
      const viewer = (await findActiveUser(w.db, nurse!.id))!;
      await recordResults(
        w.db,
        { viewer, now: w.t.clock.now, today: '2026-11-26' as never },
        isla,
        {
          results: [
            {
              analyte: 'neutrophils',
              value: 1.0,
              unit: '10^9/L',
              rangeLow: 1.5,
              rangeHigh: 8,
              specimenDate: '2026-11-25',
            },
          ],
        },
        'api',
      );

      const tasksOf = (patientId: string) =>
        w.db.query<{ code: string; kind: string; title: string; due_on: string }>(
          `select o.code, t.kind, t.title, t.due_on from task t join organisation o on o.id = t.organisation_id
           where t.patient_id = $1 and t.kind like 'result-%' order by o.code, t.kind`,
          [patientId],
        );
      const viaFhir = await tasksOf(amelia);
      assert.deepEqual(
        viaFhir.map((t) => [t.code, t.kind]),
        [
          ['GP001', 'result-red'],
          ['SC001', 'result-red'],
        ],
      );
      assert.deepEqual(viaFhir, await tasksOf(isla));
    });

    test('pages through a child’s observations by following the next links', async () => {
      const nurse = await w.t.signIn('nurse@demo.test');
      const results = Array.from({ length: 11 }, (_, i) => ({
        analyte: 'alt',
        value: 20 + i,
        unit: 'U/L',
        specimenDate: `2026-09-${String(i + 1).padStart(2, '0')}`,
      }));
      assert.equal((await nurse.api('POST', `/api/patients/${amelia}/results`, { results })).statusCode, 201);

      let bundle = await gp.search({
        resourceType: 'Observation',
        searchParams: { patient: amelia, _count: 4 },
      });
      const total = bundle.total as number;
      const ids: string[] = [];
      let pages = 0;
      for (;;) {
        assertValidFhir(bundle);
        ids.push(...entries(bundle).map((o) => o.id));
        pages += 1;
        const next = gp.nextPage({ bundle: bundle as never });
        if (!next) break;
        bundle = await next;
      }
      const [stored] = await w.db.query<{ n: number }>(
        'select count(*)::int as n from lab_result where patient_id = $1',
        [amelia],
      );
      assert.ok(total >= 12, 'the 11 ALT results and the neutrophil count at least');
      assert.equal(total, stored!.n);
      assert.equal(ids.length, total);
      assert.equal(new Set(ids).size, total);
      assert.equal(pages, Math.ceil(total / 4));
    });

    test('without a token: 401 OperationOutcome', async () => {
      const anonymous = new Client({ baseUrl });
      const { status } = await refusal(anonymous.read({ resourceType: 'Patient', id: amelia }));
      assert.equal(status, 401);
    });

    test('a client of an unrelated practice cannot read the patient, and the refusal is audited', async () => {
      const other = new Client({ baseUrl, bearerToken: w.otherGp.token! });
      const { status } = await refusal(other.read({ resourceType: 'Patient', id: amelia }));
      assert.ok(status === 403 || status === 404);
      const [entry] = await w.db.query<{ outcome: string; action: string }>(
        'select outcome, action from audit_event where patient_id = $1 and user_email like $2 order by seq desc limit 1',
        [amelia, `api-client-${w.otherGp.clientId}%`],
      );
      assert.deepEqual(entry, { outcome: 'refused', action: 'FHIR read Patient' });
    });

    test('invalid JSON: 400 OperationOutcome', async () => {
      const { status } = await refusal(
        gp.create({
          resourceType: 'Observation',
          body: '{"resourceType": "Observation",' as unknown as FhirResource,
        }),
      );
      assert.equal(status, 400);
    });

    test('an unknown code: 422 OperationOutcome naming Observation.code', async () => {
      const { status, outcome } = await refusal(
        gp.create({
          resourceType: 'Observation',
          body: redNeutrophils(
            { reference: `Patient/${amelia}` },
            { code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] } },
          ),
        }),
      );
      assert.equal(status, 422);
      assert.deepEqual((outcome.issue as { expression: string[] }[])[0]!.expression, ['Observation.code']);
    });
  });
}
