import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addDays, ageOn, type PlainDate } from '../kernel/dates.ts';
import { checkNhsNumber } from '../kernel/nhs-number.ts';
import { diagnosisCodes } from '../patients/diagnoses.ts';
import { codedConditions } from './conditions.rules.ts';
import type { DemoPatient } from './demo-patient.ts';
import { seededRandom } from './random.rules.ts';
import { newNhsNumbers, syntheticPatients } from './synthetic.rules.ts';

const today = '2026-11-26' as PlainDate;
const conditions = codedConditions(diagnosisCodes);
const namedNhsNumbers = new Set(['9990000018', '9990000026', '9990000034', '9990000042', '9990000050']);
const postcodeShape = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

function children(count: number, seed = 7): DemoPatient[] {
  return syntheticPatients(seededRandom(seed), count, {
    today,
    conditions,
    takenNhsNumbers: namedNhsNumbers,
  });
}

const cohort = children(3000);

describe('synthetic NHS numbers', () => {
  test('are all valid test-range numbers, all different, and never one of the named patients’', () => {
    const numbers = cohort.map((p) => p.nhsNumber);
    for (const n of numbers)
      assert.deepEqual(checkNhsNumber(n, { allowTestRange: true }), { ok: true, nhsNumber: n });
    assert.ok(numbers.every((n) => n.startsWith('999')));
    assert.equal(new Set(numbers).size, numbers.length);
    assert.ok(numbers.every((n) => !namedNhsNumbers.has(n)));
  });

  test('skip every number already taken', () => {
    const taken = new Set(newNhsNumbers(seededRandom(1), 2000, new Set()));
    const more = newNhsNumbers(seededRandom(1), 2000, taken);
    assert.equal(more.filter((n) => taken.has(n)).length, 0);
  });

  test('refuse to run past the room left in the 999 range', () => {
    assert.throws(() => newNhsNumbers(seededRandom(1), 900_000, new Set()), /room/);
  });
});

describe('synthetic children', () => {
  test('are 1 to 17 years old today', () => {
    for (const child of cohort) {
      const { years } = ageOn(child.dateOfBirth, today);
      assert.ok(years >= 1 && years <= 17, `${child.dateOfBirth} is ${years} years old`);
    }
  });

  test('have symptoms before referral, referral before the first visit, diagnosis after it, all by today', () => {
    for (const c of cohort) {
      assert.ok(c.dateOfBirth < c.symptomOnsetDate, `born ${c.dateOfBirth}, onset ${c.symptomOnsetDate}`);
      assert.ok(c.symptomOnsetDate <= c.referralReceivedDate);
      assert.ok(c.referralReceivedDate <= c.firstSeenDate);
      assert.ok(c.firstSeenDate <= c.diagnosisDate && c.diagnosisDate <= today);
    }
  });

  test('live at postcodes of the right shape', () => {
    for (const child of cohort) assert.match(child.postcode, postcodeShape);
  });

  test('the same seed gives the same children, another seed others', () => {
    assert.deepEqual(children(50, 99), children(50, 99));
    assert.notDeepEqual(children(50, 99), children(50, 100));
  });

  test('are mostly girls, as in juvenile arthritis, and mostly have JIA', () => {
    const girls = cohort.filter((c) => c.sex === 'female').length / cohort.length;
    assert.ok(girls > 0.6 && girls < 0.8, `girls ${girls}`);
    const jiaCodes = new Set(
      diagnosisCodes.filter((d) => d.group === 'Juvenile idiopathic arthritis').map((d) => d.code),
    );
    const jia = cohort.filter((c) => jiaCodes.has(c.diagnoses[0]!.code)).length / cohort.length;
    assert.ok(jia > 0.55 && jia < 0.85, `JIA ${jia}`);
  });

  test('carry only diagnosis codes from Jointly’s coded list', () => {
    const known = new Set(diagnosisCodes.map((d) => d.code));
    for (const child of cohort) {
      assert.equal(child.diagnoses.length, 1);
      assert.ok(known.has(child.diagnoses[0]!.code));
    }
  });
});

describe('synthetic growth records', () => {
  test('have 2 to 6 measurements on different days from the first visit to today', () => {
    for (const c of cohort) {
      const days = c.growth.map((g) => g.measuredOn);
      assert.ok(days.length >= 2 && days.length <= 6, `${days.length} measurements`);
      assert.equal(new Set(days).size, days.length);
      assert.ok(days.every((d) => d >= c.firstSeenDate && d <= today));
    }
  });

  test('stay within what the database accepts and what a child could measure', () => {
    for (const c of cohort) {
      for (const g of c.growth) {
        assert.ok(g.heightCm >= 60 && g.heightCm <= 200, `height ${g.heightCm}`);
        assert.ok(g.weightKg >= 5 && g.weightKg <= 130, `weight ${g.weightKg}`);
        const bmi = g.weightKg / (g.heightCm / 100) ** 2;
        assert.ok(bmi > 10 && bmi < 35, `BMI ${bmi}`);
      }
    }
  });

  test('a child grows between visits, give or take the measuring', () => {
    for (const c of cohort) {
      const first = c.growth[0]!;
      const last = c.growth.at(-1)!;
      assert.ok(last.heightCm >= first.heightCm - 2, `${first.heightCm} then ${last.heightCm}`);
    }
  });
});

describe('synthetic care teams', () => {
  test('always include the specialist centre and the registered practice, from the first visit', () => {
    for (const c of cohort) {
      const centre = c.careTeam.find((m) => m.organisationCode === 'SC001');
      assert.ok(centre && ['lead_consultant', 'specialist_team'].includes(centre.role));
      assert.equal(centre.startDate, c.firstSeenDate);
      const practice = c.careTeam.find(
        (m) => m.organisationCode === c.registeredPracticeCode && m.endDate === null,
      );
      assert.equal(practice?.role, 'gp_practice');
    }
  });

  test('a child who moved practice has the old practice end the day before the new one starts', () => {
    const movers = cohort.filter((c) =>
      c.careTeam.some((m) => m.role === 'gp_practice' && m.endDate !== null),
    );
    assert.ok(movers.length > 20 && movers.length < 300, `${movers.length} moved`);
    for (const c of movers) {
      const [old, current] = c.careTeam.filter((m) => m.role === 'gp_practice');
      assert.notEqual(old!.organisationCode, current!.organisationCode);
      assert.equal(current!.organisationCode, c.registeredPracticeCode);
      assert.equal(old!.endDate, addDays(current!.startDate, -1));
    }
  });

  test('about three in ten share care with a local paediatrician and a quarter see the physiotherapists', () => {
    const share = (role: string) =>
      cohort.filter((c) => c.careTeam.some((m) => m.role === role)).length / cohort.length;
    assert.ok(Math.abs(share('local_paediatrician') - 0.3) < 0.05);
    assert.ok(Math.abs(share('physiotherapist') - 0.25) < 0.05);
  });

  test('no one joins a care team after today or leaves before they joined', () => {
    for (const c of cohort) {
      for (const m of c.careTeam) {
        assert.ok(m.startDate <= today);
        assert.ok(m.endDate === null || m.endDate >= m.startDate);
      }
    }
  });
});
