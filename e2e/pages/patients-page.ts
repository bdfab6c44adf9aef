import type { Page } from 'playwright-core';

/** The patients a person may see, and one patient's summary. */
export class PatientsPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async openList(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/patients`);
  }

  async searchByName(name: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/patients/search`);
    await this.page.getByLabel('Name', { exact: false }).first().fill(name);
    await this.page.getByRole('button', { name: /search/i }).click();
    await this.page.waitForLoadState('load');
  }

  async openPatient(fullName: string): Promise<void> {
    await this.page
      .getByRole('link', { name: new RegExp(fullName, 'i') })
      .first()
      .click();
    await this.page.waitForLoadState('load');
  }

  /** Opens a record directly by its address, as someone given a link would. */
  async openById(patientId: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/patients/${patientId}`);
  }

  heading(): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a person sees it on the screen is what we check
    return this.page.locator('h1').first().innerText();
  }

  bodyText(): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a person sees it on the screen is what we check
    return this.page.locator('main').innerText();
  }
}
