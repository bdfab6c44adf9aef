import type { Queryable } from '../db/database.ts';
import type { Protocol } from '../protocols/protocol.schema.ts';

/** The thresholds of the protocol of each medicine the child is on now, for the trend charts. */
export async function currentCourseThresholds(
  q: Queryable,
  patientId: string,
): Promise<{ medicine: string; thresholds: Protocol['thresholds'] }[]> {
  return q.query(
    `select c.medicine, coalesce(pv.content->'thresholds', '[]') as thresholds
     from monitoring_course c join protocol_version pv on pv.id = c.protocol_version_id
     where c.patient_id = $1 and c.stopped_on is null
     order by c.medicine`,
    [patientId],
  );
}
