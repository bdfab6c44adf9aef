import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DiagnosisCode } from '../patients/diagnoses.ts';
import { codedConditions, conditionNamed, onsetAge } from './conditions.rules.ts';
import { seededRandom } from './random.rules.ts';

const code = (
  c: string,
  term: string,
  group: DiagnosisCode['group'],
  extra: Partial<DiagnosisCode> = {},
) => ({
  code: c,
  term,
  group,
  source: 'test',
  confirmed: true,
  ...extra,
});
const generalJia = code('410502007', 'Juvenile idiopathic arthritis', 'Juvenile idiopathic arthritis');
const oligoarthritis = code(
  '410798004',
  'Juvenile idiopathic arthritis, oligoarthritis',
  'Juvenile idiopathic arthritis',
);
const rfNegative = code('410797009', 'Juvenile seronegative polyarthritis', 'Juvenile idiopathic arthritis', {
  ilarCategory: 'Polyarthritis, RF negative',
});
const henoch = code('191306005', 'Henoch-Schönlein purpura', 'Vasculitis');
const takayasu = code('359789008', "Takayasu's disease", 'Vasculitis');

describe('matching conditions to diagnosis codes', () => {
  const conditions = codedConditions([generalJia, oligoarthritis, rfNegative, henoch, takayasu]);

  test('a JIA category takes the code listed for it', () => {
    assert.deepEqual(conditionNamed(conditions, 'Polyarthritis, RF negative')?.codes, ['410797009']);
  });

  test('both kinds of oligoarthritis take the oligoarthritis code, their common parent', () => {
    assert.deepEqual(conditionNamed(conditions, 'Oligoarthritis, persistent')?.codes, ['410798004']);
    assert.deepEqual(conditionNamed(conditions, 'Oligoarthritis, extended')?.codes, ['410798004']);
  });

  test('a JIA category with no code of its own yet takes the general JIA code', () => {
    assert.deepEqual(conditionNamed(conditions, 'Enthesitis-related arthritis')?.codes, ['410502007']);
  });

  test('IgA vasculitis is found by its older name, and the rarer vasculitides share what is left', () => {
    assert.deepEqual(conditionNamed(conditions, 'IgA vasculitis')?.codes, ['191306005']);
    assert.deepEqual(conditionNamed(conditions, 'Other vasculitis')?.codes, ['359789008']);
  });

  test('conditions the list has no code for are left out rather than given a made-up one', () => {
    assert.equal(conditionNamed(conditions, 'Systemic lupus erythematosus'), undefined);
    assert.equal(conditionNamed(conditions, 'Kawasaki disease'), undefined);
  });
});

describe('age at onset', () => {
  test('oligoarthritis starts in the toddler years, enthesitis-related arthritis in adolescence', () => {
    const all = codedConditions([generalJia, oligoarthritis]);
    const mean = (name: string) => {
      const random = seededRandom(3);
      const profile = conditionNamed(all, name)!.profile;
      const ages = Array.from({ length: 2000 }, () => onsetAge(random, profile));
      assert.ok(ages.every((a) => a >= profile.youngest && a <= profile.oldest));
      return ages.reduce((s, a) => s + a, 0) / ages.length;
    };
    assert.ok(mean('Oligoarthritis, persistent') < 5);
    assert.ok(mean('Enthesitis-related arthritis') > 10);
  });
});
