import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import view from '@fastify/view';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import nunjucks from 'nunjucks';
import { type PlainDate, todayInUk } from '../kernel/dates.ts';
import { registerCapabilities } from './capabilities.ts';
import type { AppDeps } from './context.ts';
import { registerErrorHandling } from './errors.ts';
import { registerSessionHooks } from './session-hooks.ts';
import { configureTemplates } from './templates.ts';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nhsukDir = join(dirname(createRequire(import.meta.url).resolve('nhsuk-frontend/package.json')), 'dist');

/** Assembles the whole web application: pages, JSON API and its OpenAPI document. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // Query strings can hold names and NHS numbers (searches): log the path only, and no bodies.
      serializers: {
        req: (req) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    bodyLimit: 1_048_576,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Jointly API',
        version: '0.1.0',
        description: 'Shared care for children with rheumatic disease',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'jointly_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: join(nhsukDir, 'nhsuk'), prefix: '/nhsuk/' });
  await app.register(fastifyStatic, {
    root: join(nhsukDir, 'nhsuk', 'assets'),
    prefix: '/assets/',
    decorateReply: false,
  });
  await app.register(fastifyStatic, {
    root: join(srcDir, 'web', 'static'),
    prefix: '/static/',
    decorateReply: false,
  });
  await app.register(view, {
    engine: { nunjucks },
    templates: [srcDir, nhsukDir],
    options: { autoescape: true, throwOnUndefined: false, onConfigure: configureTemplates },
  });

  app.decorateRequest('viewer', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('now', null as unknown as Date); // set for every request in onRequest below
  app.decorateRequest('today', '' as PlainDate);
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request, reply) => {
    request.now = deps.clock();
    request.today = todayInUk(request.now);
    request.cspNonce = randomBytes(16).toString('base64');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/api/docs')) {
      reply.header(
        'content-security-policy',
        `default-src 'self'; script-src 'self' 'nonce-${request.cspNonce}'; style-src 'self'; img-src 'self' data:; ` +
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
    }
  });
  registerSessionHooks(app, deps);
  registerErrorHandling(app, deps);

  app.decorateReply('page', function (this: import('fastify').FastifyReply, template: string, data = {}) {
    const request = this.request;
    return this.view(template, {
      ...data,
      viewer: request.viewer,
      csrfToken: request.csrfToken,
      cspNonce: request.cspNonce,
      demo: deps.config.demo,
      currentPath: request.url.split('?')[0],
    });
  });

  await registerCapabilities(app, deps);
  return app;
}
