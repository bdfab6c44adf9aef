import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { bodySurfaceArea, bsaOn, type GrowthMeasurement, parseGrowthInput } from './growth.rules.ts';

const measured = (measuredOn: string, heightCm: number, weightKg: number): GrowthMeasurement => ({
  measuredOn: measuredOn as PlainDate,
  heightCm,
  weightKg,
});

describe('body surface area (Mosteller)', () => {
  test('a child of 140 cm and 35 kg has a BSA of 1.17 m²', () => {
    // sqrt(140 × 35 / 3600) = sqrt(1.3611) = 1.1667
    assert.equal(bodySurfaceArea(140, 35), 1.17);
  });

  test('a child of 100 cm and 16 kg has a BSA of 0.67 m²', () => {
    // sqrt(100 × 16 / 3600) = sqrt(0.4444) = 0.6667
    assert.equal(bodySurfaceArea(100, 16), 0.67);
  });

  test('an adult-sized teenager of 180 cm and 80 kg has a BSA of 2.00 m²', () => {
    assert.equal(bodySurfaceArea(180, 80), 2);
  });
});

describe('BSA on a date', () => {
  const history = [
    measured('2026-03-01', 100, 16),
    measured('2026-09-01', 140, 35),
    measured('2026-06-01', 120, 25),
  ];

  test('uses the latest measurement on or before the date, whatever order they were recorded in', () => {
    assert.deepEqual(bsaOn(history, '2026-10-01' as PlainDate), {
      squareMetres: 1.17,
      measuredOn: '2026-09-01',
      ageInDays: 30,
    });
  });

  test('a measurement taken on the day itself counts, and is 0 days old', () => {
    assert.deepEqual(bsaOn(history, '2026-06-01' as PlainDate), {
      squareMetres: 0.91,
      measuredOn: '2026-06-01',
      ageInDays: 0,
    });
  });

  test('ignores measurements taken after the date', () => {
    assert.equal(bsaOn(history, '2026-05-31' as PlainDate)?.measuredOn, '2026-03-01');
  });

  test('there is no BSA before the first measurement', () => {
    assert.equal(bsaOn(history, '2026-02-28' as PlainDate), undefined);
    assert.equal(bsaOn([], '2026-02-28' as PlainDate), undefined);
  });
});

describe('recording a measurement', () => {
  const context = { today: '2026-11-26' as PlainDate, dateOfBirth: '2016-04-12' as PlainDate };

  function problems(input: Record<string, unknown>): Record<string, string> {
    try {
      parseGrowthInput(input, context);
    } catch (error) {
      assert.ok(error instanceof JointlyError);
      return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
    }
    assert.fail('expected the measurement to be refused');
  }

  test('numbers typed into a form are read as numbers and rounded to what the record holds', () => {
    assert.deepEqual(
      parseGrowthInput({ measuredOn: '2026-11-20', weightKg: ' 32.456 ', heightCm: '141.44' }, context),
      {
        measuredOn: '2026-11-20',
        weightKg: 32.46,
        heightCm: 141.4,
      },
    );
  });

  test('a weight outside 0.5 to 250 kg, or not a number, is refused naming the weight', () => {
    assert.equal(
      problems({ measuredOn: '2026-11-20', weightKg: '0.4', heightCm: '140' }).weightKg,
      'Weight must be at least 0.5 and less than 250 kg',
    );
    assert.equal(
      problems({ measuredOn: '2026-11-20', weightKg: 250, heightCm: '140' }).weightKg,
      'Weight must be at least 0.5 and less than 250 kg',
    );
    assert.equal(
      problems({ measuredOn: '2026-11-20', weightKg: '35kg', heightCm: '140' }).weightKg,
      'Weight must be a number, like 32.5',
    );
  });

  test('a height outside 30 to 230 cm is refused, including one that only rounds up to 230', () => {
    assert.match(
      problems({ measuredOn: '2026-11-20', weightKg: 35, heightCm: 229.96 }).heightCm!,
      /less than 230 cm/,
    );
    assert.match(problems({ measuredOn: '2026-11-20', weightKg: 35, heightCm: 29 }).heightCm!, /at least 30/);
  });

  test('a date in the future, before birth or missing is refused', () => {
    assert.equal(
      problems({ measuredOn: '2026-11-27', weightKg: 35, heightCm: 140 }).measuredOn,
      'Date measured cannot be in the future',
    );
    assert.equal(
      problems({ measuredOn: '2016-04-11', weightKg: 35, heightCm: 140 }).measuredOn,
      'Date measured cannot be before the date of birth',
    );
    assert.equal(
      problems({ weightKg: 35, heightCm: 140 }).measuredOn,
      'Enter the date the child was measured',
    );
  });

  test('missing weight and height are each asked for', () => {
    const found = problems({ measuredOn: '2026-11-20', weightKg: '', heightCm: '' });
    assert.equal(found.weightKg, 'Enter the weight in kilograms');
    assert.equal(found.heightCm, 'Enter the height in centimetres');
  });
});
