import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { medianBmi, medianHeightCm } from './growth-curve.rules.ts';

describe('growth curve approximation', () => {
  test('is close to the UK 50th centiles at a few ages', () => {
    assert.ok(Math.abs(medianHeightCm('female', 10) - 138) < 4);
    assert.ok(Math.abs(medianHeightCm('male', 15) - 170) < 4);
    assert.ok(Math.abs(medianHeightCm('male', 1) - 75) < 2);
    assert.ok(medianBmi(5) > 15 && medianBmi(5) < 16.5);
  });

  test('never shrinks with age', () => {
    for (const sex of ['female', 'male'] as const) {
      for (let age = 0; age < 18; age += 0.25)
        assert.ok(medianHeightCm(sex, age + 0.25) >= medianHeightCm(sex, age));
    }
  });
});
