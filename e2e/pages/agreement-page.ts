import type { Page } from 'playwright-core';

/** A child's shared care agreements and one agreement's page, as each party uses them. */
export class AgreementPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async openAgreements(patientId: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/patients/${patientId}/agreements`);
  }

  async startFor(medicine: RegExp): Promise<void> {
    const option = this.page.locator('#medicationOrderId option').filter({ hasText: medicine }).first();
    await this.page.selectOption('#medicationOrderId', (await option.getAttribute('value')) ?? '');
    await this.press('Start a shared care agreement');
  }

  async open(href: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${href}`);
  }

  async press(button: string | RegExp): Promise<void> {
    await this.page.getByRole('button', { name: button }).click();
    await this.page.waitForLoadState('load');
  }

  async tick(label: string | RegExp): Promise<void> {
    await this.page.getByLabel(label).check();
  }

  path(): string {
    return new URL(this.page.url()).pathname;
  }

  /** The main content's words, each run of white space one space. */
  async bodyText(): Promise<string> {
    return ((await this.page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
  }
}
