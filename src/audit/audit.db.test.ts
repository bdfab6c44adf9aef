import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/database.ts';
import { testDatabases } from '../testing/databases.ts';
import { appendAudit, recordAudit, verifyAuditChain } from './audit.store.ts';
import { exportAuditCsv } from './audit-export.ts';

const entry = (action: string) => ({
  userId: null,
  userEmail: 'gp@demo.test',
  role: 'gp',
  organisationId: null,
  patientId: null,
  action,
  outcome: 'allowed' as const,
  relationship: 'care-team',
  breakGlassReason: null,
  details: { count: 2, ids: ['a', 'b'] },
});

for (const database of testDatabases()) {
  describe(`the audit trail (${database.name})`, () => {
    let db: Database;
    before(async () => {
      db = await database.open();
    });
    after(async () => {
      await db.close();
    });

    test('entries appended from several requests at once form one unbroken chain', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(db, entry(`view ${i}`))));
      const result = await verifyAuditChain(db, 7);
      assert.deepEqual(result, { ok: true, entries: 20 });
    });

    test('an entry written in a transaction that rolls back leaves no trace and the chain still holds', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await appendAudit(tx, entry('doomed'));
          throw new Error('the change failed');
        }),
      );
      await recordAudit(db, entry('after the failure'));
      const result = await verifyAuditChain(db);
      assert.equal(result.ok, true);
      const [{ n }] = (await db.query<{ n: number }>(
        "select count(*)::int as n from audit_event where action = 'doomed'",
      )) as [{ n: number }];
      assert.equal(n, 0);
    });

    test('the database refuses to change or delete an entry', async () => {
      await assert.rejects(db.query("update audit_event set action = 'nothing to see'"), /append-only/);
      await assert.rejects(db.query('delete from audit_event'), /append-only/);
    });

    test('verify finds an entry changed behind the trigger’s back', async () => {
      await db.query('alter table audit_event disable trigger audit_event_no_update');
      await db.query(
        "update audit_event set outcome = 'refused' where seq = (select min(seq) + 3 from audit_event)",
      );
      await db.query('alter table audit_event enable trigger audit_event_no_update');
      const result = await verifyAuditChain(db);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.problem.problem, 'hash-mismatch');
    });

    test('the CSV export has a header and one line per entry', async () => {
      let csv = '';
      const out = new Writable({
        write(chunk, _enc, done) {
          csv += chunk;
          done();
        },
      });
      const written = await exportAuditCsv(db, {}, out, 5);
      const lines = csv.trim().split('\n');
      assert.equal(
        lines[0],
        'seq,occurred_at,user_email,role,organisation_code,patient_id,action,outcome,relationship,break_glass_reason,details,hash',
      );
      assert.equal(lines.length, written + 1);
      assert.equal(written, 21);
    });
  });
}
