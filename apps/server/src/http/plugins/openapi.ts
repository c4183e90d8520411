import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { VERSION } from '../../utils/version.js';

/**
 * OpenAPI 3 document generated from the route schemas (every route has one) at
 * GET /openapi.json, and a browsable reference at /docs.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gatehouse API',
        version: VERSION,
        description:
          'Self-hosted identity server compatible with the GenAuth/Authing V3 API. `/api/v3/*` answers HTTP 200 with `{statusCode, message, apiCode?, requestId, data}`; `statusCode` 200 means success. Management routes need the vendor request signature (`Authorization: authing <accessKeyId>:<signature>`).',
      },
      servers: [{ url: app.gh.config.publicUrl }],
      components: {
        securitySchemes: {
          authingSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description: 'authing <accessKeyId>:base64(HMAC-SHA1(secret, stringToSign)) with date and x-authing-signature-nonce headers; see docs/api.md.',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
