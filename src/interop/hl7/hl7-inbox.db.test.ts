import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { AMELIA, type SharedCareWorld, sharedCareWorld } from '../../agreements/agreements.testing.ts';
import { todayInUk } from '../../kernel/dates.ts';
import { findActiveUser } from '../../people/people.store.ts';
import { recordResults } from '../../results/record-results.ts';
import type { SignedInClient } from '../../testing/app.ts';
import { testDatabases } from '../../testing/databases.ts';
import {
  ackCode,
  CR,
  errSegments,
  FS,
  fbc,
  lft,
  MllpClient,
  oruMessage,
  SAMPLE_23,
  SAMPLE_251,
  VT,
} from './hl7.testing.ts';
import { type MllpListener, startHl7Listener } from './mllp-listener.ts';

const OLIVER = '9990000026';
const MAX_BYTES = 64 * 1024;
/** A valid NHS number in the test range that none of the demo's named children has. */
const UNKNOWN_CHILD = '9991234578';

const frame = (text: string) =>
  Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);

for (const database of testDatabases()) {
  describe(`laboratory results over HL7 v2 and MLLP (${database.name})`, () => {
    let world: SharedCareWorld;
    let listener: MllpListener;
    let admin: SignedInClient;

    const count = async (sql: string, params: unknown[] = []) => {
      const [row] = await world.db.query<{ n: number }>(
        `select count(*)::int as n from (${sql}) rows`,
        params,
      );
      return row!.n;
    };
    /** Everything a message could write, to prove that a refused one wrote nothing. */
    const footprint = async () => ({
      messages: await count('select 1 from hl7_message'),
      results: await count('select 1 from lab_result'),
      items: await count('select 1 from reconciliation_item'),
      tasks: await count('select 1 from task'),
    });
    const send = async (message: string) => {
      const client = await MllpClient.connect(listener.port);
      try {
        return await client.send(message);
      } finally {
        await client.close();
      }
    };

    before(async () => {
      world = await sharedCareWorld(database);
      await world.orderFor(AMELIA, 'methotrexate-oral-jia');
      await world.orderFor(OLIVER, 'methotrexate-oral-jia');
      listener = await startHl7Listener(
        world.db,
        { host: '127.0.0.1', port: 0, maxBytes: MAX_BYTES, allowTestRange: true },
        undefined,
        () => world.t.clock.now,
      );
      admin = await world.as('admin');
    });
    after(async () => {
      await listener.close();
      await world.close();
    });

    test('a red neutrophil count from the laboratory opens the same red tasks as one typed by a nurse', async () => {
      const nurse = await findActiveUser(
        world.db,
        (await world.db.query<{ id: string }>("select id from app_user where email = 'nurse@demo.test'"))[0]!
          .id,
      );
      const now = world.t.clock.now;
      await recordResults(
        world.db,
        { viewer: nurse!, now, today: todayInUk(now) },
        world.ids[AMELIA]!,
        { results: [{ analyte: 'neutrophils', value: 1.2, unit: '×10⁹/L', specimenDate: '2026-11-20' }] },
        'form',
      );
      const typed = await redTasks();

      const ack = await send(oruMessage({ controlId: 'RED-1', orders: [fbc('1.2'), lft()] }));
      assert.equal(ackCode(ack), 'AA', ack);
      assert.match(ack, /\rMSA\|AA\|RED-1\|/);
      const stored = await world.db.query<{
        analyte: string;
        outcome: string;
        external_id: string;
        entered_via: string;
      }>(
        "select analyte, outcome, external_id, entered_via from lab_result where source = 'hl7' order by external_id",
      );
      assert.equal(stored.length, 7, 'every FBC and LFT result is recorded');
      const neutrophils = stored.find((r) => r.analyte === 'neutrophils')!;
      assert.equal(neutrophils.outcome, 'red');
      assert.equal(neutrophils.external_id, 'LH001|RED-1|1|3');
      assert.equal(neutrophils.entered_via, 'HL7 from LH001');
      const fromHl7 = (await redTasks()).slice(typed.length);
      assert.ok(typed.length > 0, 'the typed red result opened tasks');
      assert.deepEqual(
        fromHl7.map((t) => [t.organisation, t.kind, t.title.split(' (')[0]]),
        typed.map((t) => [t.organisation, t.kind, t.title.split(' (')[0]]),
      );
      assert.equal(
        await count(
          "select 1 from audit_event where action = 'record laboratory results (HL7)' and patient_id = $1 and user_id is null",
          [world.ids[AMELIA]],
        ),
        1,
        'the system recorded the results in the audit trail',
      );
    });

    async function redTasks() {
      return world.db.query<{ organisation: string; kind: string; title: string }>(
        `select o.code as organisation, t.kind, t.title from task t join organisation o on o.id = t.organisation_id
         where t.patient_id = $1 and t.kind = 'result-red' order by t.created_at, o.code`,
        [world.ids[AMELIA]],
      );
    }

    test('a message sent twice is acknowledged twice and stored once', async () => {
      const message = oruMessage({ controlId: 'DUP-1', orders: [fbc()] });
      const before = await footprint();
      assert.equal(ackCode(await send(message)), 'AA');
      const once = await footprint();
      assert.equal(ackCode(await send(message)), 'AA');
      assert.deepEqual(await footprint(), once);
      assert.equal(once.messages, before.messages + 1);
      assert.equal(once.results, before.results + 4);
      assert.equal(await count("select 1 from lab_result where external_id like 'LH001|DUP-1|%'"), 4);
    });

    test('v2.5.1 with SPM and NTE, and v2.3 from another laboratory, are both read', async () => {
      assert.equal(ackCode(await send(SAMPLE_251)), 'AA');
      assert.deepEqual(
        await world.db.query(
          "select analyte, specimen_date::text as taken from lab_result where external_id like 'LH001|LH001-000123|%' order by external_id",
        ),
        [
          { analyte: 'haemoglobin', taken: '2026-11-24' },
          { analyte: 'white_cell_count', taken: '2026-11-24' },
          { analyte: 'neutrophils', taken: '2026-11-24' },
          { analyte: 'platelets', taken: '2026-11-24' },
          { analyte: 'alt', taken: '2026-11-25' },
          { analyte: 'alkaline_phosphatase', taken: '2026-11-25' },
          { analyte: 'albumin', taken: '2026-11-25' },
        ],
      );
    });

    test('a child not registered in Jointly: acknowledged, kept, and recorded once an administrator matches them', async () => {
      const before = await footprint();
      const ack = await send(oruMessage({ controlId: 'UNK-1', nhsNumber: UNKNOWN_CHILD, orders: [fbc()] }));
      assert.equal(ackCode(ack), 'AA', 'accepted: safely stored for a person to finish');
      const after = await footprint();
      assert.equal(after.messages, before.messages + 1);
      assert.equal(after.results, before.results, 'no result is filed on a guess');
      const [item] = await world.db.query<{ id: string; reason: string; details: { problem: string } }>(
        "select i.id, i.reason, i.details from reconciliation_item i join hl7_message m on m.id = i.message_id where m.control_id = 'UNK-1'",
      );
      assert.equal(item?.reason, 'patient-not-matched');
      assert.equal(item.details.problem, 'not-registered');
      assert.ok(!JSON.stringify(item.details).includes(UNKNOWN_CHILD), 'the item holds no NHS number');

      const list = await admin.get('/admin/reconciliation');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Patient not matched/);
      assert.match(list.body, /No child with this NHS number is registered in Jointly/);
      const page = await admin.get(`/admin/reconciliation/${item.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /HART, Amelia/, 'the person reconciling sees who the message is about');

      const wrongNumber = await admin.postForm(`/admin/reconciliation/${item.id}/find`, {
        nhsNumber: '999 000 0019',
      });
      assert.equal(wrongNumber.statusCode, 400);
      assert.match(wrongNumber.body, /check digit/);
      const found = await admin.postForm(`/admin/reconciliation/${item.id}/find`, {
        nhsNumber: '999 000 0018',
      });
      assert.equal(found.statusCode, 200);
      assert.match(found.body, /Date of birth in Jointly/);
      assert.match(found.body, /14 March 2016/);
      const unconfirmed = await admin.postForm(`/admin/reconciliation/${item.id}/match`, {
        nhsNumber: AMELIA,
      });
      assert.equal(unconfirmed.statusCode, 400);
      assert.match(unconfirmed.body, /Confirm that this is the child/);
      assert.equal((await footprint()).results, before.results);

      const matched = await admin.postForm(`/admin/reconciliation/${item.id}/match`, {
        nhsNumber: AMELIA,
        confirmed: 'yes',
      });
      assert.equal(matched.statusCode, 303);
      assert.equal(matched.headers.location, '/admin/reconciliation?resolved=1&recorded=4');
      assert.equal(
        await count(
          "select 1 from lab_result where source = 'hl7' and external_id like 'LH001|UNK-1|%' and patient_id = $1",
          [world.ids[AMELIA]],
        ),
        4,
        'the results flow on as if they had just arrived',
      );
      const [message] = await world.db.query<{ status: string }>(
        "select status from hl7_message where control_id = 'UNK-1'",
      );
      assert.equal(message?.status, 'resolved');
      assert.equal(
        await count(
          "select 1 from audit_event where action in ('match laboratory message to child', 'record reconciled laboratory results (HL7)') and patient_id = $1",
          [world.ids[AMELIA]],
        ),
        2,
      );
      const again = await admin.postForm(`/admin/reconciliation/${item.id}/match`, {
        nhsNumber: AMELIA,
        confirmed: 'yes',
      });
      assert.equal(again.statusCode, 409, 'an item is resolved once');
    });

    test('a date of birth that differs from the child’s waits for a person', async () => {
      const ack = await send(oruMessage({ controlId: 'DOB-1', dateOfBirth: '20160315', orders: [fbc()] }));
      assert.equal(ackCode(ack), 'AA');
      const [item] = await world.db.query<{ details: { problem: string } }>(
        "select i.details from reconciliation_item i join hl7_message m on m.id = i.message_id where m.control_id = 'DOB-1'",
      );
      assert.equal(item?.details.problem, 'date-of-birth-differs');
      assert.equal(await count("select 1 from lab_result where external_id like 'LH001|DOB-1|%'"), 0);
    });

    test('an unmapped laboratory code waits; mapping it records the results and the next message needs no one', async () => {
      assert.equal(ackCode(await send(SAMPLE_23)), 'AA');
      const [item] = await world.db.query<{
        id: string;
        details: { codes: { code: string; unit: string }[] };
      }>(
        "select i.id, i.details from reconciliation_item i join hl7_message m on m.id = i.message_id where m.control_id = 'TP-77'",
      );
      assert.deepEqual(
        item?.details.codes.map((c) => [c.code, c.unit]),
        [['NEUT', 'x10^9/L']],
      );
      assert.equal(await count("select 1 from lab_result where external_id like 'GP001|TP-77|%'"), 0);

      const wrongTest = await admin.postForm(`/admin/reconciliation/${item.id}/map`, {
        analyte0: 'haemoglobin',
      });
      assert.equal(wrongTest.statusCode, 400);
      assert.match(wrongTest.body, /not a unit for Haemoglobin/);
      assert.equal(await count('select 1 from lab_code_map'), 0, 'a refused mapping is not saved');

      const mapped = await admin.postForm(`/admin/reconciliation/${item.id}/map`, {
        analyte0: 'neutrophils',
      });
      assert.equal(mapped.statusCode, 303);
      assert.deepEqual(
        await world.db.query(
          "select analyte, value::float8 as value from lab_result where external_id like 'GP001|TP-77|%' order by external_id",
        ),
        [
          { analyte: 'white_cell_count', value: 7.1 },
          { analyte: 'neutrophils', value: 4.2 },
          { analyte: 'haemoglobin', value: 132 },
        ],
        'g/dL is converted to g/L on the same path as typed results',
      );
      const codes = await admin.get('/admin/lab-codes');
      assert.match(codes.body, /GP001’s own/);

      assert.equal(ackCode(await send(SAMPLE_23.replace('|TP-77|', '|TP-78|'))), 'AA');
      const [next] = await world.db.query<{ status: string }>(
        "select status from hl7_message where control_id = 'TP-78'",
      );
      assert.equal(next?.status, 'stored');
    });

    test('the administrator adds a mapping on the code map page; only administrators may', async () => {
      const added = await admin.postForm('/admin/lab-codes', {
        codeSystem: 'local',
        laboratory: 'LH001',
        code: 'PLT',
        analyte: 'platelets',
      });
      assert.equal(added.statusCode, 303);
      const twice = await admin.postForm('/admin/lab-codes', {
        codeSystem: 'local',
        laboratory: 'LH001',
        code: 'PLT',
        analyte: 'haemoglobin',
      });
      assert.equal(twice.statusCode, 409);
      const blank = await admin.postForm('/admin/lab-codes', {
        codeSystem: 'local',
        laboratory: '',
        code: '',
        analyte: '',
      });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Give the code the laboratory sends/);
      const nurse = await world.as('nurse');
      assert.equal((await nurse.get('/admin/reconciliation')).statusCode, 403);
      assert.equal(
        (await nurse.postForm('/admin/lab-codes', { codeSystem: 'LN', code: 'X', analyte: 'alt' }))
          .statusCode,
        403,
      );
      assert.equal(await count("select 1 from lab_code_map where code = 'X'"), 0);
    });

    test('an impossible value is refused with AE pointing at the OBX, and nothing is written', async () => {
      const before = await footprint();
      const ack = await send(oruMessage({ controlId: 'BAD-1', orders: [fbc('5000')] }));
      assert.equal(ackCode(ack), 'AE');
      const [err] = errSegments(ack);
      assert.match(err!, /^ERR\|OBX\^3\^5\^102&/);
      assert.match(err!, /Neutrophils 5,?000 ×10⁹\/L is not physiologically possible/);
      assert.deepEqual(await footprint(), before);
    });

    test('malformed messages get AR or AE saying what is wrong, or the connection is closed; nothing is written', async () => {
      const before = await footprint();
      const good = oruMessage({ controlId: 'MAL-1', orders: [fbc()] });

      const noMsh = await send(good.slice(good.indexOf('\r') + 1));
      assert.equal(ackCode(noMsh), 'AR');
      assert.match(errSegments(noMsh)[0]!, /begin with an MSH segment/);

      const separators = await send(good.replace(/\|/g, '!'));
      assert.equal(ackCode(separators), 'AR');
      assert.match(separators, /field separator/);

      const truncated = await send(good.slice(0, good.indexOf('OBR')));
      assert.equal(ackCode(truncated), 'AE');
      assert.match(truncated, /no OBR segment/);

      const junk = await MllpClient.connect(listener.port);
      await assert.rejects(
        junk.sendRaw(randomBytes(256).fill(0x41, 0, 1)),
        /closed/,
        'bytes outside a frame: closed, no answer',
      );

      const binaryInFrame = await MllpClient.connect(listener.port);
      const binaryAck = await binaryInFrame.sendRaw(
        Buffer.concat([
          Buffer.from([VT]),
          randomBytes(300).map((b) => (b === FS || b === VT ? 0 : b)),
          Buffer.from([FS, CR]),
        ]),
      );
      assert.equal(ackCode(binaryAck), 'AR');
      await binaryInFrame.close();

      const big = await MllpClient.connect(listener.port);
      const huge = `${oruMessage({ controlId: 'BIG-1', orders: [fbc()] })}NTE|1|L|${'x'.repeat(MAX_BYTES)}\r`;
      const bigAck = await big.send(huge);
      assert.equal(ackCode(bigAck), 'AR');
      assert.match(
        bigAck,
        /MSA\|AR\|BIG-1\|/,
        'the header of a message too large is still read to answer it',
      );
      assert.match(bigAck, /larger than 65536 bytes/);
      if (!big.closed) await new Promise((resolve) => big.socket.once('close', resolve));

      assert.deepEqual(await footprint(), before);
      assert.equal(ackCode(await send(good)), 'AA', 'and the listener carries on');
    });

    test('frames split across reads, several in one read, and many connections at once', async () => {
      const client = await MllpClient.connect(listener.port);
      const bytes = frame(oruMessage({ controlId: 'SPLIT-1', orders: [fbc()] }));
      const ack = client.nextAck();
      for (const byte of bytes) {
        client.socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(ackCode(await ack), 'AA');

      const two = [
        oruMessage({ controlId: 'PAIR-1', orders: [lft()] }),
        oruMessage({ controlId: 'PAIR-2', orders: [lft()] }),
      ];
      const acks = [client.nextAck(), client.nextAck()];
      client.socket.write(Buffer.concat(two.map(frame)));
      const answered = await Promise.all(acks);
      assert.deepEqual(
        answered.map((a) => /MSA\|AA\|([^|]+)\|/.exec(a)?.[1]),
        ['PAIR-1', 'PAIR-2'],
        'in order',
      );
      await client.close();

      const clients = await Promise.all(Array.from({ length: 8 }, () => MllpClient.connect(listener.port)));
      const results = await Promise.all(
        clients.map(async (c, i) => {
          const codes: string[] = [];
          for (let j = 0; j < 3; j++)
            codes.push(ackCode(await c.send(oruMessage({ controlId: `MANY-${i}-${j}`, orders: [lft()] }))));
          await c.close();
          return codes;
        }),
      );
      assert.deepEqual(results.flat(), Array(24).fill('AA'));
      assert.equal(await count("select 1 from hl7_message where control_id like 'MANY-%'"), 24);
      assert.equal(await count("select 1 from lab_result where external_id like 'LH001|MANY-%'"), 72);
    });

    test('fuzzing through the listener: random and mutated messages never stop it, and nothing is written without AA', async () => {
      const samples = [oruMessage({ controlId: 'FZ', orders: [fbc(), lft()] }), SAMPLE_251];
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...samples),
          fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }),
          async (sample, mutations) => {
            let text = sample.replace('|FZ|', `|FZ-${n}|`).replace('|LH001-000123|', `|FZ251-${n}|`);
            n += 1;
            for (const [at, insert] of mutations) {
              const i = at % (text.length + 1);
              text =
                text.slice(0, i) +
                [...insert].filter((c) => c !== '\u000b' && c !== '\u001c').join('') +
                text.slice(i + insert.length);
            }
            const before = await footprint();
            const reply = await send(text).catch(() => 'closed');
            const after = await footprint();
            if (ackCode(reply) !== 'AA') {
              assert.deepEqual(after, before, `no write without AA: ${JSON.stringify(text)}`);
            } else {
              assert.ok(after.messages <= before.messages + 1);
            }
          },
        ),
        { numRuns: 25 },
      );
      assert.equal(ackCode(await send(oruMessage({ controlId: 'AFTER-FUZZ', orders: [lft()] }))), 'AA');
    });
  });
}
