import type { Queryable } from '../db/database.ts';

/** Whether the family may see the child's results in plain words; returns whether it changed. */
export async function setResultsReleased(
  tx: Queryable,
  patientId: string,
  released: boolean,
): Promise<boolean> {
  const rows = await tx.query(
    `update patient set results_released_to_family = $2
     where id = $1 and results_released_to_family <> $2 returning id`,
    [patientId, released],
  );
  return rows.length === 1;
}

export async function resultsReleased(q: Queryable, patientId: string): Promise<boolean> {
  const [row] = await q.query<{ released: boolean }>(
    'select results_released_to_family as released from patient where id = $1',
    [patientId],
  );
  return row?.released ?? false;
}
