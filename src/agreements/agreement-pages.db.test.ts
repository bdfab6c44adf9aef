import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../testing/databases.ts';
import { sweepAgreementClocks } from './agreement-clock.ts';
import { AMELIA, day, type SharedCareWorld, sharedCareWorld, squash } from './agreements.testing.ts';

for (const database of testDatabases()) {
  describe(`shared care pages (${database.name})`, () => {
    let w: SharedCareWorld;
    let amelia: string;
    let agreementPage: string;
    before(async () => {
      w = await sharedCareWorld(database);
      amelia = w.ids[AMELIA]!;
    });
    after(() => w.close());

    test('the consultant starts an agreement from the child’s medicines and sends the request', async () => {
      await w.orderFor(AMELIA, 'methotrexate-oral-jia');
      const consultant = await w.as('consultant');
      const list = squash((await consultant.get(`/patients/${amelia}/agreements`)).body);
      assert.match(list, /Amelia has no shared care agreements/);
      const orderId = /<option value="([0-9a-f-]{36})"/.exec(list)?.[1];
      assert.ok(orderId, 'the current methotrexate order is offered');

      const none = await consultant.postForm(`/patients/${amelia}/agreements`, { medicationOrderId: '' });
      assert.equal(none.statusCode, 400);
      assert.match(squash(none.body), /href="#medicationOrderId"> ?Choose the medicine to share care for/);

      const started = await consultant.postForm(`/patients/${amelia}/agreements`, {
        medicationOrderId: orderId,
      });
      assert.equal(started.statusCode, 303);
      agreementPage = started.headers.location as string;
      const draft = squash((await consultant.get(agreementPage)).body);
      assert.match(draft, /<h1>Shared care agreement: Methotrexate<\/h1>/);
      assert.match(draft, /Send the request to Riverside Surgery/);
      assert.match(draft, /href="\/protocols\/methotrexate-oral-jia\/1.1"/);

      const sent = await consultant.postForm(`${agreementPage}/steps`, { kind: 'request' });
      assert.equal(sent.statusCode, 303);
      const worklist = squash((await consultant.get('/agreements')).body);
      assert.match(worklist, /Awaiting the GP practice’s answer \(1\)/);
      assert.match(worklist, /Amelia Hart<\/a>.*?Methotrexate.*?Riverside Surgery \(GP001\).*?14 days left/);
      assert.match(
        worklist,
        /href="\/agreements"[^>]*>(<strong[^>]*>)?Shared care</,
        'the menu leads to the worklist',
      );
    });

    test('the GP sees the request on the worklist, and the protocol, clinical summary and duties on one page', async () => {
      const gp = await w.as('gp');
      const worklist = squash((await gp.get('/shared-care')).body);
      assert.match(worklist, /Requests awaiting your answer \(1\).*?Amelia Hart.*?14 days left/);
      assert.match(worklist, /href="\/shared-care"[^>]*>(<strong[^>]*>)?Shared care</);

      const page = squash((await gp.get(agreementPage)).body);
      assert.match(page, /About Amelia/);
      assert.match(page, /Juvenile idiopathic arthritis, oligoarthritis, diagnosed 10 January 2024/);
      assert.match(page, /weight 30.5 kg, height 136.2 cm/);
      assert.match(
        page,
        /Who does what.*?What the GP practice does \(primary care prescriber\).*?What the child and family do/,
      );
      assert.match(page, /Prescribe the dose the specialist team recommends/);
      assert.match(page, /Accept shared care/);
      assert.match(
        page,
        new RegExp(`name="transferDate" type="date" value="${day(0)}"`),
        'the proposed date is filled in',
      );
      assert.match(page, /Decline shared care/);

      const noReason = await gp.postForm(`${agreementPage}/steps`, { kind: 'decline', reason: '' });
      assert.equal(noReason.statusCode, 400);
      const shown = squash(noReason.body);
      assert.match(shown, /href="#decline-reason"> ?Give the reason for declining \(at least 5 characters\)/);
      assert.match(shown, /id="decline-reason"/);

      const accepted = await gp.postForm(`${agreementPage}/steps`, { kind: 'accept', transferDate: day(20) });
      assert.equal(accepted.statusCode, 303);
      const twice = await gp.postForm(`${agreementPage}/steps`, { kind: 'accept', transferDate: day(20) });
      assert.equal(twice.statusCode, 409);
      assert.match(squash(twice.body), /href="#steps"> ?You cannot accept the agreement/);
    });

    test('the parent reads what is asked of the family and gives consent', async () => {
      const parent = await w.as('parent');
      const page = squash((await parent.get(agreementPage)).body);
      assert.match(page, /Who does what.*?What the child and family do.*?Give methotrexate once a week/);
      assert.match(page, /Give methotrexate once a week, on the same day each week/);
      assert.doesNotMatch(page, /About Amelia/, 'the clinical summary is for the professionals');
      const unticked = await parent.postForm(`${agreementPage}/steps`, { kind: 'record-consent' });
      assert.equal(unticked.statusCode, 400);
      assert.match(
        squash(unticked.body),
        /href="#record-consent-agree"> ?Tick the box to say you agree to shared care/,
      );
      const agreed = await parent.postForm(`${agreementPage}/steps`, {
        kind: 'record-consent',
        agree: 'yes',
      });
      assert.equal(agreed.statusCode, 303);

      await sweepAgreementClocks(w.db, day(20));
      w.goTo(20);
      const active = squash((await (await w.as('gp')).get(agreementPage)).body);
      assert.match(
        active,
        /Who prescribes now <\/dt> <dd class="nhsuk-summary-list__value"> The GP practice/,
      );
      assert.match(active, /Consent given by a parent or carer.*?Laura Hart \(Family\)/);
      assert.match(active, /Active: prescribing moved to the GP practice/);
      w.goTo(0);
    });
  });
}
