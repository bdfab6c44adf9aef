import { type Asker, checkPatientAccess, type PatientAccess } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import { JointlyError } from '../kernel/errors.ts';
import { currentOrdersForPatient, type MedicationOrderRecord } from '../medicines/orders.store.ts';
import { listDiagnoses, listGrowth } from '../patients/clinical.store.ts';
import { describeDiagnosis, type RecordedDiagnosis } from '../patients/diagnosis.rules.ts';
import { type BsaOnDate, bsaOn, type GrowthMeasurement } from '../patients/growth.rules.ts';
import { findPatient, type PatientRecord } from '../patients/patients.store.ts';
import { findProtocolVersion, type ProtocolVersionRecord } from '../protocols/protocols.store.ts';
import { type AgreementParty, closedStates, prescriber, stepsOpenTo } from './agreement.rules.ts';
import { proposedTransferDate, type ResponseClockView, responseClockView } from './agreement-dates.rules.ts';
import { isSpecialistTeam, partyOf } from './agreement-parties.rules.ts';
import { type PersonStep, personSteps } from './agreement-steps.rules.ts';
import {
  type AgreementRecord,
  agreementsForPatient,
  agreementTimeline,
  findAgreement,
  type TimelineEntry,
} from './agreements.store.ts';
import { factsOf, medicineOf } from './agreements.ts';

/** What the staff taking part need to know about the child on the same page as the request. */
export interface ClinicalSummary {
  diagnoses: RecordedDiagnosis[];
  latestGrowth: GrowthMeasurement | undefined;
  bsa: BsaOnDate | undefined;
  currentMedicines: MedicationOrderRecord[];
}

/** Everything the agreement page and its API show, for the person looking. */
export interface AgreementView {
  access: PatientAccess;
  patient: PatientRecord;
  agreement: AgreementRecord;
  version: ProtocolVersionRecord;
  medicine: string;
  /** The current orders made under this agreement: the dose as it stands. */
  orders: MedicationOrderRecord[];
  timeline: TimelineEntry[];
  /** The viewer's part in the agreement; null when they only read it (another practice's GP cannot get here). */
  party: AgreementParty | null;
  stepsOpen: PersonStep[];
  clock: ResponseClockView | undefined;
  prescriber: 'gp-practice' | 'specialist-team';
  /** The transfer date offered to the GP practice when it accepts. */
  proposedTransferDate: PlainDate | null;
  clinical: ClinicalSummary | null;
}

export async function loadAgreementView(
  db: Database,
  asker: Asker,
  patientId: string,
  agreementId: string,
  auditAction = 'view shared care agreement',
): Promise<AgreementView> {
  const access = await checkPatientAccess(db, asker, patientId, 'read', auditAction, { agreementId });
  const agreement = await findAgreement(db, agreementId);
  if (!agreement || agreement.patientId !== patientId) {
    throw new JointlyError('NOT_FOUND', 'This child has no such shared care agreement.');
  }
  const [patient, version, timeline, currentOrders] = await Promise.all([
    findPatient(db, patientId),
    findProtocolVersion(db, agreement.protocolVersionId),
    agreementTimeline(db, agreementId),
    currentOrdersForPatient(db, patientId, asker.today),
  ]);
  if (!patient || !version)
    throw new JointlyError('NOT_FOUND', 'This child has no such shared care agreement.');
  const decided = partyOf(access, asker.viewer.memberships, agreement);
  const party = decided.ok ? decided.party : null;
  const facts = factsOf(agreement);
  const stepsOpen = party
    ? stepsOpenTo(facts, party).filter(
        (kind): kind is PersonStep =>
          (personSteps as readonly string[]).includes(kind) &&
          (kind !== 'activate' || (agreement.transferDate ?? '') <= asker.today),
      )
    : [];
  const orders = currentOrders.filter((o) => o.agreementId === agreementId);
  const firstOrder = orders[0];
  return {
    access,
    patient,
    agreement,
    version,
    medicine: medicineOf(version),
    orders,
    timeline,
    party,
    stepsOpen,
    clock: responseClockView(agreement, asker.today),
    prescriber: prescriber(agreement.state),
    proposedTransferDate:
      stepsOpen.includes('accept') && firstOrder
        ? proposedTransferDate(firstOrder.startDate, version.protocol.transfer, asker.today)
        : null,
    clinical:
      party === 'specialist-team' || party === 'gp-practice'
        ? await clinicalSummary(db, patientId, asker.today, currentOrders)
        : null,
  };
}

async function clinicalSummary(
  db: Database,
  patientId: string,
  today: PlainDate,
  currentMedicines: MedicationOrderRecord[],
): Promise<ClinicalSummary> {
  const [diagnoses, growth] = await Promise.all([listDiagnoses(db, patientId), listGrowth(db, patientId)]);
  return {
    diagnoses: diagnoses.map((d) => describeDiagnosis(d.snomedCode, d.diagnosedOn)),
    latestGrowth: growth.at(-1),
    bsa: bsaOn(growth, today),
    currentMedicines,
  };
}

/** A current medicine the specialist team could ask the GP practice to share care for. */
export interface ShareableOrder {
  id: string;
  description: string;
  protocolTitle: string;
}

export interface PatientAgreements {
  access: PatientAccess;
  patient: PatientRecord;
  agreements: (AgreementRecord & { medicine: string; clock: ResponseClockView | undefined })[];
  /** Only for the specialist team: current amber medicines with no open agreement. */
  shareable: ShareableOrder[];
  mayStart: boolean;
}

/** The child's agreements, and for the specialist team the medicines they could start one for. */
export async function loadPatientAgreements(
  db: Database,
  asker: Asker,
  patientId: string,
): Promise<PatientAgreements> {
  const access = await checkPatientAccess(db, asker, patientId, 'read', 'view shared care agreements');
  const [patient, agreements, orders] = await Promise.all([
    findPatient(db, patientId),
    agreementsForPatient(db, patientId),
    currentOrdersForPatient(db, patientId, asker.today),
  ]);
  if (!patient) throw new JointlyError('NOT_FOUND', 'There is no patient with that identifier.');
  const versionIds = [
    ...new Set([...agreements.map((a) => a.protocolVersionId), ...orders.map((o) => o.protocolVersionId)]),
  ];
  const versions = new Map(
    (await Promise.all(versionIds.map((id) => findProtocolVersion(db, id)))).flatMap((v) =>
      v ? [[v.id, v]] : [],
    ),
  );
  const mayStart = isSpecialistTeam(access, asker.viewer.memberships);
  const open = new Set(agreements.filter((a) => !closedStates.includes(a.state)).map((a) => a.id));
  const shareable = mayStart
    ? orders.flatMap((o) => {
        const version = versions.get(o.protocolVersionId);
        if (version?.trafficLight !== 'amber' || (o.agreementId && open.has(o.agreementId))) return [];
        return [{ id: o.id, description: o.description, protocolTitle: version.title }];
      })
    : [];
  return {
    access,
    patient,
    agreements: agreements.map((a) => {
      const version = versions.get(a.protocolVersionId);
      return {
        ...a,
        medicine: version ? medicineOf(version) : a.protocolId,
        clock: responseClockView(a, asker.today),
      };
    }),
    shareable,
    mayStart,
  };
}
