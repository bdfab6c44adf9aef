import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import { staffRoles } from '../kernel/roles.ts';
import { requireRole } from '../server/guards.ts';
import { partyHeadings, readProtocol, responsibleParties } from './protocol-reading.rules.ts';
import { protocolDifferences } from './protocol-versions.rules.ts';
import {
  findProtocolVersionByNumber,
  type ProtocolVersionRecord,
  usableProtocolVersion,
  usableProtocolVersions,
  versionsAwaitingApproval,
} from './protocols.store.ts';

/** Protocols are read by every member of staff; families see what applies to them through their agreement. */
export function requireStaff(request: FastifyRequest) {
  return requireRole(request, staffRoles, 'read shared care protocols');
}

export function hasRole(request: FastifyRequest, role: string): boolean {
  return request.viewer?.memberships.some((m) => m.role === role) ?? false;
}

export const versionHref = (v: { protocolId: string; version: string }) =>
  `/protocols/${encodeURIComponent(v.protocolId)}/${encodeURIComponent(v.version)}`;

/** A version as the API and the lists show it, without its content. */
export function versionSummary(v: ProtocolVersionRecord) {
  return {
    id: v.id,
    protocolId: v.protocolId,
    version: v.version,
    title: v.title,
    trafficLight: v.trafficLight,
    status: v.status,
    origin: v.origin,
    effectiveDate: v.protocol.effectiveDate,
    reviewDate: v.protocol.reviewDate,
    uploadedAt: v.uploadedAt,
    uploadedBy: v.uploadedByName,
    decidedAt: v.decidedAt,
    decidedBy: v.decidedByName,
    decisionNote: v.decisionNote,
    href: versionHref(v),
  };
}

/** Every protocol: the version in use (if any is approved) and the versions awaiting approval. */
export async function protocolCatalogue(db: Database) {
  const [usable, awaiting] = await Promise.all([usableProtocolVersions(db), versionsAwaitingApproval(db)]);
  const ids = [...new Set([...usable, ...awaiting].map((v) => v.protocolId))].sort();
  return ids.map((protocolId) => {
    const inUse = usable.find((v) => v.protocolId === protocolId);
    const waiting = awaiting.filter((v) => v.protocolId === protocolId);
    const latest = inUse ?? waiting[0]!;
    return {
      protocolId,
      title: latest.title,
      trafficLight: latest.trafficLight,
      medicines: latest.protocol.medicines.map((m) => m.name),
      inUse: inUse ? versionSummary(inUse) : null,
      awaitingApproval: waiting.map(versionSummary),
    };
  });
}

export async function findVersionOrRefuse(
  db: Database,
  protocolId: string,
  version: string,
): Promise<ProtocolVersionRecord> {
  const record = await findProtocolVersionByNumber(db, protocolId, version);
  if (!record) {
    throw new JointlyError('NOT_FOUND', `There is no version ${version} of the protocol ${protocolId}.`);
  }
  return record;
}

/** Where a version stands: in use, superseded, awaiting approval or rejected. */
function standing(record: ProtocolVersionRecord, inUse: ProtocolVersionRecord | undefined) {
  if (record.status === 'approved') {
    return inUse?.id === record.id
      ? { text: 'In use', colour: 'green' }
      : { text: `Superseded by version ${inUse?.version ?? 'none'}`, colour: 'grey' };
  }
  return record.status === 'rejected'
    ? { text: 'Rejected', colour: 'red' }
    : { text: 'Awaiting approval', colour: 'blue' };
}

/** Everything the protocol page shows, for any member of staff; the decision forms only for a clinical safety officer. */
export async function protocolPageData(db: Database, request: FastifyRequest, record: ProtocolVersionRecord) {
  const inUse = await usableProtocolVersion(db, record.protocolId);
  const compareWith =
    record.status === 'awaiting-approval' && inUse && inUse.id !== record.id ? inUse : undefined;
  return {
    title: `${record.title} (version ${record.version})`,
    record,
    protocol: record.protocol,
    reading: readProtocol(record.protocol),
    standing: standing(record, inUse),
    inUse: inUse ? versionSummary(inUse) : null,
    differences: compareWith ? protocolDifferences(compareWith.protocol, record.protocol) : null,
    parties: responsibleParties.map((party) => ({ party, heading: partyHeadings[party] })),
    mayDecide: record.status === 'awaiting-approval' && hasRole(request, 'clinical_safety_officer'),
    mayStartFrom: hasRole(request, 'service_administrator'),
    values: {},
  };
}
