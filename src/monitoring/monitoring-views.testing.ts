import { insertTestOrder } from '../agreements/agreements.testing.ts';
import type { Database } from '../db/database.ts';
import { type PlainDate, plainDate } from '../kernel/dates.ts';
import { linkOrderToAgreement } from '../medicines/orders.store.ts';
import { storeResults } from '../results/record-results.ts';
import { refreshMonitoring } from './courses.ts';

/** The test app's day (its clock starts at 10:00 on 26 November 2026). */
export const TEST_TODAY = '2026-11-26' as PlainDate;

/**
 * A child on oral methotrexate from `startDate`; with `practiceCode`, under an active shared care agreement with
 * that practice (blood tests at the GP surgery). The child's monitoring course is worked out as of `today`.
 */
export async function methotrexateCourse(
  db: Database,
  patientId: string,
  startDate: PlainDate,
  practiceCode: string | null,
  today: PlainDate = TEST_TODAY,
): Promise<string> {
  const orderId = await insertTestOrder(db, patientId, 'methotrexate-oral-jia', startDate);
  await db.transaction(async (tx) => {
    if (practiceCode) {
      const [agreement] = await tx.query<{ id: string }>(
        `insert into agreement (patient_id, protocol_version_id, specialist_organisation_id, gp_practice_id, state,
           requested_on, response_due_on, transfer_date, consented, created_by)
         select o.patient_id, o.protocol_version_id, sc.id, gp.id, 'active', '2026-11-01', '2026-11-15',
           '2026-11-20', true, o.created_by
         from medication_order o, organisation sc, organisation gp
         where o.id = $1 and sc.code = 'SC001' and gp.code = $2
         returning id`,
        [orderId, practiceCode],
      );
      await linkOrderToAgreement(tx, orderId, agreement!.id);
    }
    await refreshMonitoring(tx, patientId, today);
  });
  return orderId;
}

/** Results from a laboratory, judged and acted on as on the day they were taken. */
export async function labResults(
  db: Database,
  patientId: string,
  specimenDate: string,
  results: { analyte: string; value: number; unit: string; rangeLow?: number; rangeHigh?: number }[],
) {
  const [team] = await db.query<{ id: string }>("select id from organisation where code = 'SC001'");
  return db.transaction((tx) =>
    storeResults(tx, {
      patientId,
      results: results.map((r) => ({ ...r, specimenDate })),
      source: 'api',
      sender: { userId: null, organisationId: team!.id, via: 'test laboratory' },
      now: new Date(`${specimenDate}T12:00:00Z`),
      today: plainDate(specimenDate),
    }),
  );
}
