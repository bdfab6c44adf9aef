import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AMELIA, type SharedCareWorld, sharedCareWorld, squash } from '../agreements/agreements.testing.ts';
import { shareCare } from '../medicines/medicines.testing.ts';
import type { SignedInClient } from '../testing/app.ts';
import { testDatabases } from '../testing/databases.ts';

/** The FBC form as a GP fills it in: the date in three boxes, each test's value and unit. */
function fbcForm(values: Record<string, string>, date = { day: '25', month: '11', year: '2026' }) {
  const form: Record<string, string> = {
    'specimenDate-day': date.day,
    'specimenDate-month': date.month,
    'specimenDate-year': date.year,
  };
  for (const [analyte, value] of Object.entries(values)) {
    const [number, unit = '×10⁹/L'] = value.split(' ');
    form[`${analyte}-value`] = number!;
    form[`${analyte}-unit`] = unit;
  }
  return form;
}

for (const database of testDatabases()) {
  describe(`entering results and deciding about them (${database.name})`, () => {
    let w: SharedCareWorld;
    let amelia: string;
    let gp: SignedInClient;
    let consultant: SignedInClient;
    const results = () =>
      w.db.query<{ analyte: string }>('select analyte from lab_result where patient_id = $1', [amelia]);
    const audit = (action: string) =>
      w.db.query<{ outcome: string; user_email: string; details: Record<string, unknown> }>(
        'select outcome, user_email, details from audit_event where action = $1 and patient_id = $2 order by seq',
        [action, amelia],
      );

    before(async () => {
      w = await sharedCareWorld(database);
      amelia = w.ids[AMELIA]!;
      // Methotrexate since August, shared with the GP practice (GP001), who now arranges the blood tests.
      await shareCare(w.db, await w.orderFor(AMELIA, 'methotrexate-oral-jia'), 'active');
      gp = await w.as('gp');
      consultant = await w.as('consultant');
    });
    after(() => w.close());

    test('the panel form offers each FBC test with its units, Jointly’s own preselected', async () => {
      const page = await gp.get(`/patients/${amelia}/results/new?panel=FBC`);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /Enter Full blood count \(FBC\) results/);
      assert.match(page.body, /<legend[^>]*>\s*Neutrophils\s*</);
      assert.match(page.body, /<option value="×10⁹\/L" selected>×10⁹\/L<\/option>/);
      assert.match(page.body, /<option value="g\/dL">g\/dL<\/option>/);
    });

    test('a wrong unit is refused naming the units accepted, the typing is kept, nothing is stored, and the refusal is audited', async () => {
      const res = await gp.postForm(
        `/patients/${amelia}/results/new?panel=FBC`,
        fbcForm({ neutrophils: '1.2 mg/dL', platelets: '250' }),
      );
      assert.equal(res.statusCode, 400);
      const body = squash(res.body);
      assert.match(body, /There is a problem/);
      assert.match(body, /href="#neutrophils-unit"/);
      assert.match(
        body,
        /Neutrophils: “mg\/dL” is not a unit Jointly accepts for this test\. Give it in one of ×10⁹\/L, 10\^9\/L/,
      );
      assert.match(body, /name="neutrophils-value" type="text" value="1.2"|value="1.2"/);
      assert.match(body, /<option value="mg\/dL" selected>mg\/dL<\/option>/);
      assert.deepEqual(await results(), []);
      const refused = (await audit('record results')).filter((a) => a.outcome === 'refused');
      assert.equal(refused.length, 1);
      assert.deepEqual(refused[0]!.details.fields, ['results.0.unit']);
    });

    test('blood taken in the future is refused at the date, and nothing is stored', async () => {
      const res = await gp.postForm(
        `/patients/${amelia}/results/new?panel=FBC`,
        fbcForm({ neutrophils: '3.1' }, { day: '27', month: '11', year: '2026' }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(squash(res.body), /href="#specimenDate"> The blood cannot have been taken in the future/);
      assert.deepEqual(await results(), []);
    });

    test('an empty form asks for at least one result', async () => {
      const res = await gp.postForm(`/patients/${amelia}/results/new?panel=FBC`, fbcForm({}));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter at least one result/);
      assert.deepEqual(await results(), []);
    });

    test('a GP at another practice, with no relationship with the child, is refused, nothing is stored, and it is audited', async () => {
      const other = await w.as('gp2');
      const res = await other.postForm(
        `/patients/${amelia}/results/new?panel=FBC`,
        fbcForm({ neutrophils: '1.2' }),
      );
      assert.equal(res.statusCode, 403);
      assert.equal((await other.get(`/patients/${amelia}/results`)).statusCode, 403);
      assert.deepEqual(await results(), []);
      const refused = (await audit('record results')).filter(
        (a) => a.outcome === 'refused' && a.user_email === 'gp2@demo.test',
      );
      assert.equal(refused.length, 1);
    });

    test('the parent is sent to the family’s pages rather than shown the clinical results page', async () => {
      const parent = await w.as('parent');
      const res = await parent.get(`/patients/${amelia}/results`);
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /shared with the family on the family’s own pages/);
    });

    let alertId: string;
    test('a GP enters an FBC with neutrophils 1.2: red with the protocol’s action, a task for the specialist team and one for the practice', async () => {
      const res = await gp.postForm(
        `/patients/${amelia}/results/new?panel=FBC`,
        fbcForm({ neutrophils: '1.2', platelets: '250', haemoglobin: '12.5 g/dL' }),
      );
      assert.equal(res.statusCode, 303, res.body);
      const location = res.headers.location as string;
      assert.match(location, new RegExp(`^/patients/${amelia}/results\\?recorded=`));
      assert.equal((await results()).length, 3);

      const page = squash((await gp.get(location)).body);
      assert.match(page, /3 results recorded/);
      assert.match(
        page,
        /Neutrophils 1\.2 ×10⁹\/L \(taken 25 November 2026\): red — Neutrophils below 1\.6 ×10⁹\/L\. Withhold methotrexate and discuss with the specialist team today\./,
      );
      assert.match(
        page,
        /Haemoglobin<\/th> <td class="nhsuk-table__cell">125 g\/L \(reported as 12\.5 g\/dL\)/,
      );
      assert.match(page, /Results needing a decision/);
      assert.match(page, /Dr Tom Adeyemi, typed in/);

      const teamTasks = (await consultant.api('GET', '/api/tasks')).json().tasks as {
        kind: string;
        title: string;
      }[];
      const teamRed = teamTasks.filter((t) => t.kind === 'result-red');
      assert.equal(teamRed.length, 1, 'the specialist team has one red task');
      assert.match(teamRed[0]!.title, /Red result: Neutrophils 1\.2/);
      assert.match(squash((await consultant.get('/tasks')).body), /Red result: Neutrophils 1\.2/);
      const practiceTasks = (await gp.api('GET', '/api/tasks')).json().tasks as { kind: string }[];
      assert.equal(
        practiceTasks.filter((t) => t.kind === 'result-red').length,
        1,
        'the practice has one too',
      );

      const stored = (await audit('record results')).filter((a) => a.outcome === 'allowed');
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.details.stored, 3);
      assert.equal(stored[0]!.details.source, 'form');
      const [alert] = await w.db.query<{ id: string }>('select id from result_alert where patient_id = $1', [
        amelia,
      ]);
      alertId = alert!.id;
    });

    test('the summary links to the child’s results', async () => {
      assert.match(
        (await gp.get(`/patients/${amelia}`)).body,
        new RegExp(`href="/patients/${amelia}/results"`),
      );
    });

    test('continuing the medicine needs a reason: refused, nothing decided, the refusal audited', async () => {
      const res = await consultant.postForm(`/patients/${amelia}/results/alerts/${alertId}/acknowledgement`, {
        decision: 'continue',
        note: '',
      });
      assert.equal(res.statusCode, 400);
      assert.match(squash(res.body), new RegExp(`href="#note-${alertId}"> Say why the medicine continues`));
      const [row] = await w.db.query<{ decision: string | null }>(
        'select decision from result_alert where id = $1',
        [alertId],
      );
      assert.equal(row!.decision, null);
      const refused = (await audit('acknowledge result')).filter((a) => a.outcome === 'refused');
      assert.equal(refused.length, 1);
    });

    test('the consultant decides to withhold: recorded with who and when, the red tasks close, and a second decision is refused (409)', async () => {
      const res = await consultant.postForm(`/patients/${amelia}/results/alerts/${alertId}/acknowledgement`, {
        decision: 'withhold',
        note: 'Neutropenia on methotrexate',
      });
      assert.equal(res.statusCode, 303, res.body);
      const page = squash((await consultant.get(`/patients/${amelia}/results`)).body);
      assert.match(page, /No red or amber result is waiting for a decision/);
      assert.match(page, /Withhold the medicine: “Neutropenia on methotrexate”/);
      const [who] = await w.db.query<{ display_name: string }>(
        "select display_name from app_user where email = 'consultant@demo.test'",
      );
      assert.ok(page.includes(`${who!.display_name}, 26 Nov 2026`), 'who decided, and when');
      const open = await w.db.query(
        "select 1 from task where subject_id = $1 and kind = 'result-red' and status = 'open'",
        [alertId],
      );
      assert.deepEqual(open, []);
      const practice = (await gp.api('GET', '/api/tasks')).json().tasks as { kind: string }[];
      assert.equal(practice.filter((t) => t.kind === 'result-red').length, 0);

      const again = await gp.api('POST', `/api/results/alerts/${alertId}/acknowledgement`, {
        decision: 'continue',
        note: 'All fine now',
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'CONFLICT');
      const [row] = await w.db.query<{ decision: string }>(
        'select decision from result_alert where id = $1',
        [alertId],
      );
      assert.equal(row!.decision, 'withhold');
      const decisions = await audit('acknowledge result');
      assert.deepEqual(
        decisions.map((a) => [a.outcome, a.user_email]),
        [
          ['refused', 'consultant@demo.test'],
          ['allowed', 'consultant@demo.test'],
          ['refused', 'gp@demo.test'],
        ],
      );
    });
  });
}
