import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, type PlainDate } from '../kernel/dates.ts';
import { usableProtocolVersion } from '../protocols/protocols.store.ts';
import { testDatabases } from '../testing/databases.ts';
import {
  type AgreementFacts,
  type AgreementState,
  agreementStates,
  responseClock,
  takeStep,
} from './agreement.rules.ts';
import { startAgreementClock, sweepAgreementClocks } from './agreement-clock.ts';
import { AMELIA, DAY_0, day, type SharedCareWorld, sharedCareWorld } from './agreements.testing.ts';

interface Case extends AgreementFacts {
  reminderSentOn: PlainDate | null;
}

/** Every state, with response and transfer dates either side of the day the sweep runs. */
function cases(today: PlainDate): Case[] {
  const around = [null, -1, 0, 1].map((n) => (n === null ? null : addDays(today, n)));
  return agreementStates.flatMap((state) =>
    around.flatMap((responseDueOn) =>
      around.flatMap((transferDate) =>
        [null, addDays(today, -1)].map((reminderSentOn) => ({
          state,
          requestedOn: responseDueOn ? addDays(responseDueOn, -14) : null,
          responseDueOn,
          transferDate,
          consented: ['consented', 'active', 'suspended'].includes(state),
          reminderSentOn,
        })),
      ),
    ),
  );
}

/** What the lifecycle rules say Jointly itself should do to an agreement today. */
function expected(c: Case, today: PlainDate): { state: AgreementState; reminder: boolean } {
  const unanswered = takeStep(c, { kind: 'mark-no-response', on: today }, 'system');
  const activated = takeStep(c, { kind: 'activate', on: today }, 'system');
  const clock = responseClock(c, 7, today);
  return {
    state: unanswered.ok ? unanswered.facts.state : activated.ok ? activated.facts.state : c.state,
    reminder: c.reminderSentOn === null && clock?.reminderDue === true && !clock.overdue,
  };
}

for (const database of testDatabases()) {
  describe(`the shared care response clock (${database.name})`, () => {
    let w: SharedCareWorld;
    before(async () => {
      w = await sharedCareWorld(database);
    });
    after(() => w.close());

    test('the sweep moves exactly the agreements the lifecycle rules would move, and no others', async () => {
      const today = day(3);
      const version = await usableProtocolVersion(w.db, 'methotrexate-oral-jia');
      const [ids] = await w.db.query<{ sc: string; gp: string; user: string }>(
        `select (select id from organisation where code = 'SC001') as sc, (select id from organisation where code = 'GP001') as gp,
           (select id from app_user where email = 'consultant@demo.test') as user`,
      );
      const all = cases(today);
      const inserted = await w.db.query<{ id: string }>(
        `insert into agreement (patient_id, protocol_version_id, specialist_organisation_id, gp_practice_id, state,
           requested_on, response_due_on, reminder_sent_on, transfer_date, consented, created_by)
         select $1, $2, $3, $4, c.state, c.requested_on, c.response_due_on, c.reminder_sent_on, c.transfer_date, c.consented, $5
         from unnest($6::text[], $7::date[], $8::date[], $9::date[], $10::date[], $11::boolean[])
           as c(state, requested_on, response_due_on, reminder_sent_on, transfer_date, consented)
         returning id`,
        [
          w.ids[AMELIA],
          version!.id,
          ids!.sc,
          ids!.gp,
          ids!.user,
          all.map((c) => c.state),
          all.map((c) => c.requestedOn),
          all.map((c) => c.responseDueOn),
          all.map((c) => c.reminderSentOn),
          all.map((c) => c.transferDate),
          all.map((c) => c.consented),
        ],
      );
      assert.equal(inserted.length, all.length);
      const before = await w.db.query<{ id: string } & Record<string, unknown>>(
        `select id, state, requested_on, response_due_on, reminder_sent_on, transfer_date from agreement`,
      );
      const caseOf = new Map(
        before.map((r) => [
          r.id,
          all.find(
            (c) =>
              c.state === r.state &&
              c.requestedOn === r.requested_on &&
              c.responseDueOn === r.response_due_on &&
              c.reminderSentOn === r.reminder_sent_on &&
              c.transferDate === r.transfer_date,
          )!,
        ]),
      );

      const counts = await sweepAgreementClocks(w.db, today);

      const afterRows = await w.db.query<{
        id: string;
        state: AgreementState;
        reminder_sent_on: string | null;
      }>('select id, state, reminder_sent_on from agreement');
      let moved = 0;
      let reminded = 0;
      for (const row of afterRows) {
        const c = caseOf.get(row.id)!;
        const want = expected(c, today);
        assert.equal(row.state, want.state, `state after the sweep for ${JSON.stringify(c)}`);
        assert.equal(row.reminder_sent_on === today, want.reminder, `reminder for ${JSON.stringify(c)}`);
        if (want.state !== c.state) moved++;
        if (want.reminder) reminded++;
      }
      assert.ok(moved > 0 && reminded > 0, 'the cases exercise every step');
      assert.equal(counts.markedNoResponse + counts.activated, moved);
      assert.equal(counts.remindersSent, reminded);

      const again = await sweepAgreementClocks(w.db, today);
      assert.deepEqual(
        again,
        { remindersSent: 0, markedNoResponse: 0, activated: 0 },
        'a second run changes nothing',
      );
    });

    test('the clock runs at start-up, reports to the log, and stops cleanly', async () => {
      const lines: object[] = [];
      const clock = startAgreementClock(
        w.db,
        { info: (details) => lines.push(details), error: (details) => lines.push({ failed: details }) },
        { everyMs: 60_000, today: () => addDays(DAY_0, 400) },
      );
      await clock.stop();
      assert.equal(lines.length, 1);
      assert.ok('sharedCareClock' in lines[0]!, JSON.stringify(lines));
    });
  });
}
