import { z } from 'zod';
import { type Asker, authorisePatientChange } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../kernel/errors.ts';
import { setResultsReleased } from './release.store.ts';

export const releaseInput = z.object({
  released: z
    .union([z.boolean(), z.enum(['yes', 'no'])], {
      message: 'Choose whether the family may see results: yes or no',
    })
    .transform((v) => v === true || v === 'yes')
    .describe('true (or "yes") to let the family see results in plain words; false (or "no") to stop'),
});

/**
 * The specialist team lets the family see the child's results in plain words, or stops them. The change and
 * its audit entry are one transaction (asking for what is already so changes nothing, and is audited as such).
 */
export async function releaseResultsToFamily(
  db: Database,
  asker: Asker,
  patientId: string,
  input: unknown,
): Promise<{ released: boolean; changed: boolean }> {
  const change = await authorisePatientChange(
    db,
    asker,
    patientId,
    'release-results',
    'release results to family',
  );
  const { released } = parseInput(releaseInput, input);
  return db.transaction(async (tx) => {
    const changed = await setResultsReleased(tx, patientId, released);
    await change.audit(tx, { released, changed });
    return { released, changed };
  });
}
