import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkProtocol } from './protocol.schema.ts';
import { loadProtocolsFrom, loadShippedProtocols, shippedProtocol } from './shipped.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const shippedDir = fileURLToPath(new URL('./shipped/', import.meta.url));
const files = readdirSync(shippedDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const raw = (file: string): JsonObject => JSON.parse(readFileSync(join(shippedDir, file), 'utf8'));
const copy = <T>(value: T): T => structuredClone(value);
const methotrexate = () => raw('methotrexate-oral-jia.json');
const at = (data: JsonObject, ...keys: string[]): JsonObject => {
  let node: Json = data;
  for (const key of keys) node = (node as JsonObject)[key] as Json;
  return node as JsonObject;
};

/**
 * Every number in a protocol must be the `value` of a sourced number: an object that also has a non-empty `source`
 * and a boolean `confirmed`. Walks the raw JSON without knowing the schema, so a number added anywhere is found.
 * Returns the path of each number that breaks the rule.
 */
function unsourcedNumbers(node: Json, path: string[] = []): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => unsourcedNumbers(item, [...path, String(i)]));
  if (node === null || typeof node !== 'object') {
    return typeof node === 'number' ? [path.join('.') || '(the whole file)'] : [];
  }
  const found: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'number') {
      const sourced =
        key === 'value' &&
        typeof node.source === 'string' &&
        node.source.trim() !== '' &&
        typeof node.confirmed === 'boolean';
      if (!sourced) found.push([...path, key].join('.'));
    } else {
      found.push(...unsourcedNumbers(value, [...path, key]));
    }
  }
  return found;
}

/** Every sourced number in a file, with its path. */
function sourcedNumbers(
  node: Json,
  path: string[] = [],
): { path: string; source: string; confirmed: boolean }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => sourcedNumbers(item, [...path, String(i)]));
  if (node === null || typeof node !== 'object') return [];
  const here =
    typeof node.value === 'number' && typeof node.source === 'string' && typeof node.confirmed === 'boolean'
      ? [{ path: path.join('.'), source: node.source, confirmed: node.confirmed }]
      : [];
  return [...here, ...Object.entries(node).flatMap(([key, value]) => sourcedNumbers(value, [...path, key]))];
}

function problemPaths(data: unknown): string[] {
  const checked = checkProtocol(data);
  assert.equal(checked.ok, false, 'expected the protocol to be refused');
  return checked.ok ? [] : checked.problems.map((p) => p.path);
}

describe('the shipped shared care protocols', () => {
  test('there are shipped protocol files, including the methotrexate example', () => {
    assert.ok(files.length >= 10, `only ${files.length} files`);
    assert.ok(files.includes('methotrexate-oral-jia.json'));
  });

  for (const file of files) {
    test(`${file} passes the protocol schema`, () => {
      const checked = checkProtocol(raw(file));
      assert.ok(checked.ok, checked.ok ? '' : JSON.stringify(checked.problems, null, 2));
    });

    test(`${file}: every number has a source and says whether it is confirmed`, () => {
      assert.deepEqual(unsourcedNumbers(raw(file)), []);
    });

    test(`${file}: nothing it calls a Jointly default or missing from the reference is marked confirmed`, () => {
      const overclaimed = sourcedNumbers(raw(file)).filter(
        (n) =>
          n.confirmed && /not in jointly's reference|jointly default|placeholder|unconfirmed/i.test(n.source),
      );
      assert.deepEqual(overclaimed, []);
    });

    test(`${file}: thresholds taken from adult guidance say they are applied to children`, () => {
      const thresholds = at(raw(file), 'thresholds') as unknown as JsonObject[];
      const silent = thresholds
        .flatMap((t) => [t.source as string, ...sourcedNumbers(t).map((n) => n.source)])
        .filter((source) => /adult/i.test(source) && !/children/i.test(source));
      assert.deepEqual(silent, []);
    });
  }

  test('ids are unique and each equals its file name', () => {
    const ids = files.map((file) => raw(file).id);
    assert.deepEqual(
      ids,
      files.map((f) => f.replace(/\.json$/, '')),
    );
    assert.equal(new Set(ids).size, ids.length);
  });

  test('amber protocols have transfer criteria and a GP response window; red ones have neither', () => {
    for (const file of files) {
      const p = raw(file);
      if (p.trafficLight === 'amber') {
        assert.ok(p.transfer, `${file} has no transfer`);
        assert.ok(p.gpResponse, `${file} has no gpResponse`);
      } else {
        assert.equal(p.trafficLight, 'red', file);
        assert.equal(p.transfer, null, `${file} is red but has transfer criteria`);
        assert.equal(p.gpResponse, null, `${file} is red but has a GP response window`);
      }
    }
  });

  test('the biologics are red and the conventional DMARDs amber', () => {
    const light = (id: string) => shippedProtocol(id)?.trafficLight;
    for (const id of ['etanercept-jia', 'adalimumab-jia', 'tocilizumab-pjia', 'tocilizumab-sjia']) {
      assert.equal(light(id), 'red', id);
    }
    for (const id of [
      'methotrexate-oral-jia',
      'methotrexate-subcutaneous-jia',
      'sulfasalazine-jia',
      'hydroxychloroquine-jia',
      'azathioprine-jia',
      'mycophenolate-mofetil-jia',
      'leflunomide-jia',
    ]) {
      assert.equal(light(id), 'amber', id);
    }
  });

  test('methotrexate is dosed once weekly, and by mouth only as 2.5 mg tablets', () => {
    const oral = shippedProtocol('methotrexate-oral-jia');
    assert.ok(oral);
    assert.deepEqual(oral.dosing.frequency, { kind: 'once-weekly' });
    const strengths = oral.medicines.flatMap((m) =>
      m.forms.filter((f) => f.route === 'oral').flatMap((f) => f.strengthsMg.map((s) => s.value)),
    );
    assert.deepEqual(strengths, [2.5]);
    assert.equal(oral.dosing.roundToMg.value, 2.5);

    const injected = shippedProtocol('methotrexate-subcutaneous-jia');
    assert.ok(injected);
    assert.deepEqual(injected.dosing.frequency, { kind: 'once-weekly' });
    assert.deepEqual(injected.dosing.routes, ['subcutaneous']);
  });

  test('the loader returns every file, finds protocols by id, and keeps them read-only', () => {
    const all = loadShippedProtocols();
    assert.equal(all.length, files.length);
    assert.equal(shippedProtocol('azathioprine-jia')?.id, 'azathioprine-jia');
    assert.equal(shippedProtocol('no-such-protocol'), undefined);
    assert.ok(Object.isFrozen(all[0]?.dosing));
  });
});

describe('a protocol file is refused', () => {
  test('when a sourced number is replaced by a bare number', () => {
    const p = methotrexate();
    at(p, 'dosing').rangeMax = 15;
    assert.deepEqual(unsourcedNumbers(p), ['dosing.rangeMax']);
    assert.ok(problemPaths(p).includes('dosing.rangeMax'));
  });

  test('when a bare number is added anywhere, even where the schema would not look', () => {
    const p = methotrexate();
    at(p, 'monitoring').extraWeeks = 4;
    at(p, 'informationSheets', '0').pages = 12;
    (at(p, 'indications') as unknown as Json[]).push(7);
    assert.deepEqual(unsourcedNumbers(p), [
      'indications.5',
      'monitoring.extraWeeks',
      'informationSheets.0.pages',
    ]);
    const paths = problemPaths(p);
    assert.ok(paths.includes('monitoring'), paths.join(', '));
    assert.ok(paths.includes('informationSheets.0'), paths.join(', '));
    assert.ok(paths.includes('indications.5'), paths.join(', '));
  });

  test('when a number is given a value and a flag but no source', () => {
    const p = methotrexate();
    delete at(p, 'dosing', 'rangeMin').source;
    assert.deepEqual(unsourcedNumbers(p), ['dosing.rangeMin.value']);
    assert.deepEqual(problemPaths(p), ['dosing.rangeMin.source']);
  });

  test('when a source is blank', () => {
    const p = methotrexate();
    at(p, 'thresholds', '0', 'rule', 'value').source = '  ';
    assert.deepEqual(unsourcedNumbers(p), ['thresholds.0.rule.value.value']);
    assert.deepEqual(problemPaths(p), ['thresholds.0.rule.value.source']);
  });

  test('when a number does not say whether it is confirmed', () => {
    const p = methotrexate();
    delete at(p, 'monitoring', 'phases', '0', 'intervalDays').confirmed;
    assert.deepEqual(problemPaths(p), ['monitoring.phases.0.intervalDays.confirmed']);
  });

  test('when methotrexate is given a daily frequency', () => {
    const p = methotrexate();
    at(p, 'dosing').frequency = {
      kind: 'daily',
      timesPerDay: { value: 1, source: 'test', confirmed: false },
    };
    assert.deepEqual(problemPaths(p), ['dosing.frequency']);
  });

  test('when the review date is not after the effective date', () => {
    const before = methotrexate();
    before.reviewDate = '2026-11-25';
    assert.deepEqual(problemPaths(before), ['reviewDate']);
    const same = methotrexate();
    same.reviewDate = same.effectiveDate as string;
    assert.deepEqual(problemPaths(same), ['reviewDate']);
  });

  test('when the GP reminder is not before the end of the response window', () => {
    const equal = methotrexate();
    at(equal, 'gpResponse', 'reminderDay').value = 14;
    assert.deepEqual(problemPaths(equal), ['gpResponse.reminderDay.value']);
    const after = methotrexate();
    at(after, 'gpResponse', 'reminderDay').value = 21;
    assert.deepEqual(problemPaths(after), ['gpResponse.reminderDay.value']);
  });

  test('when an amber protocol has no GP response window', () => {
    const p = methotrexate();
    p.gpResponse = null;
    assert.deepEqual(problemPaths(p), ['transfer']);
  });
});

describe('loading a folder of protocol files', () => {
  test('names each bad file and the path of each problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jointly-protocols-'));
    try {
      const good = methotrexate();
      writeFileSync(join(dir, 'methotrexate-oral-jia.json'), JSON.stringify(good));
      const bad = copy(good);
      bad.id = 'bad-dates';
      bad.reviewDate = '2020-01-01';
      writeFileSync(join(dir, 'bad-dates.json'), JSON.stringify(bad));
      const misnamed = copy(good);
      writeFileSync(join(dir, 'misnamed.json'), JSON.stringify(misnamed));
      writeFileSync(join(dir, 'broken.json'), '{ "id": ');
      writeFileSync(join(dir, 'notes.txt'), 'not a protocol');

      assert.throws(
        () => loadProtocolsFrom(dir),
        (error: Error) => {
          assert.match(error.message, /bad-dates\.json:\n {2}reviewDate: /);
          assert.match(error.message, /misnamed\.json:\n {2}id: /);
          assert.match(error.message, /broken\.json:\n {2}\(the whole file\): not valid JSON/);
          assert.doesNotMatch(error.message, /methotrexate-oral-jia\.json/);
          return true;
        },
      );

      for (const f of ['bad-dates.json', 'misnamed.json', 'broken.json']) rmSync(join(dir, f));
      assert.deepEqual(
        loadProtocolsFrom(dir).map((p) => p.id),
        ['methotrexate-oral-jia'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
