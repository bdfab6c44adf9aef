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
  decidedAt: Date | null;
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
  decided_at: Date | null;
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
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
  };
}

export function protocolContentHash(protocol: Protocol): string {
  return createHash('sha256').update(canonicalJson(protocol)).digest('hex');
}

/**
 * Stores every shipped protocol version not yet in the database, as approved (the file records who
 * approved it). A shipped version whose content differs from the stored one under the same version
 * number stops start-up: a protocol must never change under the agreements made with it.
 */
export async function syncShippedProtocols(db: Queryable): Promise<number> {
  const shipped = loadShippedProtocols();
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
     select * , 'shipped', 'approved', now() from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
     on conflict (protocol_id, version) do nothing`,
    [
      missing.map((m) => m.p.id),
      missing.map((m) => m.p.version),
      missing.map((m) => m.p.title),
      missing.map((m) => m.p.trafficLight),
      missing.map((m) => JSON.stringify(m.p)),
      missing.map((m) => m.hash),
    ],
  );
  return missing.length;
}

const columns =
  'id, protocol_id, version, title, traffic_light, content, origin, status, uploaded_at, decided_at, decision_note';

export async function findProtocolVersion(
  db: Queryable,
  id: string,
): Promise<ProtocolVersionRecord | undefined> {
  const [row] = await db.query<Row>(`select ${columns} from protocol_version where id = $1`, [id]);
  return row ? toRecord(row) : undefined;
}

/** For each protocol, the newest approved version: the one new agreements and orders use. */
export async function usableProtocolVersions(db: Queryable): Promise<ProtocolVersionRecord[]> {
  const rows = await db.query<Row>(
    `select distinct on (protocol_id) ${columns} from protocol_version
     where status = 'approved' order by protocol_id, coalesce(decided_at, uploaded_at) desc`,
  );
  return rows.map(toRecord);
}

export async function usableProtocolVersion(
  db: Queryable,
  protocolId: string,
): Promise<ProtocolVersionRecord | undefined> {
  return (await usableProtocolVersions(db)).find((v) => v.protocolId === protocolId);
}
