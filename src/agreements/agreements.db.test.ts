import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import { sweepAgreementClocks } from './agreement-clock.ts';
import { AMELIA, day, GRACE, pdfText, type SharedCareWorld, sharedCareWorld } from './agreements.testing.ts';

for (const database of testDatabases()) {
  describe(`shared care agreements (${database.name})`, () => {
    let w: SharedCareWorld;
    let amelia: string;
    before(async () => {
      w = await sharedCareWorld(database);
      amelia = w.ids[AMELIA]!;
    });
    after(() => w.close());

    const agreementsApi = () => `/api/patients/${amelia}/agreements`;
    const stepsApi = (id: string) => `${agreementsApi()}/${id}/steps`;
    const eventsOf = async (id: string) =>
      (
        await w.db.query<{ kind: string; party: string; reason: string | null }>(
          'select kind, party, reason from agreement_event where agreement_id = $1 order by on_date, occurred_at',
          [id],
        )
      ).map((e) => e.kind);
    const stateOf = async (id: string) =>
      (await w.db.query<{ state: string }>('select state from agreement where id = $1', [id]))[0]!.state;

    async function requestedAgreement(): Promise<string> {
      const orderId = await w.orderFor(AMELIA, 'methotrexate-oral-jia');
      const consultant = await w.as('consultant');
      const created = await consultant.api('POST', agreementsApi(), { medicationOrderId: orderId });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as string;
      const sent = await consultant.api('POST', stepsApi(id), { kind: 'request' });
      assert.equal(sent.statusCode, 200, sent.body);
      return id;
    }

    test('consultant requests, the GP accepts, the parent consents, and on the transfer date the GP practice prescribes', async () => {
      w.goTo(0);
      const id = await requestedAgreement();
      const gp = await w.as('gp');
      const asked = (await gp.api('GET', `${agreementsApi()}/${id}`)).json();
      assert.equal(asked.state, 'requested');
      assert.equal(asked.responseDueOn, day(14));
      assert.equal(asked.clock.words, '14 days left');
      assert.deepEqual(asked.stepsOpen, ['accept', 'decline']);
      assert.ok(asked.responsibilities.gpPractice.length > 0);
      assert.equal(asked.prescriber, 'specialist-team');

      const accepted = await gp.api('POST', stepsApi(id), { kind: 'accept', transferDate: day(30) });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().state, 'accepted');

      const parent = await w.as('parent');
      const consented = await parent.api('POST', stepsApi(id), { kind: 'record-consent', agree: true });
      assert.equal(consented.statusCode, 200, consented.body);
      assert.equal(consented.json().state, 'consented');

      assert.equal((await sweepAgreementClocks(w.db, day(29))).activated, 0);
      assert.equal(await stateOf(id), 'consented');
      assert.equal((await sweepAgreementClocks(w.db, day(30))).activated, 1);

      w.goTo(30);
      const active = (await (await w.as('gp')).api('GET', `${agreementsApi()}/${id}`)).json();
      assert.equal(active.state, 'active');
      assert.equal(active.prescriber, 'gp-practice');
      assert.deepEqual(
        active.timeline.map((e: { kind: string; party: string }) => `${e.kind} by ${e.party}`),
        [
          'create by specialist-team',
          'request by specialist-team',
          'accept by gp-practice',
          'record-consent by family',
          'activate by system',
        ],
      );
      const audited = await w.db.query<{
        action: string;
        outcome: string;
        details: { agreementIds?: string[] };
      }>(
        `select action, outcome, details from audit_event
         where details->>'agreementId' = $1 or details->'agreementIds' ? $1 order by seq`,
        [id],
      );
      const allowed = audited.filter((a) => a.outcome === 'allowed').map((a) => a.action);
      for (const step of [
        'start shared care agreement',
        'request',
        'accept',
        'record-consent',
        'made active',
      ]) {
        assert.ok(
          allowed.some((a) => a.includes(step)),
          `the audit trail has "${step}" (it has ${allowed.join(', ')})`,
        );
      }
      w.goTo(0);
    });

    test('only the right party may answer: another practice’s GP and the parent are refused, and nothing changes', async () => {
      const id = await requestedAgreement();
      const before = await eventsOf(id);

      const gp2 = await (await w.as('gp2')).api('POST', stepsApi(id), {
        kind: 'accept',
        transferDate: day(30),
      });
      assert.equal(gp2.statusCode, 403);
      assert.match(
        gp2.json().error.message,
        /Only the GP practice in this patient's current care team may accept or decline/,
      );

      const parent = await (await w.as('parent')).api('POST', stepsApi(id), {
        kind: 'accept',
        transferDate: day(30),
      });
      assert.equal(parent.statusCode, 403);
      assert.match(
        parent.json().error.message,
        /Parent or carer\) does not allow you to accept or decline shared care/,
      );

      const consultant = await (await w.as('consultant')).api('POST', stepsApi(id), {
        kind: 'record-consent',
        givenBy: 'parent-carer',
      });
      assert.equal(consultant.statusCode, 409, 'consent before the practice accepts is the wrong time');

      assert.equal(await stateOf(id), 'requested');
      assert.deepEqual(await eventsOf(id), before);
      const refused = await w.db.query<{ n: number }>(
        "select count(*)::int as n from audit_event where outcome = 'refused' and action = 'shared care agreement: accept' and details->>'agreementId' = $1",
        [id],
      );
      assert.equal(refused[0]!.n, 2, 'both refusals are in the audit trail');
    });

    test('a GP cannot accept twice, and a decline needs a reason', async () => {
      const id = await requestedAgreement();
      const gp = await w.as('gp');
      const noReason = await gp.api('POST', stepsApi(id), { kind: 'decline', reason: '  ' });
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(noReason.json().error.fields, [
        { field: 'reason', message: 'Give the reason for declining (at least 5 characters)' },
      ]);
      assert.equal(await stateOf(id), 'requested');

      assert.equal(
        (await gp.api('POST', stepsApi(id), { kind: 'accept', transferDate: day(30) })).statusCode,
        200,
      );
      const again = await gp.api('POST', stepsApi(id), { kind: 'accept', transferDate: day(31) });
      assert.equal(again.statusCode, 409);
      assert.equal(
        again.json().error.message,
        'You cannot accept the agreement: the agreement is accepted by the GP practice and waiting for the family’s consent.',
      );
      const transfer = await w.db.query<{ transfer_date: string }>(
        'select transfer_date from agreement where id = $1',
        [id],
      );
      assert.equal(transfer[0]!.transfer_date, day(30), 'the first acceptance stands');
    });

    test('the response clock: one reminder on day 7, no response after day 14, a task for the team, and a late answer still counts', async () => {
      w.goTo(0);
      const id = await requestedAgreement();
      const tasks = async (kind: string) =>
        w.db.query<{ code: string; status: string }>(
          `select o.code, t.status from task t join organisation o on o.id = t.organisation_id
           where t.subject_id = $1 and t.kind = $2 order by t.created_at`,
          [id, kind],
        );
      assert.deepEqual(await tasks('answer-shared-care-request'), [{ code: 'GP001', status: 'open' }]);

      await sweepAgreementClocks(w.db, day(6));
      assert.deepEqual(await tasks('shared-care-reminder'), []);
      await sweepAgreementClocks(w.db, day(7));
      await sweepAgreementClocks(w.db, day(7));
      await sweepAgreementClocks(w.db, day(8));
      assert.deepEqual(
        await tasks('shared-care-reminder'),
        [{ code: 'GP001', status: 'open' }],
        'exactly one reminder',
      );
      assert.equal((await eventsOf(id)).filter((k) => k === 'reminder-sent').length, 1);

      await sweepAgreementClocks(w.db, day(14));
      assert.equal(await stateOf(id), 'requested', 'the last day of the window is still in time');
      await sweepAgreementClocks(w.db, day(15));
      assert.equal(await stateOf(id), 'no-response');
      assert.deepEqual(await tasks('shared-care-no-response'), [{ code: 'SC001', status: 'open' }]);

      w.goTo(15);
      const consultantView = (await (await w.as('consultant')).api('GET', `${agreementsApi()}/${id}`)).json();
      assert.equal(consultantView.prescriber, 'specialist-team');
      assert.equal(consultantView.clock.words, 'Overdue by 1 day');

      const late = await (await w.as('gp')).api('POST', stepsApi(id), {
        kind: 'accept',
        transferDate: day(40),
      });
      assert.equal(late.statusCode, 200, late.body);
      assert.equal(late.json().state, 'accepted');
      assert.deepEqual(await tasks('shared-care-no-response'), [{ code: 'SC001', status: 'done' }]);
      assert.deepEqual(await tasks('answer-shared-care-request'), [{ code: 'GP001', status: 'done' }]);
      w.goTo(0);
    });

    test('a red (specialist only) medicine cannot be shared, and nothing is written', async () => {
      const orderId = await w.orderFor(GRACE, 'etanercept-jia');
      const grace = w.ids[GRACE]!;
      const refused = await (await w.as('consultant')).api('POST', `/api/patients/${grace}/agreements`, {
        medicationOrderId: orderId,
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(
        refused.json().error.message,
        'This medicine is specialist only (red): it is not shared with primary care',
      );
      const rows = await w.db.query('select 1 from agreement where patient_id = $1', [grace]);
      assert.equal(rows.length, 0);
    });

    test('one open agreement per medicine, and only the specialist team may start one', async () => {
      const orderId = await w.orderFor(AMELIA, 'methotrexate-oral-jia');
      const consultant = await w.as('consultant');
      assert.equal(
        (await consultant.api('POST', agreementsApi(), { medicationOrderId: orderId })).statusCode,
        201,
      );
      const second = await consultant.api('POST', agreementsApi(), { medicationOrderId: orderId });
      assert.equal(second.statusCode, 409);
      assert.match(second.json().error.message, /already has a shared care agreement that is still open/);
      const gp = await (await w.as('gp')).api('POST', agreementsApi(), { medicationOrderId: orderId });
      assert.equal(gp.statusCode, 403);
    });

    test('an agreement keeps the protocol version it was made under when a newer version is approved', async () => {
      const id = await requestedAgreement();
      const [old] = await w.db.query<{
        content: Record<string, unknown> & { responsibilities: { family: string[] } };
      }>(
        "select content from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.1'",
      );
      const revised = {
        ...old!.content,
        version: '1.2',
        responsibilities: { ...old!.content.responsibilities, family: ['A duty added in version 1.2.'] },
      };
      await w.db.query(
        `insert into protocol_version (protocol_id, version, title, traffic_light, content, content_hash, origin, status, decided_at)
         select protocol_id, '1.2', title, traffic_light, $1::jsonb, 'test', 'edited', 'approved', now() + interval '1 minute'
         from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.1'`,
        [JSON.stringify(revised)],
      );
      const view = (await (await w.as('gp')).api('GET', `${agreementsApi()}/${id}`)).json();
      assert.equal(view.protocol.version, '1.1');
      assert.deepEqual(view.responsibilities.family, old!.content.responsibilities.family);
      await w.db.query(
        "delete from protocol_version where protocol_id = 'methotrexate-oral-jia' and version = '1.2'",
      );
    });

    test('the worklist API gives each organisation its own agreements by state', async () => {
      const id = await requestedAgreement();
      const team = (await (await w.as('nurse')).api('GET', '/api/agreements?state=requested')).json();
      assert.equal(team.side, 'specialist');
      const waiting = team.groups.find((g: { key: string }) => g.key === 'awaiting-response');
      assert.ok(waiting.agreements.some((a: { agreementId: string }) => a.agreementId === id));
      const practice = (await (await w.as('gp')).api('GET', '/api/agreements')).json();
      assert.equal(practice.side, 'practice');
      assert.ok(practice.groups[0].agreements.some((a: { agreementId: string }) => a.agreementId === id));
      const other = (await (await w.as('gp2')).api('GET', '/api/agreements')).json();
      assert.deepEqual(
        other.groups.flatMap((g: { agreements: unknown[] }) => g.agreements),
        [],
        'another practice sees none of them',
      );
      assert.equal((await (await w.as('parent')).api('GET', '/api/agreements')).statusCode, 403);
    });

    test('a service administrator runs the response clock on demand; a consultant may not', async () => {
      const ran = await (await w.as('admin')).api('POST', '/api/agreements/sweep');
      assert.equal(ran.statusCode, 200, ran.body);
      assert.deepEqual(Object.keys(ran.json()).sort(), ['activated', 'markedNoResponse', 'remindersSent']);
      assert.equal((await (await w.as('consultant')).api('POST', '/api/agreements/sweep')).statusCode, 403);
    });

    test('the request letter downloads as a PDF for the GP, naming the protocol, and is refused to another practice', async () => {
      const id = await requestedAgreement();
      const letter = await (await w.as('gp')).get(`/patients/${amelia}/agreements/${id}/letter.pdf`);
      assert.equal(letter.statusCode, 200);
      assert.equal(letter.headers['content-type'], 'application/pdf');
      assert.equal(letter.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
      const text = pdfText(letter.rawPayload);
      assert.match(
        text,
        /Methotrexate by mouth for juvenile idiopathic arthritis and other paediatric rheumatic disease/,
      );
      assert.match(text, /NHS number 999 000 0018/);
      assert.match(text, /Methotrexate: 6 × 2\.5 mg tablets \(15 mg\) once weekly on Monday/);
      assert.match(text, /Dose stable for 12 weeks \[unconfirmed: awaiting local confirmation\]/);
      assert.match(text, /Reply to the request within the response window/);

      const gp2 = await (await w.as('gp2')).get(`/api/patients/${amelia}/agreements/${id}/letter.pdf`);
      assert.equal(gp2.statusCode, 403);
      const downloads = await w.db.query<{ outcome: string }>(
        "select outcome from audit_event where action = 'download shared care request letter' and details->>'agreementId' = $1 order by seq",
        [id],
      );
      assert.deepEqual(
        downloads.map((d) => d.outcome),
        ['allowed', 'refused'],
      );
    });
  });
}
