import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { Analyte } from '../protocols/protocol.schema.ts';
import type { ResultSource } from './result-input.rules.ts';
import type { Finding, ResultOutcome } from './thresholds.rules.ts';

/** A result as stored: Jointly's unit, what was reported, the range used and what the rules made of it. */
export interface StoredResult {
  id: string;
  patientId: string;
  analyte: Analyte;
  value: number;
  unit: string;
  reportedValue: number;
  reportedUnit: string;
  rangeLow: number | null;
  rangeHigh: number | null;
  rangeSource: 'laboratory' | 'paediatric-table' | null;
  specimenDate: PlainDate;
  outcome: ResultOutcome;
  findings: Finding[];
  source: ResultSource;
  enteredByName: string | null;
  enteredVia: string | null;
  externalId: string | null;
  recordedAt: Date;
}

export type NewResult = Omit<StoredResult, 'id' | 'enteredByName' | 'recordedAt'> & {
  enteredBy: string | null;
  enteredByOrganisationId: string | null;
};

const columns = `r.id, r.patient_id as "patientId", r.analyte, r.value::float8 as value, r.unit,
  r.reported_value::float8 as "reportedValue", r.reported_unit as "reportedUnit",
  r.range_low::float8 as "rangeLow", r.range_high::float8 as "rangeHigh", r.range_source as "rangeSource",
  r.specimen_date as "specimenDate", r.outcome, r.findings, r.source, u.display_name as "enteredByName",
  r.entered_via as "enteredVia", r.external_id as "externalId", r.recorded_at as "recordedAt"`;

/** Stores results in one statement; returns their ids in the order given. */
export async function insertResults(tx: Queryable, results: readonly NewResult[]): Promise<string[]> {
  if (results.length === 0) return [];
  const rows = await tx.query<{ id: string; ord: number }>(
    `insert into lab_result (patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high,
       range_source, specimen_date, outcome, findings, source, entered_by, entered_by_organisation_id, entered_via,
       external_id)
     select patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high, range_source,
       specimen_date, outcome, findings, source, entered_by, entered_by_organisation_id, entered_via, external_id
     from unnest($1::uuid[], $2::text[], $3::numeric[], $4::text[], $5::numeric[], $6::text[], $7::numeric[],
       $8::numeric[], $9::text[], $10::date[], $11::text[], $12::jsonb[], $13::text[], $14::uuid[], $15::uuid[],
       $16::text[], $17::text[]) with ordinality
       as t(patient_id, analyte, value, unit, reported_value, reported_unit, range_low, range_high, range_source,
         specimen_date, outcome, findings, source, entered_by, entered_by_organisation_id, entered_via, external_id,
         ord)
     order by ord
     returning id`,
    [
      results.map((r) => r.patientId),
      results.map((r) => r.analyte),
      results.map((r) => r.value),
      results.map((r) => r.unit),
      results.map((r) => r.reportedValue),
      results.map((r) => r.reportedUnit),
      results.map((r) => r.rangeLow),
      results.map((r) => r.rangeHigh),
      results.map((r) => r.rangeSource),
      results.map((r) => r.specimenDate),
      results.map((r) => r.outcome),
      results.map((r) => JSON.stringify(r.findings)),
      results.map((r) => r.source),
      results.map((r) => r.enteredBy),
      results.map((r) => r.enteredByOrganisationId),
      results.map((r) => r.enteredVia),
      results.map((r) => r.externalId),
    ],
  );
  return rows.map((r) => r.id);
}

/** A result stored before under a sender's identifier: enough to tell a resend from a different result. */
export interface KnownResult {
  id: string;
  patientId: string;
  analyte: Analyte;
  value: number;
  specimenDate: PlainDate;
}

/** The sender's identifiers already stored, so a result sent twice is stored once. */
export async function resultsAlreadyStored(
  q: Queryable,
  source: ResultSource,
  externalIds: readonly string[],
): Promise<Map<string, KnownResult>> {
  if (externalIds.length === 0) return new Map();
  const rows = await q.query<KnownResult & { externalId: string }>(
    `select id, patient_id as "patientId", analyte, value::float8 as value, specimen_date as "specimenDate",
       external_id as "externalId"
     from lab_result where source = $1 and external_id = any($2::text[])`,
    [source, externalIds],
  );
  return new Map(rows.map(({ externalId, ...r }) => [externalId, r]));
}

/** The child's earlier values of these analytes, for baselines and trends. */
export async function earlierValues(
  q: Queryable,
  patientId: string,
  analytes: readonly Analyte[],
): Promise<{ analyte: Analyte; value: number; specimenDate: PlainDate }[]> {
  return q.query(
    `select analyte, value::float8 as value, specimen_date as "specimenDate" from lab_result
     where patient_id = $1 and analyte = any($2::text[])`,
    [patientId, analytes],
  );
}

export async function resultsForPatient(
  q: Queryable,
  patientId: string,
  options: { analyte?: Analyte; limit?: number } = {},
): Promise<StoredResult[]> {
  return q.query<StoredResult>(
    `select ${columns} from lab_result r left join app_user u on u.id = r.entered_by
     where r.patient_id = $1 and ($2::text is null or r.analyte = $2)
     order by r.specimen_date desc, r.recorded_at desc limit $3`,
    [patientId, options.analyte ?? null, options.limit ?? 1000],
  );
}

export async function findResults(q: Queryable, ids: readonly string[]): Promise<StoredResult[]> {
  return q.query<StoredResult>(
    `select ${columns} from lab_result r left join app_user u on u.id = r.entered_by
     where r.id = any($1::uuid[]) order by r.specimen_date, r.analyte`,
    [ids],
  );
}

/** When each analyte was last taken (specimens are never dated in the future), for the monitoring schedule. */
export async function specimenDates(
  q: Queryable,
  patientId: string,
): Promise<{ analyte: Analyte; specimenDate: PlainDate }[]> {
  return q.query(
    `select analyte, max(specimen_date) as "specimenDate" from lab_result where patient_id = $1 group by analyte`,
    [patientId],
  );
}
