import type { Queryable } from '../db/database.ts';
import { listingColumns, listingOrder, type PatientListing } from './patients.store.ts';
import { escapeLike, type SearchCriteria } from './search.rules.ts';

/** A SQL condition on `patient p` with its parameters, numbered from $1 (visibility comes first). */
export interface Condition {
  sql: string;
  params: unknown[];
}

const fromPatients = 'from patient p left join organisation o on o.id = p.registered_practice_id';

/**
 * One page of the patients the condition lets the viewer see, by family name, and whether another page
 * follows. There is no total: counting every visible patient would read them all, on every page.
 */
export async function listPatientsPage(
  db: Queryable,
  visible: Condition,
  page: { number: number; size: number },
): Promise<{ patients: PatientListing[]; hasNextPage: boolean }> {
  const next = visible.params.length + 1;
  const rows = await db.query<PatientListing>(
    `select ${listingColumns} ${fromPatients} where ${visible.sql}
     order by ${listingOrder} limit $${next} offset $${next + 1}`,
    [...visible.params, page.size + 1, (page.number - 1) * page.size],
  );
  return { patients: rows.slice(0, page.size), hasNextPage: rows.length > page.size };
}

/**
 * The patients matching every criterion given, among those the viewer may see, up to `limit`.
 * Each criterion is written so that its index can serve it: the unique NHS number, the date of birth,
 * and `lower(family_name) text_pattern_ops` for a name's start.
 */
export async function searchPatients(
  db: Queryable,
  visible: Condition,
  criteria: SearchCriteria,
  limit: number,
): Promise<PatientListing[]> {
  const params = [...visible.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (criteria.nhsNumber) conditions.push(`p.nhs_number = ${param(criteria.nhsNumber)}`);
  if (criteria.dateOfBirth) conditions.push(`p.date_of_birth = ${param(criteria.dateOfBirth)}::date`);
  if (criteria.names?.length) {
    const readings = criteria.names.map((name) => {
      const family = `lower(p.family_name) like lower(${param(escapeLike(name.familyPrefix))}) || '%'`;
      if (!name.givenPrefix) return family;
      return `(${family} and lower(p.given_name) like lower(${param(escapeLike(name.givenPrefix))}) || '%')`;
    });
    conditions.push(`(${readings.join(' or ')})`);
  }
  return db.query<PatientListing>(
    `select ${listingColumns} ${fromPatients}
     where ${[...conditions, visible.sql].join(' and ')}
     order by ${listingOrder} limit ${param(limit)}`,
    params,
  );
}
