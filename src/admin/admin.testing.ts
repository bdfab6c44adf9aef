import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import type { TestDatabase } from '../testing/databases.ts';

/** A page's HTML with every run of white space as one space, so a test can match what a reader sees. */
export function squash(html: string): string {
  return html.replace(/\s+/g, ' ');
}

export interface AdminWorld {
  db: Database;
  t: TestApp;
  admin: SignedInClient;
  close(): Promise<void>;
}

/** The demo organisations and people (no synthetic patients), with the service administrator signed in. */
export async function adminWorld(database: TestDatabase): Promise<AdminWorld> {
  const db = await database.open();
  await loadDemoData(db, { patients: 0 });
  const t = await testApp(db);
  const admin = await t.signIn('admin@demo.test');
  return {
    db,
    t,
    admin,
    async close() {
      await t.close();
      await db.close();
    },
  };
}

export async function userId(db: Database, email: string): Promise<string> {
  const [row] = await db.query<{ id: string }>('select id from app_user where email = $1', [email]);
  if (!row) throw new Error(`no account ${email}`);
  return row.id;
}
