import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appendAudit } from '../audit/audit.store.ts';
import type { Queryable } from '../db/database.ts';
import { JointlyError } from '../kernel/errors.ts';
import { requireRole } from '../server/guards.ts';

/** The signed-in service administrator, with the membership they act through. */
export type Administrator = ReturnType<typeof requireRole>;

export function requireAdministrator(request: FastifyRequest, doing: string): Administrator {
  return requireRole(request, ['service_administrator'], doing);
}

/**
 * The audit entry for an administrator's change, to write inside the change's transaction.
 * Details name accounts and organisations, never a patient's name, NHS number or date of birth.
 */
export function auditAdminAction(
  admin: Administrator,
  now: Date,
  action: string,
  details: Record<string, unknown>,
  patientId: string | null = null,
): (tx: Queryable) => Promise<void> {
  return (tx) =>
    appendAudit(tx, {
      occurredAt: now,
      userId: admin.viewer.id,
      userEmail: admin.viewer.email,
      role: admin.membership.role,
      organisationId: admin.membership.organisationId,
      patientId,
      action,
      outcome: 'allowed',
      relationship: null,
      breakGlassReason: null,
      details,
    });
}

/** Optional text from a form or query string: blank means not given. */
export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** A submitted form's fields as single strings (a repeated field keeps its first value). */
export function formFields(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') fields[name] = first;
  }
  return fields;
}

/**
 * Shows a form again with its problems when the input was refused (each field's message beside it
 * and in the summary); any other failure goes on to the central error handler.
 */
export function showFormAgain(
  error: unknown,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
): FastifyReply {
  if (!(error instanceof JointlyError) || error.fields.length === 0) throw error;
  reply.status(error.status);
  return reply.page(template, { ...data, fields: error.fields });
}
