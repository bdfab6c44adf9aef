import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kindChangeProblem, newOrganisationSchema, organisationChangeSchema } from './organisations.rules.ts';

describe('a new organisation', () => {
  test('takes an ODS-style code in any case and stores it in capitals', () => {
    const parsed = newOrganisationSchema.parse({
      code: ' a81001 ',
      name: 'Riverside Surgery',
      kind: 'gp_practice',
    });
    assert.equal(parsed.code, 'A81001');
  });

  for (const code of ['AB', 'A81-001', 'ABCDEFGHIJK', 'GP 01']) {
    test(`refuses the code "${code}", naming the code field`, () => {
      const result = newOrganisationSchema.safeParse({
        code,
        name: 'Riverside Surgery',
        kind: 'gp_practice',
      });
      assert.equal(result.success, false);
      assert.deepEqual(
        result.error?.issues.map((i) => i.path[0]),
        ['code'],
      );
      assert.match(result.error!.issues[0]!.message, /3 to 10 letters or digits/);
    });
  }

  test('needs a name and one of the five kinds', () => {
    const result = newOrganisationSchema.safeParse({ code: 'GP009', name: '  ', kind: 'pharmacy' });
    assert.deepEqual(
      result.error?.issues.map((i) => [i.path[0], i.message]),
      [
        ['name', 'Enter the organisation’s name'],
        ['kind', 'Choose what kind of organisation this is'],
      ],
    );
  });

  test('a change carries a name and kind only, never a code', () => {
    const parsed = organisationChangeSchema.parse({ code: 'NEW01', name: 'Riverside Health Centre' });
    assert.deepEqual(parsed, { name: 'Riverside Health Centre' });
  });
});

describe('changing the kind of an organisation', () => {
  test('is allowed when every role its people hold suits the new kind', () => {
    assert.equal(
      kindChangeProblem('other_service', ['allied_health_professional', 'local_paediatrician']),
      undefined,
    );
  });

  test('is refused when a local hospital’s paediatricians would find themselves in a specialist centre', () => {
    const problem = kindChangeProblem('specialist_centre', ['local_paediatrician', 'nurse_specialist']);
    assert.match(problem ?? '', /cannot have the roles its people hold \(local paediatrician\)/);
  });

  test('is refused for a GP practice with GPs becoming a local hospital, naming the role once', () => {
    assert.match(
      kindChangeProblem('local_hospital', ['gp', 'gp', 'practice_nurse']) ?? '',
      /\(gp, practice nurse\)/,
    );
  });

  test('is allowed for an organisation nobody works for yet', () => {
    assert.equal(kindChangeProblem('gp_practice', []), undefined);
  });
});
