import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ackCode, fbc, MllpClient, oruMessage, SAMPLE_23 } from '../src/interop/hl7/hl7.testing.ts';
import { addDays, todayInUk } from '../src/kernel/dates.ts';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { SignInPage } from './pages/sign-in-page.ts';

describe('reconciling laboratory messages in a browser', { skip: chromiumMissing }, () => {
  let jointly: Awaited<ReturnType<typeof startJointly>>;
  let browser: Browser;

  before(async () => {
    jointly = await startJointly();
    browser = await launchBrowser();
    const taken = addDays(todayInUk(), -1).replace(/-/g, '');
    const client = await MllpClient.connect(jointly.mllp.port);
    const unknownChild = oruMessage({
      controlId: 'E2E-1',
      nhsNumber: '9991234578',
      orders: [{ ...fbc(), observedAt: taken }],
    });
    assert.equal(ackCode(await client.send(unknownChild)), 'AA');
    assert.equal(ackCode(await client.send(SAMPLE_23.replace('202611241000', taken))), 'AA');
    await client.close();
  });
  after(async () => {
    await browser?.close();
    await jointly?.close();
  });

  test('the administrator matches a child and maps a code; every page passes axe', async () => {
    const problems: string[] = [];
    const checked = async (page: Page, visit: () => Promise<unknown>) => {
      await visit();
      await page.waitForLoadState('load');
      problems.push(...(await accessibilityViolations(page)));
    };
    const admin = await browser.newPage();
    await new SignInPage(admin, jointly.url).signInAs('admin@demo.test');
    await checked(admin, () => admin.goto(`${jointly.url}/admin`));
    await checked(admin, () => admin.getByRole('link', { name: 'Laboratory messages to reconcile' }).click());
    assert.match(await mainText(admin), /Waiting \(2\)/);

    await checked(admin, () => admin.getByRole('link', { name: /Match the child/ }).click());
    await admin.getByLabel('NHS number of the child').fill('999 000 0018');
    await checked(admin, () => admin.getByRole('button', { name: 'Find the child' }).click());
    assert.match(await mainText(admin), /Date of birth in Jointly\s+14 March 2016/);
    await checked(admin, () => admin.getByRole('button', { name: 'Match and record the results' }).click());
    assert.match(await mainText(admin), /Confirm that this is the child/);
    await admin.getByLabel(/These results belong to the child/).check();
    await checked(admin, () => admin.getByRole('button', { name: 'Match and record the results' }).click());
    assert.match(await mainText(admin), /4 results recorded/);

    await checked(admin, () => admin.getByRole('link', { name: /Map the codes/ }).click());
    await admin.getByLabel(/Neutrophils — code NEUT/).selectOption('neutrophils');
    await checked(admin, () => admin.getByRole('button', { name: 'Map and record the results' }).click());
    assert.match(await mainText(admin), /3 results recorded/);

    await checked(admin, () => admin.getByRole('link', { name: 'Laboratory test codes' }).click());
    assert.match(await mainText(admin), /NEUT/);
    await checked(admin, () => admin.getByRole('button', { name: 'Add mapping' }).click());
    assert.match(await mainText(admin), /Give the code the laboratory sends/);
    await admin.close();
    assert.deepEqual(problems, []);
  });
});

/** The page's main text as a person sees it. */
function mainText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the text as a person sees it on the screen is what we check
  return page.locator('main').innerText();
}
