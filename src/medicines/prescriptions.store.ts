import type { Queryable } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';

/** A prescription issued for an order: when, how much, by whom and from where. */
export interface PrescriptionRecord {
  id: string;
  orderId: string;
  issuedOn: PlainDate;
  quantity: number;
  quantityUnit: string;
  prescriber: string;
  organisation: { code: string; name: string };
}

export interface NewPrescription {
  orderId: string;
  issuedOn: PlainDate;
  quantity: number;
  quantityUnit: string;
  prescriberId: string;
  organisationId: string;
}

export async function insertPrescription(tx: Queryable, p: NewPrescription): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into prescription_issued (medication_order_id, issued_on, quantity, quantity_unit, prescriber_id,
       organisation_id)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [p.orderId, p.issuedOn, p.quantity, p.quantityUnit, p.prescriberId, p.organisationId],
  );
  return row!.id;
}

/** The prescriptions issued for an order, the latest first. */
export async function prescriptionsForOrder(q: Queryable, orderId: string): Promise<PrescriptionRecord[]> {
  return q.query<PrescriptionRecord>(
    `select p.id, p.medication_order_id as "orderId", p.issued_on as "issuedOn",
       p.quantity::float8 as quantity, p.quantity_unit as "quantityUnit", u.display_name as prescriber,
       jsonb_build_object('code', o.code, 'name', o.name) as organisation
     from prescription_issued p
     join app_user u on u.id = p.prescriber_id
     join organisation o on o.id = p.organisation_id
     where p.medication_order_id = $1
     order by p.issued_on desc, p.created_at desc`,
    [orderId],
  );
}
