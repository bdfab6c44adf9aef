import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { nhsCheckDigit } from '../kernel/nhs-number.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import type { TestDatabase } from '../testing/databases.ts';

/** The demo's named children, by NHS number. */
export const AMELIA = '9990000018';
export const OLIVER = '9990000026';
export const ISLA = '9990000034';
export const NOAH = '9990000042';

/** A valid NHS number in the 999 test range that the demo does not use. */
export function unusedNhsNumber(start: number): string {
  for (let n = start; ; n++) {
    const nine = String(n);
    const check = nhsCheckDigit(nine);
    if (check !== undefined) return `${nine}${check}`;
  }
}

/** The demo world on a new database, with the people the patient tests act as already signed in. */
export interface DemoWorld {
  db: Database;
  t: TestApp;
  nurse: SignedInClient;
  gp: SignedInClient;
  gp2: SignedInClient;
  parent: SignedInClient;
  /** Patient ids by NHS number. */
  ids: Record<string, string>;
  countRows(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function openDemoWorld(database: TestDatabase): Promise<DemoWorld> {
  const db = await database.open();
  await loadDemoData(db, { patients: 0 });
  const t = await testApp(db);
  const rows = await db.query<{ id: string; nhs_number: string }>('select id, nhs_number from patient');
  return {
    db,
    t,
    nurse: await t.signIn('nurse@demo.test'),
    gp: await t.signIn('gp@demo.test'),
    gp2: await t.signIn('gp2@demo.test'),
    parent: await t.signIn('parent@demo.test'),
    ids: Object.fromEntries(rows.map((r) => [r.nhs_number, r.id])),
    async countRows(sql, params = []) {
      const [row] = await db.query<{ n: number }>(`select count(*)::int as n from (${sql}) rows`, params);
      return row!.n;
    },
    async close() {
      await t.close();
      await db.close();
    },
  };
}
