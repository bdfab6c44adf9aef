import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { accessibilityViolations, type Browser, chromiumMissing, launchBrowser } from './browser.ts';
import { startJointly } from './jointly.ts';
import { SignInPage } from './pages/sign-in-page.ts';

describe('API clients in a browser', { skip: chromiumMissing }, () => {
  let jointly: Awaited<ReturnType<typeof startJointly>>;
  let browser: Browser;

  before(async () => {
    jointly = await startJointly();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await jointly?.close();
  });

  /** What a system does with the credential: a token, then the practice's patient by NHS number. */
  async function patientsSeenWith(clientId: string, secret: string): Promise<string[] | number> {
    const token = await fetch(`${jointly.url}/fhir/R4/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    });
    if (!token.ok) return token.status;
    const { access_token } = (await token.json()) as { access_token: string };
    const bundle = await fetch(`${jointly.url}/fhir/R4/Patient?identifier=9990000018`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    const found = (await bundle.json()) as { entry?: { resource: { name: { family: string }[] } }[] };
    return (found.entry ?? []).map((e) => e.resource.name[0]!.family);
  }

  test('the administrator adds a client, copies its secret once, and revokes it; every page passes axe', async () => {
    const problems: string[] = [];
    const checked = async (page: Page, visit: () => Promise<unknown>) => {
      await visit();
      await page.waitForLoadState('load');
      problems.push(...(await accessibilityViolations(page)));
    };
    const admin = await browser.newPage();
    await new SignInPage(admin, jointly.url).signInAs('admin@demo.test');
    await checked(admin, () => admin.goto(`${jointly.url}/admin`));
    await checked(admin, () => admin.getByRole('link', { name: 'API clients' }).click());
    await checked(admin, () => admin.getByRole('button', { name: 'Add an API client' }).click());

    await checked(admin, () => admin.getByRole('button', { name: 'Add API client' }).click());
    assert.match(await mainText(admin), /Enter a name for the client/);

    await admin.getByLabel('Name').fill('Riverside GP system');
    await admin.getByLabel('Organisation').selectOption('GP001');
    await checked(admin, () => admin.getByRole('button', { name: 'Add API client' }).click());
    const shown = await mainText(admin);
    assert.match(shown, /acts for GP001 – Riverside Surgery as practice nurse/);
    const clientId = /Client id\s+([0-9a-f-]{36})/.exec(shown)?.[1];
    const secret = /Client secret\s+(\S{43})/.exec(shown)?.[1];
    assert.ok(clientId && secret, 'the page shows the id and the secret');
    assert.deepEqual(await patientsSeenWith(clientId, secret), ['Hart']);

    await checked(admin, () => admin.getByRole('link', { name: 'Back to API clients' }).click());
    assert.doesNotMatch(await mainText(admin), new RegExp(secret));
    await checked(admin, () => admin.getByRole('button', { name: 'Revoke Riverside GP system' }).click());
    assert.match(await mainText(admin), /API client Riverside GP system revoked/);
    assert.equal(await patientsSeenWith(clientId, secret), 401);
    await admin.close();
    assert.deepEqual(problems, []);
  });
});

/** The page's main text as a person sees it. */
function mainText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the text as a person sees it on the screen is what we check
  return page.locator('main').innerText();
}
