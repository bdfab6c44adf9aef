import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { mayDeclareBreakGlass } from '../access/access.rules.ts';
import { errorCatalogue, type FieldProblem, JointlyError } from '../kernel/errors.ts';
import type { AppDeps } from './context.ts';

/** Is this a call to the JSON API (answer in JSON) rather than a page (answer in HTML)? */
export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** Every refusal becomes a page or a JSON body with its code, a message and the fields at fault; never a stack trace. */
export function registerErrorHandling(app: FastifyInstance, deps: AppDeps): void {
  app.setErrorHandler((error: FastifyError | JointlyError, request, reply) => {
    const jointly = toJointlyError(error);
    if (!jointly) {
      request.log.error(
        { err: { message: error.message, code: error.code, stack: error.stack } },
        'request failed',
      );
      return send(
        request,
        reply,
        500,
        'INTERNAL',
        'Sorry, there is a problem with the service',
        'Try again later.',
        [],
      );
    }
    if (jointly.code === 'NOT_SIGNED_IN' && !wantsJson(request) && request.method === 'GET') {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    return send(request, reply, jointly.status, jointly.code, jointly.title, jointly.message, jointly.fields);
  });

  app.setNotFoundHandler((request, reply) =>
    send(
      request,
      reply,
      404,
      'NOT_FOUND',
      errorCatalogue.NOT_FOUND.title,
      'If you typed the web address, check it is correct.',
      [],
    ),
  );
  void deps;
}

function toJointlyError(error: FastifyError | JointlyError): JointlyError | undefined {
  if (error instanceof JointlyError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: FieldProblem[] = error.validation.map((v) => ({
      field:
        v.instancePath.replace(/^\//, '').replaceAll('/', '.') || String(error.validationContext ?? 'input'),
      message: v.message ?? 'is not valid',
    }));
    return new JointlyError(
      'INVALID_INPUT',
      fields.map((f) => `${f.field}: ${f.message}`).join('; '),
      fields,
    );
  }
  if (error.validation) {
    return new JointlyError('INVALID_INPUT', error.message, [
      { field: String(error.validationContext ?? 'input'), message: error.message },
    ]);
  }
  if (error.statusCode === 429)
    return new JointlyError('ACCOUNT_LOCKED', 'Too many attempts. Wait a few minutes and try again.');
  if (
    error.statusCode === 415 ||
    error.statusCode === 400 ||
    error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
  ) {
    return new JointlyError('INVALID_INPUT', error.message);
  }
  if (error.statusCode === 404) return new JointlyError('NOT_FOUND', 'Not found.');
  return undefined;
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  title: string,
  message: string,
  fields: FieldProblem[],
) {
  reply.status(status);
  if (wantsJson(request)) return reply.send({ error: { code, message, fields } });
  const patientPath = /^\/patients\/([0-9a-f-]{36})/.exec(request.url);
  const breakGlassHref =
    code === 'NO_RELATIONSHIP' && patientPath && request.viewer && mayDeclareBreakGlass(request.viewer)
      ? `/patients/${patientPath[1]}/break-glass`
      : undefined;
  return reply.page('web/views/error.njk', { status, code, title, message, fields, breakGlassHref });
}
