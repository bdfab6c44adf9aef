import type { Database } from '../db/database.ts';
import { loadDemoData } from '../demo/demo-data.ts';
import { syncShippedProtocols } from '../protocols/protocols.store.ts';
import { type SignedInClient, type TestApp, testApp } from '../testing/app.ts';
import type { TestDatabase } from '../testing/databases.ts';
import { linkOrderToAgreement } from './orders.store.ts';

/** The demo's children the medicines tests treat, by NHS number. */
export const AMELIA = '9990000018';
export const OLIVER = '9990000026';

/** The test clock's day (a Thursday), and the Monday after it. */
export const TODAY = '2026-11-26';
export const NEXT_MONDAY = '2026-11-30';

/** Oral methotrexate 15 mg once weekly on Monday, as the API takes it. */
export function weeklyMethotrexate(overrides: Record<string, unknown> = {}) {
  return {
    protocolId: 'methotrexate-oral-jia',
    form: 'tablet',
    strengthMg: 2.5,
    doseMg: 15,
    frequency: 'once-weekly',
    dayOfWeek: 'Monday',
    startDate: NEXT_MONDAY,
    ...overrides,
  };
}

/** The demo world with the shipped protocols, the people the tests act as signed in, and fresh weights. */
export interface MedicinesWorld {
  db: Database;
  t: TestApp;
  consultant: SignedInClient;
  nurse: SignedInClient;
  gp: SignedInClient;
  parent: SignedInClient;
  ids: Record<string, string>;
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function medicinesWorld(database: TestDatabase): Promise<MedicinesWorld> {
  const db = await database.open();
  await loadDemoData(db, { patients: 0 });
  await syncShippedProtocols(db);
  const t = await testApp(db);
  const rows = await db.query<{ id: string; nhs_number: string }>('select id, nhs_number from patient');
  const ids = Object.fromEntries(rows.map((r) => [r.nhs_number, r.id]));
  const nurse = await t.signIn('nurse@demo.test');
  // The demo's latest measurements are from 2025, too old for a dose now: the nurse weighs them again.
  // Amelia 136.2 cm and 30.5 kg is 1.07 m²: 10.7–16.05 mg a week, so 12.5 or 15 mg.
  for (const [nhsNumber, heightCm, weightKg] of [
    [AMELIA, 136.2, 30.5],
    [OLIVER, 166.0, 52.3],
  ] as const) {
    const res = await nurse.api('POST', `/api/patients/${ids[nhsNumber]}/growth`, {
      measuredOn: '2026-11-20',
      heightCm,
      weightKg,
    });
    if (res.statusCode !== 201) throw new Error(`could not record growth: ${res.body}`);
  }
  return {
    db,
    t,
    consultant: await t.signIn('consultant@demo.test'),
    nurse,
    gp: await t.signIn('gp@demo.test'),
    parent: await t.signIn('parent@demo.test'),
    ids,
    async count(sql, params = []) {
      const [row] = await db.query<{ n: number }>(`select count(*)::int as n from (${sql}) rows`, params);
      return row!.n;
    },
    async close() {
      await t.close();
      await db.close();
    },
  };
}

/**
 * Puts an order under a shared care agreement with the child's GP001 practice in the given state, as the
 * agreements capability would once the practice accepted and the family consented.
 */
export async function shareCare(
  db: Database,
  orderId: string,
  state: 'requested' | 'accepted' | 'consented' | 'active',
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into agreement (patient_id, protocol_version_id, specialist_organisation_id, gp_practice_id, state,
         requested_on, response_due_on, transfer_date, consented, created_by)
       select o.patient_id, o.protocol_version_id, sc.id, gp.id, $2, '2026-11-01', '2026-11-15', '2026-11-20',
         $2 in ('consented', 'active'), o.created_by
       from medication_order o, organisation sc, organisation gp
       where o.id = $1 and sc.code = 'SC001' and gp.code = 'GP001'
       returning id`,
      [orderId, state],
    );
    await linkOrderToAgreement(tx, orderId, row!.id);
    return row!.id;
  });
}
