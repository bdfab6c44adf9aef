import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-chain.rules.ts';
import type { Queryable } from '../db/database.ts';
import { checkProtocol, type Protocol } from './protocol.schema.ts';
import { loadShippedProtocols } from './shipped.ts';

export type ProtocolStatus = 'awaiting-approval' | 'approved' | 'rejected';

/** One stored version of a protocol, with its approval. Agreements point at the version they were made under. */
export interface ProtocolVersionRecord {
  id: string;
  protocolId: string;
  version: string;
  title: string;
  trafficLight: 'amber' | 'red';
  protocol: Protocol;
  origin: 'shipped' | 'uploaded' | 'edited';
  status: ProtocolStatus;
  uploadedAt: Date;
  /** Who uploaded a local version; null for shipped ones. */
  uploadedById: string | null;
  uploadedByName: string | null;
  decidedAt: Date | null;
  decidedByName: string | null;
  decisionNote: string | null;
}

interface Row {
  id: string;
  protocol_id: string;
  version: string;
  title: string;
  traffic_light: 'amber' | 'red';
  content: unknown;
  origin: ProtocolVersionRecord['origin'];
  status: ProtocolStatus;
  uploaded_at: Date;
  uploaded_by: string | null;
  uploaded_by_name: string | null;
  decided_at: Date | null;
  decided_by_name: string | null;
  decision_note: string | null;
}

function toRecord(r: Row): ProtocolVersionRecord {
  const checked = checkProtocol(r.content);
  if (!checked.ok)
    throw new Error(`Stored protocol ${r.protocol_id} ${r.version} no longer passes the schema`);
  return {
    id: r.id,
    protocolId: r.protocol_id,
    version: r.version,
    title: r.title,
    trafficLight: r.traffic_light,
    protocol: checked.protocol,
    origin: r.origin,
    status: r.status,
    uploadedAt: r.uploaded_at,
    uploadedById: r.uploaded_by,
    uploadedByName: r.uploaded_by_name,
    decidedAt: r.decided_at,
    decidedByName: r.decided_by_name,
    decisionNote: r.decision_note,
  };
}

export function protocolContentHash(protocol: Protocol): string {
  return createHash('sha256').update(canonicalJson(protocol)).digest('hex');
}

/**
 * Stores every shipped protocol version not yet in the database: approved when `approve` (demo and tests),
 * otherwise awaiting the clinical safety officer like a local version. A shipped version whose content differs from the stored one under the same version
 * number stops start-up: a protocol must never change under the agreements made with it.
 */
export async function syncShippedProtocols(
  db: Queryable,
  shipped: readonly Protocol[] = loadShippedProtocols(),
  options: { approve: boolean } = { approve: true },
): Promise<number> {
  const stored = await db.query<{ protocol_id: string; version: string; content_hash: string }>(
    "select protocol_id, version, content_hash from protocol_version where origin = 'shipped'",
  );
  const known = new Map(stored.map((r) => [`${r.protocol_id}@${r.version}`, r.content_hash]));
  const missing = [];
  for (const p of shipped) {
    const hash = protocolContentHash(p);
    const existing = known.get(`${p.id}@${p.version}`);
    if (existing && existing !== hash) {
      throw new Error(
        `The shipped protocol ${p.id} version ${p.version} has changed since it was stored. Give the changed file a new version number.`,
      );
    }
    if (!existing) missing.push({ p, hash });
  }
  if (missing.length === 0) return 0;
  await db.query(
    `insert into protocol_version (protocol_id, version, title, traffic_light, content, content_hash, origin, status, decided_at)
     select *, 'shipped', $7::text, case when $7 = 'approved' then now() end
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
     on conflict (protocol_id, version) do nothing`,
    [
      missing.map((m) => m.p.id),
      missing.map((m) => m.p.version),
      missing.map((m) => m.p.title),
      missing.map((m) => m.p.trafficLight),
      missing.map((m) => JSON.stringify(m.p)),
      missing.map((m) => m.hash),
      options.approve ? 'approved' : 'awaiting-approval',
    ],
  );
  return missing.length;
}

const selectVersions = `
  select v.id, v.protocol_id, v.version, v.title, v.traffic_light, v.content, v.origin, v.status, v.uploaded_at, v.uploaded_by,
    uploader.display_name as uploaded_by_name, v.decided_at, decider.display_name as decided_by_name, v.decision_note
  from protocol_version v
  left join app_user uploader on uploader.id = v.uploaded_by
  left join app_user decider on decider.id = v.decided_by`;

export async function findProtocolVersion(
  db: Queryable,
  id: string,
): Promise<ProtocolVersionRecord | undefined> {
  const [row] = await db.query<Row>(`${selectVersions} where v.id = $1`, [id]);
  return row ? toRecord(row) : undefined;
}

export async function findProtocolVersionByNumber(
  db: Queryable,
  protocolId: string,
  version: string,
): Promise<ProtocolVersionRecord | undefined> {
  const [row] = await db.query<Row>(`${selectVersions} where v.protocol_id = $1 and v.version = $2`, [
    protocolId,
    version,
  ]);
  return row ? toRecord(row) : undefined;
}

/**
 * For each protocol, the newest approved version: the one new agreements and orders use. Newest is the
 * highest version number (local versions must be numbered above every earlier one), whatever the clock said.
 */
export async function usableProtocolVersions(db: Queryable): Promise<ProtocolVersionRecord[]> {
  const rows = await db.query<Row>(
    `select distinct on (v.protocol_id) * from (${selectVersions} where v.status = 'approved') v
     order by v.protocol_id, string_to_array(v.version, '.')::numeric[] desc, coalesce(v.decided_at, v.uploaded_at) desc`,
  );
  return rows.map(toRecord);
}

export async function usableProtocolVersion(
  db: Queryable,
  protocolId: string,
): Promise<ProtocolVersionRecord | undefined> {
  return (await usableProtocolVersions(db)).find((v) => v.protocolId === protocolId);
}

/** Versions a clinical safety officer has still to approve or reject, oldest first. */
export async function versionsAwaitingApproval(db: Queryable): Promise<ProtocolVersionRecord[]> {
  const rows = await db.query<Row>(
    `${selectVersions} where v.status = 'awaiting-approval' order by v.uploaded_at, v.protocol_id`,
  );
  return rows.map(toRecord);
}

/** Every version number a protocol has had, whatever became of it. */
export async function versionNumbersOf(db: Queryable, protocolId: string): Promise<string[]> {
  const rows = await db.query<{ version: string }>(
    'select version from protocol_version where protocol_id = $1',
    [protocolId],
  );
  return rows.map((r) => r.version);
}

/** Stores a local version awaiting approval; undefined when that version number was taken meanwhile. */
export async function insertLocalVersion(
  tx: Queryable,
  version: { protocol: Protocol; origin: 'uploaded' | 'edited'; uploadedBy: string; uploadedAt: Date },
): Promise<string | undefined> {
  const { protocol } = version;
  const [row] = await tx.query<{ id: string }>(
    `insert into protocol_version (protocol_id, version, title, traffic_light, content, content_hash, origin, status,
       uploaded_by, uploaded_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'awaiting-approval', $8, $9)
     on conflict (protocol_id, version) do nothing returning id`,
    [
      protocol.id,
      protocol.version,
      protocol.title,
      protocol.trafficLight,
      JSON.stringify(protocol),
      protocolContentHash(protocol),
      version.origin,
      version.uploadedBy,
      version.uploadedAt,
    ],
  );
  return row?.id;
}

/**
 * Records a clinical safety officer's decision on a version awaiting approval. Only the decision columns
 * change: the content stays exactly as uploaded. False when the version was not awaiting approval.
 */
export async function recordDecision(
  tx: Queryable,
  id: string,
  decision: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; note: string | null },
): Promise<boolean> {
  const rows = await tx.query(
    `update protocol_version set status = $2, decided_by = $3, decided_at = $4, decision_note = $5
     where id = $1 and status = 'awaiting-approval' returning id`,
    [id, decision.status, decision.decidedBy, decision.decidedAt, decision.note],
  );
  return rows.length === 1;
}
