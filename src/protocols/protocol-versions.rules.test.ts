import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareVersions,
  protocolDifferences,
  suggestNextVersion,
  versionNumberProblem,
} from './protocol-versions.rules.ts';

describe('protocol version numbers', () => {
  test('compare part by part as numbers, so 1.10 is after 1.9', () => {
    assert.ok(compareVersions('1.10', '1.9') > 0);
    assert.ok(compareVersions('1.0', '2.0') < 0);
    assert.equal(compareVersions('1.1', '1.1.0'), 0);
  });

  test('the suggested next number follows the highest so far', () => {
    assert.equal(suggestNextVersion(['1.0', '1.9', '1.10']), '1.11');
    assert.equal(suggestNextVersion([]), '1.0');
  });

  test('a new version must be new and higher than every earlier one', () => {
    assert.equal(versionNumberProblem('mtx', '1.1', ['1.0']), undefined);
    assert.equal(versionNumberProblem('mtx', '1.0', ['1.0'])?.kind, 'taken');
    assert.match(
      versionNumberProblem('mtx', '1.0.0', ['1.0'])?.message ?? '',
      /already exists.*such as 1\.1/,
    );
    const lower = versionNumberProblem('mtx', '1.1', ['1.0', '2.0']);
    assert.equal(lower?.kind, 'lower');
    assert.match(lower?.message ?? '', /lower than version 2\.0 of mtx.*such as 2\.1/);
  });
});

describe('what changed between two versions', () => {
  test('lists each changed value by path, leaving out the version number', () => {
    const before = {
      version: '1.0',
      dosing: { rangeMax: { value: 15, source: 'A', confirmed: true } },
      notes: ['x'],
    };
    const after = {
      version: '1.1',
      dosing: { rangeMax: { value: 18, source: 'B', confirmed: true } },
      notes: ['x', 'y'],
    };
    assert.deepEqual(protocolDifferences(before, after), [
      { path: 'dosing.rangeMax.value', before: '15', after: '18' },
      { path: 'dosing.rangeMax.source', before: 'A', after: 'B' },
      { path: 'notes.1', before: '(not there)', after: 'y' },
    ]);
    assert.deepEqual(protocolDifferences(before, before), []);
  });
});
