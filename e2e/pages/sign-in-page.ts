import type { Page } from 'playwright-core';

export const DEMO_PASSWORD = 'demo-password-1';

/** The sign-in page, as a person uses it. */
export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async signInAs(email: string, password = DEMO_PASSWORD): Promise<void> {
    await this.page.goto(`${this.baseUrl}/sign-in`);
    await this.page.getByLabel('E-mail address').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForLoadState('load');
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.waitForLoadState('load');
  }
}
