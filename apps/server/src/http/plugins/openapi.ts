import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../utils/version.js';

const asset = (name: string) => readFileSync(new URL(`./openapi-assets/${name}`, import.meta.url));

/**
 * OpenAPI 3 document generated from the route schemas (every route has one) at
 * GET /openapi.json, and a browsable reference at /docs with Gatehouse's name and logo,
 * readable on a phone. "Try it out" signs management requests in the browser with an access key
 * the reader pastes (openapi-assets/signing.js: WebCrypto HMAC-SHA1, the vendor's algorithm; the
 * key stays in that tab's sessionStorage and is sent nowhere but as a signature).
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
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: asset('logo.svg') },
    theme: {
      title: 'Gatehouse API reference',
      css: [{ filename: 'gatehouse.css', content: asset('theme.css').toString('utf8') }],
      js: [{ filename: 'gatehouse-signing.js', content: asset('signing.js').toString('utf8') }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: asset('logo.svg') }],
    },
    uiConfig: {
      docExpansion: 'list',
      // Serialised into the page as its source text: plain browser JavaScript only.
      requestInterceptor: ((req: Record<string, unknown>) => {
        const sign = (globalThis as unknown as { __gatehouseSign?: (r: unknown) => unknown }).__gatehouseSign;
        return sign ? sign(req) : req;
      }) as never,
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
