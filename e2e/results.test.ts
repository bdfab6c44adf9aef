import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insertTestOrder } from '../src/agreements/agreements.testing.ts';
import { addDays, todayInUk } from '../src/kernel/dates.ts';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { SignInPage } from './pages/sign-in-page.ts';

describe('blood test results in a browser', { skip: chromiumMissing }, () => {
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

  test('a GP enters an FBC, imports a file, and the consultant decides about the red result: every page passes axe', async () => {
    const problems: string[] = [];
    const checked = async (page: Page, visit: () => Promise<unknown>) => {
      await visit();
      await page.waitForLoadState('load');
      problems.push(...(await accessibilityViolations(page)));
    };
    const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';
    const as = async (email: string) => {
      const page = await browser.newPage();
      await new SignInPage(page, jointly.url).signInAs(email);
      return page;
    };
    const [year, month, day] = addDays(todayInUk(), -1).split('-');

    const gp = await as('gp@demo.test');
    await checked(gp, () => gp.goto(`${jointly.url}/patients/${amelia}/results`));
    await checked(gp, () => gp.getByRole('link', { name: 'Enter Full blood count (FBC) results' }).click());
    await gp.locator('#neutrophils-value').fill('1.2');
    await checked(gp, () => gp.getByRole('button', { name: 'Record results' }).click());
    assert.match(await mainText(gp), /Enter the date the blood was taken/);
    await gp.locator('#specimenDate').fill(String(Number(day)));
    await gp.locator('#specimenDate-month').fill(String(Number(month)));
    await gp.locator('#specimenDate-year').fill(year!);
    await checked(gp, () => gp.getByRole('button', { name: 'Record results' }).click());
    assert.match(await mainText(gp), /red — Neutrophils below 1\.6/);

    await checked(gp, () => gp.getByRole('link', { name: 'Import results from a file' }).first().click());
    await gp
      .getByLabel('Or paste the file’s contents')
      .fill(
        `analyte,value,unit,specimen_date\nplatelets,250,10^9/L,${year}-${month}-${day}\nalt,30,furlongs,${year}-${month}-${day}\n`,
      );
    await checked(gp, () => gp.getByRole('button', { name: 'Check the file' }).click());
    assert.match(await mainText(gp), /Row 3, column unit/);
    await checked(gp, () => gp.getByRole('button', { name: 'Import only the 1 valid row' }).click());
    assert.match(await mainText(gp), /1 result recorded/);
    await gp.close();

    const consultant = await as('consultant@demo.test');
    await checked(consultant, () => consultant.goto(`${jointly.url}/monitoring`));
    const redRow = consultant
      .locator('#red tr, table tr')
      .filter({ hasText: 'Amelia' })
      .filter({ hasText: 'Neutrophils' })
      .filter({ hasText: '1.2' });
    assert.ok((await redRow.count()) >= 1, "the red result is on the specialist team's worklist");
    await checked(consultant, () => consultant.goto(`${jointly.url}/tasks`));
    assert.match(await mainText(consultant), /Red result: Neutrophils 1\.2/);

    await consultant.goto(`${jointly.url}/patients/${amelia}/results`);
    // The demo's own results may be waiting too: the newest, this one, comes first.
    const card = () => consultant.locator('.nhsuk-card').filter({ hasText: 'Neutrophils 1.2' });
    await checked(consultant, () => card().getByRole('button', { name: 'Record the decision' }).click());
    assert.match(await mainText(consultant), /Choose what was decided/);
    await card().getByLabel('Withhold the medicine').check();
    await checked(consultant, () => card().getByRole('button', { name: 'Record the decision' }).click());
    assert.doesNotMatch(
      (await consultant.locator('#decisions ~ .nhsuk-card').allTextContents()).join(' '),
      /Neutrophils 1\.2/,
    );
    assert.match(await mainText(consultant), /Withhold the medicine/);
    await consultant.close();

    // Browser pages share one cookie jar: the administrator signs in once the others are done.
    const admin = await as('admin@demo.test');
    await checked(admin, () => admin.goto(`${jointly.url}/admin/outbox`));
    assert.match(
      await mainText(admin),
      /sc001@demo\.test[\s\S]*Jointly: new task for SC001/,
      'the team is e-mailed',
    );
    await admin.close();
    assert.deepEqual(problems, []);
  });
});
