import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays, todayInUk } from '../src/kernel/dates.ts';
import { labResults, methotrexateCourse } from '../src/monitoring/monitoring-views.testing.ts';
import { sweepMonitoring } from '../src/monitoring/sweep.ts';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { SignInPage } from './pages/sign-in-page.ts';

describe('monitoring worklists, trends and the family’s view in a browser', { skip: chromiumMissing }, () => {
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
    const today = todayInUk();
    await methotrexateCourse(jointly.db, amelia, addDays(today, -60), 'GP001', today);
    await labResults(jointly.db, amelia, addDays(today, -30), [
      { analyte: 'neutrophils', value: 3.1, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
    ]);
    await labResults(jointly.db, amelia, addDays(today, -1), [
      { analyte: 'neutrophils', value: 1.2, unit: '10^9/L', rangeLow: 1.5, rangeHigh: 8 },
      { analyte: 'alt', value: 70, unit: 'U/L', rangeLow: 0, rangeHigh: 30 },
    ]);
    await sweepMonitoring(jointly.db, new Date());
  });
  after(async () => {
    await browser?.close();
    await jointly?.close();
  });

  test('every page passes axe-core, and the numbers behind a chart open without JavaScript tricks', async () => {
    const problems: string[] = [];
    const as = async (email: string) => {
      const page = await browser.newPage();
      await new SignInPage(page, jointly.url).signInAs(email);
      return page;
    };
    const visit = async (page: Page, path: string) => {
      const res = await page.goto(`${jointly.url}${path}`);
      assert.equal(res?.status(), 200, path);
      problems.push(...(await accessibilityViolations(page)));
    };

    const consultant = await as('consultant@demo.test');
    await visit(consultant, '/monitoring');
    assert.match(
      (await consultant.locator('main').textContent()) ?? '',
      /Red results awaiting a decision \(\d+\)[\s\S]*Amelia Hart/,
    );
    await visit(consultant, `/patients/${amelia}/results`);
    await consultant.getByText('Show the numbers for Neutrophils').click();
    assert.ok(await consultant.getByRole('table', { name: /Neutrophils results, oldest first/ }).isVisible());
    problems.push(...(await accessibilityViolations(consultant)));
    const release = consultant.getByRole('button', { name: 'Show results to the family' });
    if (await release.isVisible()) {
      await release.click();
      await consultant.waitForLoadState('load');
    }
    assert.match(
      (await consultant.locator('main').textContent()) ?? '',
      /Stop showing results to the family/,
    );
    await consultant.close();

    const gp = await as('gp@demo.test');
    await visit(gp, '/practice');
    assert.match(
      (await gp.locator('main').textContent()) ?? '',
      /Results needing action \(\d+\)[\s\S]*Amelia Hart/,
    );
    await gp.close();

    const parent = await as('parent@demo.test');
    await visit(parent, '/family');
    assert.match(
      (await parent.locator('main').textContent()) ?? '',
      /Neutrophils: 1\.2 ×10⁹\/L — lower than usual/,
    );
    await parent.close();

    assert.deepEqual(problems, []);
  });
});
