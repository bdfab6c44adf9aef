import { mayDeclareBreakGlass } from '../access/access.rules.ts';
import type { Asker } from '../access/patient-access.ts';
import { visiblePatientCondition } from '../access/visibility.ts';
import { recordAudit } from '../audit/audit.store.ts';
import type { Database } from '../db/database.ts';
import { listPatientsPage, searchPatients } from './patient-lists.store.ts';
import { findByNhsNumber, type PatientListing } from './patients.store.ts';
import { criteriaUsed, PAGE_SIZE, SEARCH_LIMIT, type SearchCriteria } from './search.rules.ts';

export interface PatientsPage {
  patients: PatientListing[];
  page: number;
  hasNextPage: boolean;
}

export interface SearchOutcome {
  patients: PatientListing[];
  /** More patients matched than are shown: the person should narrow the search. */
  more: boolean;
  /**
   * A patient with the NHS number searched for exists, but the viewer has no relationship with them.
   * Only the id is given (for the break-glass link), never who they are.
   */
  existsWithoutRelationship?: { patientId: string };
}

/** Lists and searches are audited as one entry each: what was looked for (by kind) and which patients were shown. */
async function auditListing(
  db: Database,
  asker: Asker,
  action: string,
  details: Record<string, unknown>,
  patientId: string | null = null,
): Promise<void> {
  const first = asker.viewer.memberships[0];
  await recordAudit(db, {
    userId: asker.viewer.id,
    userEmail: asker.viewer.email,
    role: first?.role ?? null,
    organisationId: first?.organisationId ?? null,
    patientId,
    action,
    outcome: 'allowed',
    relationship: null,
    breakGlassReason: null,
    details,
    occurredAt: asker.now,
  });
}

/** One page of the patients this person may see, by family name. */
export async function listPatients(db: Database, asker: Asker, page: number): Promise<PatientsPage> {
  const visible = visiblePatientCondition(asker.viewer, asker, 1);
  const { patients, hasNextPage } = await listPatientsPage(db, visible, { number: page, size: PAGE_SIZE });
  await auditListing(db, asker, 'list patients', {
    page,
    count: patients.length,
    patientIds: patients.map((p) => p.id),
  });
  return { patients, page, hasNextPage };
}

/**
 * Finds patients among those this person may see. When a clinician who could declare break-glass access
 * searches by NHS number and finds no one, they are told whether the patient exists (but not who).
 */
export async function findPatients(
  db: Database,
  asker: Asker,
  criteria: SearchCriteria,
): Promise<SearchOutcome> {
  const visible = visiblePatientCondition(asker.viewer, asker, 1);
  const found = await searchPatients(db, visible, criteria, SEARCH_LIMIT + 1);
  const patients = found.slice(0, SEARCH_LIMIT);
  const outcome: SearchOutcome = { patients, more: found.length > SEARCH_LIMIT };
  if (patients.length === 0 && criteria.nhsNumber && mayDeclareBreakGlass(asker.viewer)) {
    const match = await findByNhsNumber(db, criteria.nhsNumber, visible);
    if (match && !match.visible) outcome.existsWithoutRelationship = { patientId: match.id };
  }
  const hidden = outcome.existsWithoutRelationship?.patientId ?? null;
  await auditListing(
    db,
    asker,
    'search patients',
    {
      criteria: criteriaUsed(criteria),
      count: patients.length,
      more: outcome.more,
      patientIds: patients.map((p) => p.id),
      ...(hidden ? { existsWithoutRelationship: true } : {}),
    },
    hidden,
  );
  return outcome;
}
