import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { PatientsPage } from './pages/patients-page.ts';
import { SignInPage } from './pages/sign-in-page.ts';

/** Browser tests: real Chromium against a real Jointly on its embedded database with the demo data. */
describe('the shared record in a browser', { skip: chromiumMissing }, () => {
  let jointly: Awaited<ReturnType<typeof startJointly>>;
  let browser: Browser;
  const patientIds: Record<string, string> = {};

  before(async () => {
    jointly = await startJointly();
    browser = await launchBrowser();
    const rows = await jointly.db.query<{ id: string; nhs_number: string }>(
      "select id, nhs_number from patient where nhs_number in ('9990000018', '9990000026')",
    );
    for (const r of rows) patientIds[r.nhs_number] = r.id;
  });
  after(async () => {
    await browser?.close();
    await jointly?.close();
  });

  /** Visits go through here so that every page a test sees is checked by axe-core. */
  async function checked(page: Page, visit: () => Promise<unknown>, problems: string[]) {
    await visit();
    problems.push(...(await accessibilityViolations(page)));
  }

  test('a GP signs in and opens one of their patients', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const signIn = new SignInPage(page, jointly.url);
    const patients = new PatientsPage(page, jointly.url);
    await checked(page, () => page.goto(`${jointly.url}/sign-in`), problems);
    await checked(page, () => signIn.signInAs('gp@demo.test'), problems);
    await checked(page, () => patients.openList(), problems);
    assert.match(await patients.bodyText(), /Hart/);
    await checked(page, () => patients.searchByName('Hart'), problems);
    await checked(page, () => patients.openPatient('Amelia'), problems);
    assert.match(await patients.heading(), /Amelia/);
    assert.match(await patients.bodyText(), /999 000 0018/);
    assert.match(await page.content(), /Demonstration system/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the same GP cannot open a patient of another practice, and is told why', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const patients = new PatientsPage(page, jointly.url);
    await new SignInPage(page, jointly.url).signInAs('gp@demo.test');
    await checked(page, () => patients.openById(patientIds['9990000026']!), problems);
    const text = await patients.bodyText();
    assert.match(text, /not in this patient's current care team/);
    assert.doesNotMatch(text, /Oliver|Bennett|999 000 0026/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a parent sees only their own child', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const patients = new PatientsPage(page, jointly.url);
    await checked(page, () => new SignInPage(page, jointly.url).signInAs('parent@demo.test'), problems);
    await checked(page, () => page.goto(`${jointly.url}/family`), problems);
    const family = await patients.bodyText();
    assert.match(family, /Amelia/);
    assert.doesNotMatch(family, /Oliver|Isla|Noah|Grace/);
    await checked(page, () => patients.openPatient('Amelia'), problems);
    assert.match(await patients.heading(), /Amelia/);
    await checked(page, () => patients.openById(patientIds['9990000026']!), problems);
    assert.match(await patients.bodyText(), /not linked to this child/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
