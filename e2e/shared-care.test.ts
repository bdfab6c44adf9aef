import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sweepAgreementClocks } from '../src/agreements/agreement-clock.ts';
import { insertTestOrder } from '../src/agreements/agreements.testing.ts';
import { addDays, todayInUk } from '../src/kernel/dates.ts';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { AgreementPage } from './pages/agreement-page.ts';
import { SignInPage } from './pages/sign-in-page.ts';

describe('shared care in a browser', { skip: chromiumMissing }, () => {
  let jointly: Awaited<ReturnType<typeof startJointly>>;
  let browser: Browser;
  let amelia: string;

  before(async () => {
    jointly = await startJointly();
    browser = await launchBrowser();
    const [row] = await jointly.db.query<{ id: string }>(
      "select id from patient where nhs_number = '9990000018'",
    );
    amelia = row!.id;
    await insertTestOrder(jointly.db, amelia, 'methotrexate-oral-jia', addDays(todayInUk(), -100));
  });
  after(async () => {
    await browser?.close();
    await jointly?.close();
  });

  test('the consultant requests shared care, the GP accepts, the parent consents, and then the GP prescribes', async () => {
    const problems: string[] = [];
    const as = async (email: string) => {
      const page = await browser.newPage();
      await new SignInPage(page, jointly.url).signInAs(email);
      return { page, agreement: new AgreementPage(page, jointly.url) };
    };
    const checked = async (page: Page, visit: () => Promise<unknown>) => {
      await visit();
      problems.push(...(await accessibilityViolations(page)));
    };

    const consultant = await as('consultant@demo.test');
    await checked(consultant.page, () => consultant.agreement.openAgreements(amelia));
    await checked(consultant.page, () => consultant.agreement.startFor(/Methotrexate by mouth/));
    const href = consultant.agreement.path();
    await checked(consultant.page, () => consultant.agreement.press(/Send the request to Riverside Surgery/));
    assert.match(await consultant.agreement.bodyText(), /14 days left/);
    await checked(consultant.page, () => consultant.page.goto(`${jointly.url}/agreements`));
    await consultant.page.close();

    const gp = await as('gp@demo.test');
    await checked(gp.page, () => gp.page.goto(`${jointly.url}/shared-care`));
    assert.match(await gp.agreement.bodyText(), /Requests awaiting your answer/);
    await checked(gp.page, () => gp.agreement.open(href));
    await checked(gp.page, () => gp.agreement.press('Decline shared care'));
    assert.match(await gp.agreement.bodyText(), /Give the reason for declining/);
    await checked(gp.page, () => gp.agreement.open(href));
    await checked(gp.page, () => gp.agreement.press('Accept shared care'));
    assert.match(await gp.agreement.bodyText(), /Accepted, awaiting consent/);
    await gp.page.close();

    const parent = await as('parent@demo.test');
    await checked(parent.page, () => parent.agreement.open(href));
    await parent.agreement.tick(/I agree to my child’s care being shared/);
    await checked(parent.page, () => parent.agreement.press('Give consent'));
    await parent.page.close();

    await sweepAgreementClocks(jointly.db, todayInUk());
    const gpAgain = await as('gp@demo.test');
    await checked(gpAgain.page, () => gpAgain.agreement.open(href));
    const text = await gpAgain.agreement.bodyText();
    assert.match(text, /Active/);
    assert.match(text, /Who prescribes now The GP practice/);
    await gpAgain.page.close();
    assert.deepEqual(problems, []);
  });
});
