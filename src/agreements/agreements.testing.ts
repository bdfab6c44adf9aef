import { inflateSync } from 'node:zlib';
import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import type { DoseCalculation } from '../medicines/dose.rules.ts';
import { insertOrder } from '../medicines/orders.store.ts';
import { syncShippedProtocols, usableProtocolVersion } from '../protocols/protocols.store.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import type { TestDatabase } from '../testing/databases.ts';

/** The demo's named children, by NHS number. */
export const AMELIA = '9990000018';
export const GRACE = '9990000050';

/** The test app's first day (its clock starts on 26 November 2026). */
export const DAY_0 = '2026-11-26' as PlainDate;
export const day = (n: number) => addDays(DAY_0, n);

/** The demo world with the shipped protocols, on a new database, and a clock the test can move by days. */
export interface SharedCareWorld {
  db: Database;
  t: TestApp;
  /** Patient ids by NHS number. */
  ids: Record<string, string>;
  /** Signs in afresh (sessions lapse when the clock moves on by days). */
  as(who: 'consultant' | 'nurse' | 'gp' | 'gp2' | 'parent' | 'teen' | 'admin'): Promise<SignedInClient>;
  /** Moves the clock to the given day after day 0 (only forwards). */
  goTo(dayNumber: number): void;
  /** A current order for the child under the protocol, started 100 days before day 0. */
  orderFor(nhsNumber: string, protocolId: string): Promise<string>;
  close(): Promise<void>;
}

export async function sharedCareWorld(database: TestDatabase): Promise<SharedCareWorld> {
  const db = await database.open();
  await loadDemoData(db, { patients: 0 });
  await syncShippedProtocols(db);
  const t = await testApp(db);
  const rows = await db.query<{ id: string; nhs_number: string }>('select id, nhs_number from patient');
  const ids = Object.fromEntries(rows.map((r) => [r.nhs_number, r.id]));
  const start = t.clock.now.getTime();
  return {
    db,
    t,
    ids,
    as: (who) => t.signIn(`${who}@demo.test`),
    goTo(dayNumber) {
      t.clock.now = new Date(start + dayNumber * 86_400_000);
    },
    orderFor: (nhsNumber, protocolId) => insertTestOrder(db, ids[nhsNumber]!, protocolId),
    async close() {
      await t.close();
      await db.close();
    },
  };
}

/** A medicine order written straight to the store, as the medicines pages would have made it. */
export async function insertTestOrder(
  db: Database,
  patientId: string,
  protocolId: string,
  startDate: PlainDate = day(-100),
): Promise<string> {
  const version = await usableProtocolVersion(db, protocolId);
  if (!version) throw new Error(`no protocol ${protocolId}`);
  const medicine = version.protocol.medicines[0]!;
  const form = medicine.forms[0]!;
  const weekly = version.protocol.dosing.frequency.kind === 'once-weekly';
  const [consultant] = await db.query<{ id: string }>(
    "select id from app_user where email = 'consultant@demo.test'",
  );
  const dose = {
    basedOn: '1.11 m²',
    bsaM2: 1.11,
    weightKg: 30.5,
    measuredOn: day(-60),
    protocolRange: '10–15 mg/m² per week',
    exactMinMg: 11.1,
    exactMaxMg: 16.65,
    prescribableMg: [12.5, 15],
    maximumMg: 25,
    per: weekly ? 'week' : 'dose',
    unconfirmed: [],
  } satisfies DoseCalculation;
  return db.transaction((tx) =>
    insertOrder(tx, {
      patientId,
      agreementId: null,
      protocolVersionId: version.id,
      folicAcidDay: null,
      medicine: medicine.name,
      form: form.form,
      route: form.route,
      strengthMg: form.strengthsMg[0]!.value,
      doseMg: weekly ? 15 : form.strengthsMg[0]!.value,
      frequency: weekly ? 'once-weekly' : 'every-n-days',
      dayOfWeek: weekly ? 'Monday' : null,
      timesPerDay: null,
      everyNDays: weekly ? null : 14,
      startDate,
      calculation: {
        protocol: { id: version.protocolId, version: version.version, title: version.title },
        dose,
        roundToMg: version.protocol.dosing.roundToMg.value,
        outsideProtocol: null,
      },
      override: null,
      replacesOrderId: null,
      createdBy: consultant!.id,
    }),
  );
}

const windows1252: Record<number, string> = {
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
};

/**
 * The words of a PDF as a reader sees them: every content stream inflated, and the text drawn in it
 * (pdfkit writes it as hex strings in TJ arrays) decoded, with runs of white space made one space.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const texts: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const bytes = Buffer.from(m[1]!, 'latin1');
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = m[1]!;
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const pieces = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) =>
        [...Buffer.from(h[1]!, 'hex')].map((b) => windows1252[b] ?? String.fromCharCode(b)).join(''),
      );
      texts.push(pieces.join(''));
    }
  }
  return texts.join(' ').replace(/\s+/g, ' ');
}

/** A page's HTML with every run of white space as one space, so a test can match what a reader sees. */
export function squash(html: string): string {
  return html.replace(/\s+/g, ' ');
}
